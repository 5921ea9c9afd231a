"""One OpenFisca simulation for many households, built straight from arrays.

SimulationBuilder's dict path handles every value on its own; here each answer
is already one numpy column for all households (see situation.read), and only
columns that differ from the default are set: a left-out answer is the default.
"""

import numpy
from openfisca_core import periods
from openfisca_core.simulations import Simulation

from policy.enums import DisabilityKind
from policy.system import tax_benefit_system

HOUSEHOLD_OUTPUTS = (
    "gross_income",
    "employment_deduction",
    "rigid_spending",
    "net_income",
    "income_per_capita",
    "assets_per_capita",
    "dibao_standard",
    "dibao_asset_limit",
    "dibao_assets_ok",
    "dibao_household_size",
    "dibao_gross_income",
    "dibao_employment_deduction",
    "dibao_rigid_spending",
    "dibao_net_income",
    "dibao_income_per_capita",
    "dibao_eligible",
    "dibao_benefit",
    "dishouru_income_line",
    "dishouru_eligible",
    "tekun_asset_limit",
    "weifang_eligible",
    "weifang_subsidy",
    "yiliao_basic_insurance",
    "yiliao_critical_illness",
    "yiliao_assistance",
    "yiliao_out_of_pocket",
)
PERSON_OUTPUTS = (
    "member_employment_deduction",
    "unable_to_work",
    "supporter_at_home",
    "tekun_eligible",
    "tekun_monthly_support",
    "tekun_claim_confirmed",
    "jiaoyu_eligible",
    "jiaoyu_amount",
    "jiuye_kunnan",
    "daikuan_eligible",
)
# situation answer -> input variable, where the names differ
_HOUSING_INPUTS = {
    "grade": "housing_grade",
    "one_house": "housing_one_house",
    "plan": "housing_plan",
    "area_m2": "housing_area_m2",
    "repair_cost": "housing_repair_cost",
}
_UNSPECIFIED = list(DisabilityKind).index(DisabilityKind.unspecified)


def compute(answers):
    """Compute checked `answers` (situation.Answers) in one simulation.

    Returns two dicts name -> array: the household outputs, the person outputs.
    """
    system = tax_benefit_system()
    person_count = int(answers.sizes.sum())

    populations = system.instantiate_entities()
    persons, households = populations["person"], populations["household"]
    persons.count, persons.ids = person_count, numpy.arange(person_count)
    households.count, households.ids = answers.count, numpy.arange(answers.count)
    households.members_entity_id = numpy.repeat(numpy.arange(answers.count), answers.sizes)
    simulation = Simulation(system, populations)

    # Each household is assessed on the first day of its own month; the
    # simulation's period only labels the computation (see in_force.py).
    months = numpy.array([date[:7] for date in answers.dates], dtype="datetime64[M]")
    period = periods.period(str(months[0]))
    simulation.set_input("assessment_date", period, months.astype("datetime64[D]"))

    def set_input(name, values):
        if values.any():
            simulation.set_input(name, period, values)

    for name, values in answers.household.items():
        set_input(name, values)
    for key, name in _HOUSING_INPUTS.items():
        set_input(name, answers.housing[key])
    member = answers.member
    for name, values in member.items():
        if name not in ("disabled", "disability_kind"):
            set_input(name, values)
    # A certificate whose kind was not given still is a disability.
    kind = numpy.where(member["disabled"] & (member["disability_kind"] == 0), _UNSPECIFIED, member["disability_kind"])
    set_input("disability_kind", kind.astype(numpy.int16))
    _set_loans(set_input, answers, person_count)

    household = {name: simulation.calculate(name, period) for name in HOUSEHOLD_OUTPUTS}
    person = {name: simulation.calculate(name, period) for name in PERSON_OUTPUTS}
    return household, person


def _set_loans(set_input, answers, person_count):
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
        set_input(name, values)
    applicant = numpy.zeros(person_count, dtype=bool)
    applicant[at] = True
    set_input("loan_applicant", applicant)
