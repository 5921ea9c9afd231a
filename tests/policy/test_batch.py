"""assess_many runs the same rules as assess: a property over generated households."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy import assess, assess_many
from tests.policy.strategies import households

RESIDENT_PARTS = ("documents", "explanation", "explanation_items")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(households(), min_size=20, max_size=80))
def test_a_batch_gives_each_household_the_answer_it_gets_alone(batch):
    fast = assess_many(batch)
    full = assess_many(batch, for_resident=True)
    for situation, quick, complete in zip(batch, fast, full, strict=True):
        alone = assess(situation)
        assert complete == alone
        assert quick == {key: value for key, value in alone.items() if key not in RESIDENT_PARTS}


def test_households_of_different_months_share_one_batch():
    # of working age: at 60+ 750 < 800 would be 特困 from July
    one = {"hukou_xiamen": True, "members": [{"age": 55, "monthly_income": 750}]}
    june, july, worker_march, worker_april = assess_many([
        dict(one, date="2019-06-20"),
        dict(one, date="2019-07-20"),
        {"date": "2018-03-31", "members": [{"age": 40, "employed": True, "monthly_income": 2000}]},
        {"date": "2018-04-01", "members": [{"age": 40, "employed": True, "monthly_income": 2000}]},
    ])
    assert (june["programmes"]["dibao"]["standard"], july["programmes"]["dibao"]["standard"]) == (720.0, 800.0)
    assert (june["programmes"]["dibao"]["eligible"], july["programmes"]["dibao"]["eligible"]) == (False, True)
    deductions = worker_march["income"]["employment_deduction"], worker_april["income"]["employment_deduction"]
    assert deductions == (340.0, 510.0)
    assert "explanation" not in june and "documents" not in june


def test_an_empty_batch():
    assert assess_many([]) == []
