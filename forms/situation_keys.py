"""The household situation's keys a form may feed (`maps_to`), and what each holds.

The one list of them in forms/. It mirrors the situation of interfaces.md as the rules
check it (policy/situation.py); forms/ keeps its own copy so that a definition is checked
at load without importing the rules. A key added there is added here.
"""

from dataclasses import dataclass

BOOL = "bool"  # fed by a yesno
MONEY = "money"  # fed by a money field (yuan, never negative)
DATE = "date"  # fed by a date field (YYYY-MM-DD)

MAX_MEMBERS = 20  # the rules refuse more (policy/situation.py)


@dataclass(frozen=True)
class Whole:
    """A whole number in [low, high]; fed by an integer field whose min/max lie inside."""

    low: int
    high: int


@dataclass(frozen=True)
class Number:
    """Any number in [low, high]; fed by an integer or money field whose bounds lie inside."""

    low: int
    high: int


@dataclass(frozen=True)
class OneOf:
    """One of these strings; fed by a single choice whose option values are among them."""

    values: tuple


@dataclass(frozen=True)
class Members:
    """The list of household members; fed by a group (one entry per member)."""

    low: int
    high: int


DISABILITY_KINDS = ("physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple")
STUDENT_STAGES = ("preschool", "primary", "junior", "senior", "vocational", "university")

# Path -> kind. `members[].KEY` is a key of each member; a form about one person may write
# `members[0].KEY` instead (see `canonical`). Dotted paths are keys of a nested object,
# which the situation carries only when some answer fills it.
KEYS = {
    "date": DATE,
    "hukou_xiamen": BOOL,
    "monthly_support_received": MONEY,
    "annual_medical_expense": MONEY,
    "annual_education_expense": MONEY,
    "prior_year_medical_aid": MONEY,
    "prior_year_education_aid": MONEY,
    "financial_assets": MONEY,
    "owns_vehicle": BOOL,
    "has_able_supporter": BOOL,
    "dibao_recipient": BOOL,
    "medical_total_cost": MONEY,
    "members": Members(1, MAX_MEMBERS),
    "members[].age": Whole(0, 120),
    "members[].sex": OneOf(("male", "female")),
    "members[].employed": BOOL,
    "members[].monthly_income": MONEY,
    "members[].disability.kind": OneOf(DISABILITY_KINDS),
    "members[].disability.grade": Whole(1, 4),
    "members[].student_stage": OneOf(STUDENT_STAGES),
    "members[].boarding": BOOL,
    "members[].parent_disabled": BOOL,
    "members[].scattered_tekun": BOOL,
    "members[].registered_unemployed": BOOL,
    "members[].unemployed_months": Whole(0, 1200),
    "members[].land_expropriated": BOOL,
    "members[].graduate": BOOL,
    "housing.grade": OneOf(("C", "D")),
    "housing.one_house": BOOL,
    "housing.plan": OneOf(("new", "rebuild", "repair")),
    "housing.area_m2": Number(0, 10_000),
    "housing.repair_cost": MONEY,
    "loan.group": OneOf(
        ("veteran", "lifted_out_of_poverty", "rural_entrepreneur", "taiwan_compatriot",
         "released_prisoner")
    ),
    "loan.business_in_xiamen": BOOL,
    "loan.other_debt": MONEY,
}

FIRST_MEMBER = "members[0]."


def canonical(path):
    """`members[0].KEY` (the one person a form is about) is checked as `members[].KEY`."""
    if path.startswith(FIRST_MEMBER):
        return "members[]." + path[len(FIRST_MEMBER):]
    return path
