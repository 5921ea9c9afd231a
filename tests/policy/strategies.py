"""Hypothesis strategies over the household situation of interfaces.md ("Household
situation"), with the keys policy/README.md adds: any key but `members` and a member's
`age` may be left out, dates either side of every dated change of the rules."""

import datetime

from hypothesis import strategies as st

# Months either side of every dated change, plus any covered day.
CHANGE_DAYS = ["2017-07-01", "2018-03-22", "2018-03-23", "2018-04-01", "2019-06-30", "2019-07-01",
               "2021-11-29", "2021-12-01", "2024-12-31", "2025-01-01"]
dates = st.sampled_from(CHANGE_DAYS) | st.dates(datetime.date(2017, 7, 1), datetime.date(2026, 12, 31)).map(
    datetime.date.isoformat
)
money = st.sampled_from([0, 300, 510, 800, 1700, 2500]) | st.integers(0, 20000) | st.floats(0, 20000).map(
    lambda amount: round(amount, 2)
)
flag = st.booleans()

member = st.fixed_dictionaries(
    {"age": st.integers(0, 100)},
    optional={
        "sex": st.sampled_from(["male", "female", None]),
        "employed": flag,
        "monthly_income": money,
        "disability": st.none() | st.fixed_dictionaries({}, optional={
            "kind": st.sampled_from(["physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple"]),
            "grade": st.integers(1, 4),
        }),
        "student_stage": st.none() | st.sampled_from(
            ["preschool", "primary", "junior", "senior", "vocational", "university"]),
        "boarding": flag,
        "parent_disabled": flag,
        "scattered_tekun": flag,
        "registered_unemployed": flag,
        "unemployed_months": st.integers(0, 30),
        "land_expropriated": flag,
        "graduate": flag,
    },
)
housing = st.fixed_dictionaries({}, optional={
    "grade": st.sampled_from(["C", "D", None]),
    "one_house": flag,
    "plan": st.sampled_from(["new", "rebuild", "repair", None]),
    "area_m2": st.integers(0, 150),
    "repair_cost": money,
})


@st.composite
def households(draw):
    members = draw(st.lists(member, min_size=1, max_size=6))
    situation = draw(st.fixed_dictionaries({"members": st.just(members)}, optional={
        "date": dates,
        "hukou_xiamen": st.sampled_from([True, True, False]),
        "monthly_support_received": money,
        "annual_medical_expense": money,
        "annual_education_expense": money,
        "prior_year_medical_aid": money,
        "prior_year_education_aid": money,
        "financial_assets": st.sampled_from([0, 38400, 57600]) | st.integers(0, 200000),
        "owns_vehicle": flag,
        "has_able_supporter": flag,
        "medical_total_cost": money | st.integers(0, 500000),
        "housing": st.none() | housing,
    }))
    if draw(flag):
        situation["loan"] = draw(st.fixed_dictionaries({}, optional={
            "applicant": st.integers(0, len(members) - 1),
            "group": st.sampled_from(["veteran", "taiwan_compatriot", None]),
            "business_in_xiamen": flag,
            "other_debt": st.sampled_from([0, 50000, 50001]),
        }))
    return situation
