"""最低生活保障（低保）: eligibility and the monthly 差额 benefit.

特困 comes before 低保 (domain.md): a member who meets 特困 is supported as 特困
and not paid 低保 as well; 低保 is assessed for the other members without that
person. The members' own income and employment deduction follow each member;
what the answers give for the household as a whole (support paid by obligors
outside it, rigid spending) is shared per head, so the members assessed for 低保
carry their share. Financial assets are shared the same way, so the assets per
head are the household's. Without a 特困 member every figure is the household's.
"""

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount
from policy.entities import Household, Person
from policy.in_force import in_force


class dibao_standard(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "低保标准"
    unit = "元/人/月"

    def formula(household, period, parameters):
        return in_force(household, period, parameters).dibao.standard


class dibao_asset_limit(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "低保、低收入家庭人均金融资产上限"
    unit = "元/人"

    def formula(household, period, parameters):
        months = in_force(household, period, parameters).dibao.asset_months
        return months * household("dibao_standard", period)


class dibao_assets_ok(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "人均金融资产不超过低保、低收入上限"

    def formula(household, period):
        return household("assets_per_capita", period) <= household("dibao_asset_limit", period)


class dibao_member(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "按低保审核的成员（符合特困条件的成员按特困人员供养，不计入）"

    def formula(person, period):
        return numpy.logical_not(person("tekun_eligible", period))


class dibao_household_size(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "按低保审核的人数"

    def formula(household, period):
        return household.sum(household.members("dibao_member", period)).astype(int)


def _for_dibao_members(household, period, whole, of_members):
    """The household figure `whole`, or where a member is 特困 the figure of the
    members assessed for 低保: `of_members(share)`, share = their part of the household."""
    tekun = household("has_tekun_member", period)
    if not tekun.any():
        return whole  # exactly the household's figures: nobody is left out
    share = household("dibao_household_size", period) / household("household_size", period)
    return numpy.where(tekun, of_members(share), whole)


class dibao_gross_income(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "按低保审核成员的月收入（加按人数分摊的赡养扶养费）"
    unit = "元/月"

    def formula(household, period):
        members = household.members
        own = household.sum(members("monthly_income", period) * members("dibao_member", period))
        support = household("monthly_support_received", period)
        whole = household("gross_income", period)
        return _for_dibao_members(household, period, whole, lambda share: own + support * share)


class dibao_employment_deduction(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "按低保审核成员的就业成本扣除"
    unit = "元/月"

    def formula(household, period):
        members = household.members
        own = household.sum(members("member_employment_deduction", period) * members("dibao_member", period))
        return _for_dibao_members(household, period, household("employment_deduction", period), lambda share: own)


class dibao_rigid_spending(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "按低保审核成员分摊的刚性支出（按人数）"
    unit = "元/月"

    def formula(household, period):
        rigid = household("rigid_spending", period)
        return _for_dibao_members(household, period, rigid, lambda share: rigid * share)


class dibao_net_income(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "按低保审核成员的月净收入"
    unit = "元/月"

    def formula(household, period):
        net = (
            household("dibao_gross_income", period)
            - household("dibao_employment_deduction", period)
            - household("dibao_rigid_spending", period)
        )
        return numpy.maximum(net, 0)


class dibao_income_per_capita(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "按低保审核成员的人均月收入"
    unit = "元/人/月"

    def formula(household, period):
        size = household("dibao_household_size", period)
        # 0 where every member is 特困: nobody is assessed for 低保.
        return household("dibao_net_income", period) / numpy.maximum(size, 1)


class dibao_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "符合低保条件"

    def formula(household, period):
        # Strictly below: a per-capita income equal to the standard is not below it.
        return (
            household("hukou_xiamen", period)
            & (household("dibao_household_size", period) > 0)
            & (household("dibao_income_per_capita", period) < household("dibao_standard", period))
            & household("dibao_assets_ok", period)
        )


class dibao_benefit(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "低保月补助金额（差额补助）"
    unit = "元/月"

    def formula(household, period):
        # From the unrounded per-capita income: (800 − 1690/3) × 3 is exactly 710.
        gap = household("dibao_standard", period) - household("dibao_income_per_capita", period)
        return numpy.where(
            household("dibao_eligible", period), gap * household("dibao_household_size", period), 0
        )
