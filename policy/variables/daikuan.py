"""创业担保贷款 pre-check (三㈡), on the 2025 rules.

Months before those rules are "not covered": the parameters have no value then
(NaN, and every comparison with NaN is false), and the answer says so rather
than applying 2025 figures to them.
"""

from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.entities import Person
from policy.enums import LoanGroup
from policy.in_force import in_force


class daikuan_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "符合创业担保贷款条件"

    def formula(person, period, parameters):
        applicant = person("loan_applicant", period)
        if not applicant.any():
            return applicant  # nobody applies: nothing more to test
        p = in_force(person, period, parameters).daikuan.chuangye
        age = person("age", period)
        listed = (
            (person("loan_group", period) != LoanGroup.none)
            | person("registered_unemployed", period)
            | person("jiuye_kunnan", period)
            | person("graduate", period)
        )
        return (
            applicant
            & (age >= p.min_age)
            & (age <= p.max_age)
            & listed
            & person("loan_business_in_xiamen", period)
            & (person("loan_other_debt", period) <= p.other_debt_allowance)
        )
