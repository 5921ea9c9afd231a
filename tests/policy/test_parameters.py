"""parameters_in_force: every figure with its title, date, reference and verify mark."""

import datetime

import pytest

from policy import parameters_in_force


def _by_name(date):
    return {entry["name"]: entry for entry in parameters_in_force(date)}


def test_standard_before_and_after_the_2019_raise():
    assert _by_name("2019-06-30")["dibao.standard"]["value"] == 720
    after = _by_name("2019-07-01")["dibao.standard"]
    assert (after["value"], after["since"], after["title"]) == (800, "2019-07-01", "低保标准（每人每月）")
    assert "厦门网" in after["reference"]


def test_deduction_rate_changes_on_its_own_day():
    assert _by_name("2018-03-22")["income.employment_deduction_rate"]["value"] == 0.20
    rate = _by_name(datetime.date(2018, 3, 23))["income.employment_deduction_rate"]
    assert (rate["value"], rate["since"], rate["verify"]) == (0.30, "2018-03-23", False)


def test_housing_lump_sum_gives_way_to_the_per_m2_subsidy():
    before, after = _by_name("2018-03-22"), _by_name("2018-03-23")
    assert before["weifang.build.lump_sum_max"]["value"] == 50000
    assert "weifang.build.per_m2" not in before
    assert "weifang.build.lump_sum_max" not in after
    assert after["weifang.build.per_m2"]["value"] == 1500
    assert (before["weifang.repair_cap"]["value"], after["weifang.repair_cap"]["value"]) == (25000, 50000)


def test_verify_marks_follow_domain_md():
    now = _by_name("2019-08-01")
    assert now["income.minimum_wage"]["verify"] is True
    assert now["yiliao.basic.rate"]["verify"] is True
    assert now["jiaoyu.amount.senior"]["verify"] is True
    assert now["process.deadlines.publicity_days"]["verify"] is True
    assert now["dishouru.income_multiple"]["verify"] is False


def test_loan_rules_only_from_2025():
    assert not any(name.startswith("daikuan.") for name in _by_name("2024-12-31"))
    assert _by_name("2025-01-01")["daikuan.chuangye.max_amount"]["value"] == 300000


def test_every_parameter_is_titled_and_referenced():
    entries = parameters_in_force("2025-06-01")
    assert len(entries) > 40
    for entry in entries:
        assert set(entry) >= {"name", "title", "value", "since", "reference", "verify"}
        assert entry["title"] and entry["reference"], entry["name"]
        assert isinstance(entry["verify"], bool)


def test_nothing_is_in_force_before_the_rules_begin():
    assert parameters_in_force("2017-06-30") == []


def test_a_malformed_date_is_refused():
    with pytest.raises(ValueError):
        parameters_in_force("2019-13-01")


def test_tekun_asset_limit_is_verified_only_from_its_own_date():
    before = _by_name("2021-11-29")["tekun.asset_years"]
    after = _by_name("2021-11-30")["tekun.asset_years"]
    assert (before["value"], before["verify"]) == (6, True)
    assert (after["value"], after["verify"], after["since"]) == (6, False, "2021-11-30")
    assert "福建省特困人员认定办法" in after["reference"]
