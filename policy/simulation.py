"""One OpenFisca simulation for many households, built straight from arrays.

SimulationBuilder's dict path handles every value on its own; here each answer
is already one numpy column for all households (see situation.read), held in
the simulation as it is. Only the variables the chosen programmes' answers read
are calculated (`OUTPUTS`); their formulas pull in what they depend on.

Every value is held once per simulation, by name: the answers as they are set,
each result as its formula returns it (see _Simulation for why openfisca-core's
per-call bookkeeping can be left out).
"""

import functools

import numpy
from openfisca_core import periods
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.populations import GroupPopulation, Population
from openfisca_core.simulations import Simulation

from policy.enums import DisabilityKind
from policy.system import tax_benefit_system

# The programmes of an answer, in its order (the keys of answer["programmes"]).
PROGRAMMES = ("dibao", "dishouru", "tekun", "jiaoyu", "weifang", "jiuye_kunnan", "yiliao", "daikuan")
# Programmes decided by the household's income test: their answer carries it (answer["income"]).
INCOME_TEST = ("dibao", "dishouru", "tekun")

# What the answer, the checklist and the explanation of each part read:
# (household variables, person variables). A programme's explanation also reads
# the results of the programmes it rests on (特困 before 低保, 低保 for education…).
OUTPUTS = {
    "income": (
        ("gross_income", "employment_deduction", "rigid_spending", "net_income", "income_per_capita"),
        ("member_employment_deduction",),
    ),
    "dibao": (
        ("dibao_standard", "dibao_asset_limit", "dibao_assets_ok", "assets_per_capita", "dibao_household_size",
         "dibao_gross_income", "dibao_employment_deduction", "dibao_rigid_spending", "dibao_net_income",
         "dibao_income_per_capita", "dibao_eligible", "dibao_benefit"),
        ("tekun_eligible",),
    ),
    "dishouru": (
        ("dishouru_income_line", "dishouru_eligible", "dibao_eligible", "dibao_household_size",
         "dibao_income_per_capita"),
        (),
    ),
    "tekun": (
        ("dibao_standard", "assets_per_capita", "tekun_asset_limit"),
        ("tekun_eligible", "tekun_monthly_support", "tekun_claim_confirmed", "unable_to_work", "supporter_at_home"),
    ),
    "jiaoyu": (("dibao_eligible",), ("tekun_eligible", "jiaoyu_eligible", "jiaoyu_amount")),
    "weifang": (("dibao_eligible", "weifang_eligible", "weifang_subsidy"), ("tekun_eligible",)),
    "jiuye_kunnan": ((), ("jiuye_kunnan",)),
    "yiliao": (("yiliao_basic_insurance", "yiliao_critical_illness", "yiliao_assistance", "yiliao_out_of_pocket"), ()),
    "daikuan": ((), ("daikuan_eligible",)),
}
# situation answer -> input variable, where the names differ
_HOUSING_INPUTS = {
    "grade": "housing_grade",
    "one_house": "housing_one_house",
    "plan": "housing_plan",
    "area_m2": "housing_area_m2",
    "repair_cost": "housing_repair_cost",
}
_UNSPECIFIED = list(DisabilityKind).index(DisabilityKind.unspecified)


def scope(programmes):
    """The programmes asked for, checked, in the answer's order (None: all of them)."""
    if programmes is None:
        return PROGRAMMES
    if isinstance(programmes, str):  # one name, not its letters
        programmes = (programmes,)
    asked = set(programmes)
    if not asked:
        raise ValueError("no programmes to assess; leave `programmes` out for all of them")
    unknown = asked.difference(PROGRAMMES)
    if unknown:
        raise ValueError(f"unknown programmes {sorted(unknown)}; known: {', '.join(PROGRAMMES)}")
    return tuple(name for name in PROGRAMMES if name in asked)


@functools.cache
def outputs(programmes):
    """The household and person variables the answer of `programmes` (a scope) reads."""
    parts = (("income",) if set(programmes) & set(INCOME_TEST) else ()) + programmes
    household, person = {}, {}
    for part in parts:
        household.update(dict.fromkeys(OUTPUTS[part][0]))
        person.update(dict.fromkeys(OUTPUTS[part][1]))
    return tuple(household), tuple(person)


class _Held:
    """A population answering from the values its simulation holds."""

    def __call__(self, variable_name, period, options=None):
        simulation = self.simulation
        if options is None and period is simulation.period and simulation.population_of.get(variable_name) is self:
            value = self.held.get(variable_name)
            return simulation.calculate(variable_name, period) if value is None else value
        # Another entity's variable, another period, ADD/DIVIDE: openfisca's own checks and errors.
        return super().__call__(variable_name, period, options)

    def __getattr__(self, attribute):
        # person.household: the projector is made once, not at each formula's call.
        projector = super().__getattr__(attribute)
        if not attribute.startswith("_"):
            self.__dict__[attribute] = projector
        return projector


class _HeldPopulation(_Held, Population):
    pass


class _HeldGroupPopulation(_Held, GroupPopulation):
    pass


