"""就业困难人员 (per person, 三㈠): first in line for public-welfare posts."""

import numpy
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.entities import Person
from policy.enums import DisabilityKind, Sex
from policy.in_force import in_force


class working_age(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "处于劳动年龄"

    def formula(person, period, parameters):
        p = in_force(person, period, parameters).jiuye.kunnan
        age = person("age", period)
        # A member whose sex was not given is measured by the men's ages.
        female = person("sex", period) == Sex.female
        retirement = numpy.where(female, p.retirement_age.female, p.retirement_age.male)
        return (age >= p.working_age_min) & (age < retirement)


class jiuye_kunnan(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "符合就业困难人员条件"
    reference = "厦人社〔2019〕53号；闽人社办〔2025〕69号"

    def formula(person, period, parameters):
        registered = person("registered_unemployed", period)
        if not registered.any():
            return registered  # nobody is registered unemployed: nothing more to test
        p = in_force(person, period, parameters).jiuye.kunnan
        age = person("age", period)
        months = person("unemployed_months", period)
        female = person("sex", period) == Sex.female
        older = age >= numpy.where(female, p.older_age.female, p.older_age.male)
        reason = (
            (older & (months >= p.older_unemployed_months))
            | (person("disability_kind", period) != DisabilityKind.none)
            # A 低保 household is one that receives it, not one a pre-check finds might: a
            # seeker's form or registry row says nothing of the household's income.
            | person.household("dibao_recipient", period)
            | (months >= p.long_term_unemployed_months)
            | person("land_expropriated", period)
        )
        return registered & person.household("hukou_xiamen", period) & person("working_age", period) & reason
