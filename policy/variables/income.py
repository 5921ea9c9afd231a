"""The income test shared by 低保, 低收入 and 特困 (domain.md, 二㈠).

gross − employment deduction − rigid spending, floored at zero, per head.
"""

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount
from policy.entities import Household, Person
from policy.in_force import in_force


class household_size(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "家庭人口"

    def formula(household, period):
        return household.nb_persons()


class gross_income(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "家庭月收入合计（成员收入加赡养扶养费）"
    unit = "元/月"

    def formula(household, period):
        return household.sum(household.members("monthly_income", period)) + household(
            "monthly_support_received", period
        )


class member_employment_deduction(Amount):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "本人的就业成本扣除"
    unit = "元/月"
    reference = "厦委办发〔2018〕16号 二㈠"

    def formula(person, period, parameters):
        p = in_force(person, period, parameters).income
        income = person("monthly_income", period)
        # Never more than what the member earns: the deduction offsets the cost
        # of working, it does not create negative income.
        allowance = numpy.minimum(p.employment_deduction_rate * p.minimum_wage, income)
        return numpy.where(person("employed", period), allowance, 0)


class employment_deduction(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "就业成本扣除合计"
    unit = "元/月"

    def formula(household, period):
        return household.sum(household.members("member_employment_deduction", period))


class rigid_spending(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "刚性支出（按月计）"
    unit = "元/月"
    reference = "厦委办发〔2018〕16号 二㈠"

    def formula(household, period):
        # Aid received last year counts as the family's own spending, so help
        # never pushes a family back out of assistance (二㈠, last sentence).
        yearly = (
            household("annual_medical_expense", period)
            + household("annual_education_expense", period)
            + household("prior_year_medical_aid", period)
            + household("prior_year_education_aid", period)
        )
        return yearly / 12


class net_income(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "家庭月净收入"
    unit = "元/月"

    def formula(household, period):
        net = (
            household("gross_income", period)
            - household("employment_deduction", period)
            - household("rigid_spending", period)
        )
        return numpy.maximum(net, 0)


class income_per_capita(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "家庭人均月收入"
    unit = "元/人/月"

    def formula(household, period):
        return household("net_income", period) / household("household_size", period)


class assets_per_capita(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "家庭人均金融资产"
    unit = "元/人"

    def formula(household, period):
        return household("financial_assets", period) / household("household_size", period)
