"""创业担保贷款 pre-check (三㈡), on the 2025 rules.

Months before those rules are "not covered": the parameters have no value then
(NaN), and the answer says so rather than applying 2025 figures to them.
"""

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount
from policy.entities import Household, Person
from policy.enums import LoanGroup
from policy.in_force import in_force


class daikuan_covered(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "评估月份有创业担保贷款规则"

    def formula(household, period, parameters):
        max_amount = in_force(household, period, parameters).daikuan.chuangye.max_amount
        return numpy.logical_not(numpy.isnan(max_amount))


class daikuan_max_amount(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "创业担保贷款个人额度上限"
    unit = "元"

    def formula(household, period, parameters):
        p = in_force(household, period, parameters).daikuan.chuangye
        return numpy.nan_to_num(p.max_amount)


class daikuan_max_years(Variable):
    value_type = int
    entity = Household
    definition_period = MONTH
    label = "创业担保贷款期限上限"
    unit = "年"

    def formula(household, period, parameters):
        p = in_force(household, period, parameters).daikuan.chuangye
        return numpy.nan_to_num(p.max_years)


class daikuan_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "符合创业担保贷款条件"

    def formula(person, period, parameters):
        p = in_force(person, period, parameters).daikuan.chuangye
        age = person("age", period)
        listed = (
            (person("loan_group", period) != LoanGroup.none)
            | person("registered_unemployed", period)
            | person("jiuye_kunnan", period)
            | person("graduate", period)
        )
        # Comparisons with NaN (months not covered) are false.
        return (
            person("loan_applicant", period)
            & (age >= p.min_age)
            & (age <= p.max_age)
            & listed
            & person("loan_business_in_xiamen", period)
            & (person("loan_other_debt", period) <= p.other_debt_allowance)
        )
