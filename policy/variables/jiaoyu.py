"""教育救助 (per student, 二㈡): found from the household's answers, no application."""

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount
from policy.entities import Person
from policy.enums import DisabilityKind, StudentStage
from policy.in_force import in_force


class jiaoyu_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "符合教育救助条件的学生"
    reference = "厦委办发〔2018〕16号 二㈡"

    def formula(person, period):
        student = person("student_stage", period) != StudentStage.none
        if not student.any():
            return student  # no student: nothing more to test
        household_in_need = person.household("dibao_eligible", period) | person.household(
            "has_tekun_member", period
        )
        disabled = person("disability_kind", period) != DisabilityKind.none
        return student & (household_in_need | disabled | person("parent_disabled", period))


class jiaoyu_amount(Amount):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "教育救助年度资助金额"
    unit = "元/年"

    def formula(person, period, parameters):
        eligible = person("jiaoyu_eligible", period)
        if not eligible.any():
            return numpy.zeros(person.count)
        amount = in_force(person, period, parameters).jiaoyu.amount
        stage = person("student_stage", period)
        boarding = person("boarding", period)
        # Compulsory schooling is free; its living allowance goes to boarders only.
        yearly = numpy.select(
            [
                stage == StudentStage.preschool,
                (stage == StudentStage.primary) & boarding,
                (stage == StudentStage.junior) & boarding,
                stage == StudentStage.senior,
                stage == StudentStage.vocational,
                stage == StudentStage.university,
            ],
            [
                amount.preschool,
                amount.primary_boarding,
                amount.junior_boarding,
                amount.senior,
                amount.vocational,
                amount.university,
            ],
            0,
        )
        return numpy.where(eligible, yearly, 0)
