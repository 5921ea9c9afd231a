"""Staff-added parameter values (policy/overrides.py): applied by date to a clone of the
shipped rules, shown with their reference, and gone again when uninstalled."""
import pytest

from policy import assess, overrides, parameters_in_force
from policy.system import shipped_system, tax_benefit_system

TWO = {"hukou_xiamen": True, "members": [{"age": 40}, {"age": 45}]}


@pytest.fixture(autouse=True)
def shipped():
    overrides.install([])
    yield
    overrides.install([])


def standard(day):
    return assess({**TWO, "date": day})["programmes"]["dibao"]


def test_a_new_standard_applies_from_its_date_only():
    overrides.install([("dibao.standard", "2026-07-01", 1000, "厦民〔2026〕12号")])
    assert standard("2026-06-30")["standard"] == 800
    after = standard("2026-07-15")
    assert after["standard"] == 1000 and after["monthly_benefit"] == 2000  # (1000 − 0) × 2
    assert after["asset_limit"] == 48 * 1000  # what depends on it follows
    row = next(r for r in parameters_in_force("2026-07-01") if r["name"] == "dibao.standard")
    assert (row["value"], row["since"], row["reference"], row["note"]) == (
        1000, "2026-07-01", "厦民〔2026〕12号", overrides.STAFF_NOTE)


def test_the_shipped_rules_are_never_changed():
    overrides.install([("dibao.standard", "2026-07-01", 1000, "x")])
    assert tax_benefit_system() is not shipped_system()
    assert max(v.instant_str for v in shipped_system().parameters.dibao.standard.values_list) == "2019-07-01"
    overrides.install([])
    assert tax_benefit_system() is shipped_system() and standard("2026-07-15")["standard"] == 800


def test_a_staff_value_holds_until_the_next_dated_value():
    # Dated before the shipped 2019-07-01 value: that later value still applies from its date.
    rules = overrides.apply([("dibao.standard", "2018-01-01", 750, "a"),
                             ("dibao.standard", "2027-01-01", 1100, "c"),
                             ("dibao.standard", "2026-07-01", 1000, "b")])
    with overrides.previewing(rules):
        assert [standard(d)["standard"] for d in ("2017-12-01", "2018-03-01", "2019-08-01", "2026-08-01",
                                                   "2027-02-01")] == [720, 750, 800, 1000, 1100]
    assert standard("2026-08-01")["standard"] == 800  # the preview was for that block only


def test_a_same_day_staff_value_replaces_the_shipped_one():
    rules = overrides.apply([("income.employment_deduction_rate", "2018-03-23", 0.35, "更正")])
    with overrides.previewing(rules):
        answer = assess({"date": "2019-08-15", "hukou_xiamen": True,
                         "members": [{"age": 45, "employed": True, "monthly_income": 2500}]})
    assert answer["income"]["employment_deduction"] == 595  # 0.35 × 1700


@pytest.mark.parametrize("name, message", [("dibao.nothing", "没有名为"), ("dibao", "一组参数")])
def test_an_unknown_parameter_is_refused(name, message):
    with pytest.raises(overrides.OverrideError, match=message):
        overrides.apply([(name, "2026-07-01", 1, "x")])


def test_only_numeric_parameters_are_editable():
    names = overrides.editable()
    assert "dibao.standard" in names and "income.minimum_wage" in names
    assert "process.payment.route" not in names  # a sentence, not a figure


def test_a_preview_answers_only_in_its_own_thread():
    """Staff preview new standards in one request while residents are answered in others:
    what the preview cites is not what another thread reads, during it or after."""
    import threading

    from policy.params import cited

    seen = {}
    inside, done = threading.Event(), threading.Event()

    def resident():
        inside.wait(5)
        seen["during"] = cited("dibao.standard", "2026-07-15")["value"]
        done.set()

    other = threading.Thread(target=resident)
    other.start()
    with overrides.previewing(overrides.apply([("dibao.standard", "2026-07-01", 1000, "x")])):
        assert cited("dibao.standard", "2026-07-15")["value"] == 1000  # cached now, for the preview
        inside.set()
        done.wait(5)
    other.join(5)
    assert seen["during"] == 800
    assert cited("dibao.standard", "2026-07-15")["value"] == 800
