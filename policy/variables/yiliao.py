"""Medical costs through the three layers (二㈢): an estimate on example figures.

Basic insurance first, critical-illness insurance on what remains, then medical
assistance for 低保 families and 特困 people. Xiamen's own figures were not found,
so every parameter is marked verify and the answer is labelled an estimate.
With no costs in the whole population every layer is zero without computing.
"""

import numpy
from openfisca_core.periods import MONTH

from policy.amount import Amount
from policy.entities import Household
from policy.in_force import in_force


class yiliao_basic_insurance(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "基本医保报销（估算）"
    unit = "元/年"

    def formula(household, period, parameters):
        cost = household("medical_total_cost", period)
        if not cost.any():
            return numpy.zeros(household.count)
        p = in_force(household, period, parameters).yiliao.basic
        return numpy.minimum(numpy.maximum(cost - p.deductible, 0) * p.rate, p.annual_cap)


class yiliao_critical_illness(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "大病保险报销（估算）"
    unit = "元/年"

    def formula(household, period, parameters):
        cost = household("medical_total_cost", period)
        if not cost.any():
            return numpy.zeros(household.count)
        p = in_force(household, period, parameters).yiliao.critical_illness
        left = cost - household("yiliao_basic_insurance", period)
        return numpy.maximum(left - p.threshold, 0) * p.rate


class yiliao_assistance(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "医疗救助（估算）"
    unit = "元/年"

    def formula(household, period, parameters):
        cost = household("medical_total_cost", period)
        if not cost.any():
            return numpy.zeros(household.count)
        p = in_force(household, period, parameters).yiliao.assistance
        left = (
            cost
            - household("yiliao_basic_insurance", period)
            - household("yiliao_critical_illness", period)
        )
        covered = household("dibao_eligible", period) | household("has_tekun_member", period)
        return numpy.where(covered, numpy.minimum(left * p.rate, p.annual_cap), 0)


class yiliao_out_of_pocket(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "三重保障后个人自付（估算）"
    unit = "元/年"

    def formula(household, period):
        return (
            household("medical_total_cost", period)
            - household("yiliao_basic_insurance", period)
            - household("yiliao_critical_illness", period)
            - household("yiliao_assistance", period)
        )
