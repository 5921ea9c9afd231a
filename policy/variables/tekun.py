"""特困人员 (per person): unable to work, no income, no able supporter, few assets, Xiamen 户籍."""

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount
from policy.entities import Household, Person
from policy.enums import DisabilityKind, StudentStage
from policy.in_force import in_force


class unable_to_work(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "属于无劳动能力"
    reference = "《福建省特困人员认定办法》"

    def formula(person, period, parameters):
        p = in_force(person, period, parameters).tekun.unable_to_work
        age = person("age", period)
        stage = person("student_stage", period)
        kind = person("disability_kind", period)
        grade = person("disability_grade", period)
        # A student in compulsory, senior-high or vocational school cannot be
        # expected to work whatever the age (under 16 is covered anyway); a
        # university student is not in this list.
        in_school = (
            (stage == StudentStage.primary)
            | (stage == StudentStage.junior)
            | (stage == StudentStage.senior)
            | (stage == StudentStage.vocational)
        )
        rated = grade >= 1  # 0 means the grade was not given
        limits = p.max_grade
        severe = rated & (
            ((kind == DisabilityKind.intellectual) & (grade <= limits.intellectual))
            | ((kind == DisabilityKind.mental) & (grade <= limits.mental))
            | ((kind == DisabilityKind.physical) & (grade <= limits.physical))
            | ((kind == DisabilityKind.visual) & (grade <= limits.visual))
        )
        return (age >= p.elderly_age) | (age < p.child_age) | in_school | severe


class tekun_asset_limit(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "特困人员人均金融资产上限"
    unit = "元/人"

    def formula(household, period, parameters):
        years = in_force(household, period, parameters).tekun.asset_years
        return years * 12 * household("dibao_standard", period)


class tekun_household_ok(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "家庭方面符合特困条件（厦门户籍、家外无有能力的义务人、资产不超限、无机动车）"

    def formula(household, period):
        # Xiamen 户籍: the application is made to the street (town) of the 户籍.
        return (
            household("hukou_xiamen", period)
            & numpy.logical_not(household("has_able_supporter", period))
            & (household("assets_per_capita", period) <= household("tekun_asset_limit", period))
            & numpy.logical_not(household("owns_vehicle", period))
        )


class supporter_at_home(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "家中有其他能劳动的成员可以扶养"

    def formula(person, period):
        # Household members are bound by the duty of support (domain.md), so any
        # other member able to work is an obligor able to support: a child living
        # with a working parent is not 特困. `has_able_supporter` answers for
        # obligors outside the household.
        able = numpy.logical_not(person("unable_to_work", period))
        # person.household.sum is projected back onto each member.
        return (person.household.sum(able) - able) > 0


class tekun_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "符合特困人员条件"

    def formula(person, period):
        unable = person("unable_to_work", period)
        if not unable.any():
            return unable  # everyone can work: nothing more to test
        standard = person.household("dibao_standard", period)
        return (
            unable
            & (person("monthly_income", period) < standard)
            & numpy.logical_not(person("supporter_at_home", period))
            & person.household("tekun_household_ok", period)
        )


class tekun_monthly_support(Amount):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "特困人员基本生活标准"
    unit = "元/月"

    def formula(person, period, parameters):
        multiple = in_force(person, period, parameters).tekun.support_multiple
        support = multiple * person.household("dibao_standard", period)
        return numpy.where(person("tekun_eligible", period), support, 0)


class has_tekun_member(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "家中有符合特困条件的成员"

    def formula(household, period):
        return household.any(household.members("tekun_eligible", period))


class tekun_claim_confirmed(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "申报的分散供养特困人员身份经规则确认"

    def formula(person, period):
        # The declared flag is a claim, never a condition: it is confirmed only
        # where the rules find the person 特困 from the answers. A claim the rules
        # contradict is shown to staff (the answer's `claims`) and pays nothing.
        return person("scattered_tekun", period) & person("tekun_eligible", period)