@functools.cache
def _formula(variable, period):
    """The formula of `variable` in force for `period`, and whether it reads parameters."""
    formula = variable.get_formula(period)
    return formula, formula is not None and formula.__code__.co_argcount == 3


class _Simulation(Simulation):
    """Holds each value once, by name, for its one period.

    A value not held yet is the variable's default (an answer nobody gave) or its
    formula's result, run at once: these rules have no cycles and every formula
    reads its own month, so openfisca's tracer, cycle and period checks, holders
    and casts have nothing to catch here. The YAML tests (tests/policy/test_yaml_rules.py)
    run every formula through openfisca's own Simulation, with all of them.
    """

    def __init__(self, system, populations, period):
        super().__init__(system, populations)
        self.period = period
        self.variables = system.variables
        self.population_of = {name: populations[key] for name, key in _entity_keys(system).items()}
        self.parameters_at = system.get_parameters_at_instant  # one object: in_force compares it

    def calculate(self, variable_name, period):
        if period is not self.period and period != self.period:
            return super().calculate(variable_name, period)
        population = self.population_of[variable_name]
        value = population.held.get(variable_name)
        if value is not None:
            return value
        variable = self.variables[variable_name]
        formula, reads_parameters = _formula(variable, period)
        if formula is None:  # an answer left out by everyone
            value = variable.default_array(population.count)
        else:
            value = formula(population, period, self.parameters_at) if reads_parameters else formula(population, period)
            if not isinstance(value, numpy.ndarray):  # a parameter read once for everyone
                value = numpy.full(population.count, value)
            if variable.value_type is Enum and not isinstance(value, EnumArray):
                value = variable.possible_values.encode(value)
            elif value.dtype != variable.dtype:
                value = value.astype(variable.dtype)
        population.held[variable_name] = value
        return value

    def hold(self, name, values):
        """Hold an answer (a column over the variable's entity) as the variable's value."""
        variable = self.variables[name]
        if values.dtype != variable.dtype:
            values = values.astype(variable.dtype)
        if variable.value_type is Enum:
            values = EnumArray(values, variable.possible_values)
        self.population_of[name].held[name] = values


@functools.cache
def _month(month):
    # Parsing a period costs more than a small household's formulas.
    return periods.period(month)


@functools.lru_cache(maxsize=8)  # a few systems: the shipped one, staff's (policy/overrides.py), previews
def _entity_keys(system):
    return {name: variable.entity.key for name, variable in system.variables.items()}


def compute(answers, programmes=PROGRAMMES):
    """Compute checked `answers` (situation.Answers) for `programmes` (a scope) in one simulation.

    Returns two dicts name -> array: the household outputs, the person outputs.
    """
    system = tax_benefit_system()
    person_count = int(answers.sizes.sum())

    persons = _HeldPopulation(system.person_entity)
    households = _HeldGroupPopulation(system.group_entities[0], persons)
    for population, count in ((persons, person_count), (households, answers.count)):
        population.held = {}
        population.count, population.ids = count, numpy.arange(count)
    households.members_entity_id = numpy.repeat(numpy.arange(answers.count), answers.sizes)

    # Each household is assessed on the first day of its own month; the
    # simulation's period only labels the computation (see in_force.py).
    months = numpy.array([date[:7] for date in answers.dates], dtype="datetime64[M]")
    period = _month(answers.dates[0][:7])
    simulation = _Simulation(system, {"person": persons, "household": households}, period)
    hold = simulation.hold
    hold("assessment_date", months.astype("datetime64[D]"))

    # A column nobody answered is left out: the variable's default, made when read.
    for name, values in answers.household.items():
        if values.any():
            hold(name, values)
    for key, name in _HOUSING_INPUTS.items():
        if answers.housing[key].any():
            hold(name, answers.housing[key])
    member = answers.member
    for name, values in member.items():
        if name not in ("disabled", "disability_kind") and values.any():
            hold(name, values)
    # A certificate whose kind was not given still is a disability.
    if member["disabled"].any():
        kind = numpy.where(member["disabled"] & (member["disability_kind"] == 0), _UNSPECIFIED, member["disability_kind"])
        hold("disability_kind", kind.astype(numpy.int16))
    if len(answers.loans["household"]):
        _hold_loans(hold, answers, person_count)

    household_names, person_names = outputs(programmes)
    calculate = simulation.calculate
    household = {name: calculate(name, period) for name in household_names}
    person = {name: calculate(name, period) for name in person_names}
    return household, person


def _hold_loans(hold, answers, person_count):
    # The loan answers belong to the applicant; everyone else keeps the defaults.
    loans = answers.loans
    at = answers.first_member[loans["household"]] + loans["applicant"]
    for name, key, dtype in (
        ("loan_group", "group", numpy.int16),
        ("loan_business_in_xiamen", "business_in_xiamen", bool),
        ("loan_other_debt", "other_debt", float),
    ):
        values = numpy.zeros(person_count, dtype=dtype)
        values[at] = loans[key]
        hold(name, values)
    applicant = numpy.zeros(person_count, dtype=bool)
    applicant[at] = True
    hold("loan_applicant", applicant)
