"""低收入家庭（低保边缘）: above the 低保 line but below twice it."""

from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount
from policy.entities import Household
from policy.in_force import in_force


class dishouru_income_line(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "低收入家庭收入线"
    unit = "元/人/月"

    def formula(household, period, parameters):
        multiple = in_force(household, period, parameters).dishouru.income_multiple
        return multiple * household("dibao_standard", period)


class dishouru_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "符合低收入家庭条件"

    def formula(household, period):
        # "Not 低保" is read as "income not below the 低保 standard": the other
        # 低保 conditions (户籍, assets) hold for 低收入 too, so a family refused 低保
        # for its 户籍 or assets is not 低收入 either. Like 低保, it is assessed for
        # the members who are not 特困 (dibao.py).
        per_capita = household("dibao_income_per_capita", period)
        return (
            household("hukou_xiamen", period)
            & (household("dibao_household_size", period) > 0)
            & household("dibao_assets_ok", period)
            & (per_capita >= household("dibao_standard", period))
            & (per_capita < household("dishouru_income_line", period))
        )
