"""The verdict kept at submission, against what today's rules would decide."""
import pytest

import policy
from review import rules
from tests.review.fixtures import make_application

WORKED_EXAMPLE = {
    "date": "2019-08-15", "hukou_xiamen": True, "annual_medical_expense": 3600, "financial_assets": 20000,
    "members": [{"age": 45, "sex": "male", "employed": True, "monthly_income": 2500},
                {"age": 43, "sex": "female", "employed": False, "monthly_income": 0},
                {"age": 15, "sex": "female", "employed": False, "monthly_income": 0, "student_stage": "junior"}],
}


def _verdict(eligible, benefit, version="1"):
    return {"programmes": {"dibao": {"eligible": eligible, "monthly_benefit": benefit}},
            "explanation": [], "rules_version": version}


def test_no_notice_when_today_agrees(app, monkeypatch):
    monkeypatch.setattr(policy, "assess", lambda situation: _verdict(True, 710.0, "2"), raising=False)
    application = make_application("in_review", verdict=_verdict(True, 710.0))
    assert rules.compare_with_today(application) is None


def test_notice_lists_what_would_change_and_assesses_today(app, monkeypatch):
    seen = []
    monkeypatch.setattr(policy, "assess", lambda situation: seen.append(situation) or _verdict(False, 0.0, "2"),
                        raising=False)
    application = make_application("in_review", situation=WORKED_EXAMPLE, verdict=_verdict(True, 710.0))
    notice = rules.compare_with_today(application)
    assert notice == {"rules_version": "2", "changes": [
        {"field": "是否符合", "then": True, "now": False},
        {"field": "每月补助（元）", "then": 710.0, "now": 0.0},
    ]}
    assert "date" not in seen[0]  # today's rules, not those of the month assessed then


def test_rules_that_cannot_assess_the_answers_give_a_notice_not_an_error(app, monkeypatch):
    def broken(situation):
        raise ValueError("unknown key")

    monkeypatch.setattr(policy, "assess", broken, raising=False)
    application = make_application("in_review", verdict=_verdict(True, 710.0))
    assert rules.compare_with_today(application) == {"error": "无法按今天的规则重新计算这份申请。"}


def test_jiuye_reads_its_own_part_of_the_verdict(app):
    application = make_application("in_review", programme="jiuye",
                                   verdict={"programmes": {"jiuye_kunnan": {"members": [0]}}})
    assert rules.verdict_for(application) == {"members": [0]}


@pytest.mark.skipif(not hasattr(policy, "assess"), reason="the policy branch is not merged here yet")
def test_with_the_real_rules_the_worked_example_is_dibao_710(app):
    application = make_application("in_review", situation=WORKED_EXAMPLE, verdict=_verdict(False, 0.0))
    verdict = rules.assess(WORKED_EXAMPLE)
    assert verdict["programmes"]["dibao"]["monthly_benefit"] == 710.0
    changes = {c["field"]: c for c in rules.compare_with_today(application)["changes"]}
    assert changes["是否符合"]["now"] is True
