"""农村危房改造 (二㈣): who may apply, and the subsidy by plan."""

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount
from policy.entities import Household
from policy.enums import HousingGrade, HousingPlan
from policy.in_force import in_force


class weifang_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "符合危房改造条件"
    reference = "厦委办发〔2018〕16号 二㈣"

    def formula(household, period):
        grade = household("housing_grade", period)
        plan = household("housing_plan", period)
        # Grade C (partly dangerous) is repaired; grade D (wholly dangerous) is
        # rebuilt on the spot or built anew.
        plan_fits = ((grade == HousingGrade.C) & (plan == HousingPlan.repair)) | (
            (grade == HousingGrade.D)
            & ((plan == HousingPlan.rebuild) | (plan == HousingPlan.new))
        )
        if not plan_fits.any():
            return plan_fits  # no dangerous house to renovate: nothing more to test
        # The members of a situation live together at home, so a member the rules
        # find 特困 is 分散供养. The declared flag (scattered_tekun) is a claim the
        # rules check (tekun_claim_confirmed), never a condition that pays.
        return (
            (household("dibao_eligible", period) | household("has_tekun_member", period))
            & household("housing_one_house", period)
            & plan_fits
        )


class weifang_subsidy(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "危房改造补助"
    unit = "元"

    def formula(household, period, parameters):
        eligible = household("weifang_eligible", period)
        if not eligible.any():
            return numpy.zeros(household.count)
        p = in_force(household, period, parameters).weifang
        area = household("housing_area_m2", period)
        # From 2018-03-23 new builds are paid per m² up to the area cap; before,
        # one lump sum of at most lump_sum_max (then the per-m² figures are NaN).
        per_area = p.build.per_m2 * numpy.minimum(area, p.build.area_cap)
        build = numpy.where(numpy.isnan(per_area), p.build.lump_sum_max, per_area)
        repair = numpy.minimum(household("housing_repair_cost", period), p.repair_cap)
        subsidy = numpy.where(household("housing_plan", period) == HousingPlan.repair, repair, build)
        return numpy.where(eligible, subsidy, 0)
