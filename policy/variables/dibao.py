"""最低生活保障（低保）: eligibility and the monthly 差额 benefit."""

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount
from policy.entities import Household
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


class dibao_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "符合低保条件"

    def formula(household, period):
        # Strictly below: a per-capita income equal to the standard is not below it.
        return (
            household("hukou_xiamen", period)
            & (household("income_per_capita", period) < household("dibao_standard", period))
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
        gap = household("dibao_standard", period) - household("income_per_capita", period)
        return numpy.where(
            household("dibao_eligible", period), gap * household("household_size", period), 0
        )
