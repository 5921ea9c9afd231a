"""The annual review (年度复核): after a new 低保标准 it proposes the right changes (worked by
hand below), counts the aid the system paid last year as spending, stops nobody by itself,
and a run stopped half way (even mid-chunk) resumes to the same result as one run through."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from discovery import annual, standards
from models import Application, Household, OutboundMessage, Session
from models.annual import AnnualReviewItem as Item
from models.annual import AnnualReviewRun as Run
from tests.review.fixtures import make_staff

REVIEW_DAY = "2026-07-01"


@pytest.fixture(autouse=True)
def shipped_rules(app):
    standards.reset()
    yield
    standards.reset()


def adult(income=0, age=45):
    return {"age": age, "monthly_income": income}


def recipient(programme, members, amount, decided, assets=0, openid=None, household=None):
    """An approved application of a household, decided (Xiamen time) on `decided`."""
    household = household or Household(district="思明区", street="鹭江街道")
    app = Application(household=household, openid=openid, programme=programme, form_id="dibao",
                      state="approved", district="思明区", street="鹭江街道",
                      situation={"date": "2025-03-01", "hukou_xiamen": True, "members": members,
                                 "financial_assets": assets,
                                 # a parent who can support them: the children are not 特困
                                 "has_able_supporter": programme != "tekun"},
                      decision_amount=amount, decided_at=datetime.fromisoformat(decided))
    Session.add(app)
    Session.flush()
    return app


def paid_once(household, programme, amount, decided):
    """A one-off aid (教育救助, 医疗救助) the system approved for the household."""
    Session.add(Application(household=household, programme=programme, form_id=programme, state="approved",
                            district="思明区", situation={}, decision_amount=amount,
                            decided_at=datetime.fromisoformat(decided)))


def new_standard(value="1000"):
    admin = make_staff("admin1", "admin", "厦门市")
    standards.add(admin, standards.validate("dibao.standard", REVIEW_DAY, value, "厦民〔2026〕12号 提高低保标准"))
    Session.commit()
    standards.ensure_current(force=True)


def by_application(run_id):
    return {i.application_id: i for i in Session.scalars(select(Item).where(Item.run_id == run_id))}


def run_through(day=REVIEW_DAY, *extra):
    from flask import current_app

    result = current_app.test_cli_runner().invoke(args=["review", "annual", "--date", day, *extra])
    assert result.exit_code == 0, result.output
    return result


def test_new_standard_proposes_hand_computed_changes_and_stops_nobody(app):
    with app.app_context():
        # Two people without income, paid (800 − 0) × 2 = 1,600 a month since 2025-03.
        no_income = recipient("dibao", [adult(), {"age": 10, "student_stage": "primary"}], 1600, "2025-03-10 02:00")
        # 1,500 a month, not from work, two people: 750 a head; (800 − 750) × 2 = 100.
        some_income = recipient("dibao", [adult(1500), {"age": 12}], 100, "2025-05-20 02:00")
        # One person, 1,000 a month: not below 1,000, but 2,400 of education aid paid by the
        # system in 2025 counts as spending: 1,000 − 2,400 / 12 = 800 a head → (1,000 − 800) = 200.
        with_aid = recipient("dibao", [adult(1000)], 150, "2024-11-02 02:00")
        paid_once(with_aid.household, "jiaoyu", 2400, "2025-09-01 02:00")
        paid_once(with_aid.household, "jiaoyu", 3000, "2024-09-01 02:00")  # two years ago: not counted
        # 5,000 a month alone: above 2 × 1,000 as well → stop proposed.
        rich_now = recipient("dibao", [adult(5000)], 50, "2024-06-01 02:00", openid="o-rich")
        # Already at the new figure: one person without income, 1,000.
        same = recipient("dibao", [adult()], 1000, "2026-06-10 02:00")
        # 特困: aged 70, no income, no supporter: 1.5 × 1,000 = 1,500 instead of 1,200.
        tekun = recipient("tekun", [{"age": 70}], 1200, "2025-01-05 02:00")
        # Not current: a refusal, and an approval replaced by the household's later one.
        Session.add(Application(programme="dibao", form_id="dibao", state="rejected", district="思明区",
                                situation={"members": [adult()]}, decided_at=datetime(2025, 1, 1)))
        replaced = recipient("dibao", [adult(300)], 500, "2024-01-01 02:00", household=same.household)
        Session.commit()
        new_standard()

        run_through()
        run = Session.scalars(select(Run)).one()
        items = by_application(run.id)
        assert set(items) == {no_income.id, some_income.id, with_aid.id, rich_now.id, same.id, tekun.id}
        assert replaced.id not in items and run.state == "done" and run.processed == 6

        assert (items[no_income.id].outcome, items[no_income.id].proposed_amount) == ("change", Decimal("2000.00"))
        assert (items[some_income.id].outcome, items[some_income.id].proposed_amount) == ("change", Decimal("500.00"))
        assert (items[with_aid.id].outcome, items[with_aid.id].proposed_amount) == ("change", Decimal("200.00"))
        assert items[with_aid.id].education_aid_counted == Decimal("2400.00")
        assert any("教育救助2,400元" in r for r in items[with_aid.id].reasons)
        assert items[rich_now.id].outcome == "stop" and items[rich_now.id].proposed_amount is None
        assert any("5,000" in r for r in items[rich_now.id].reasons)
        assert (items[same.id].outcome, items[same.id].state) == ("continue", "none")
        assert (items[tekun.id].outcome, items[tekun.id].proposed_amount) == ("change", Decimal("1500.00"))
        # Living aid paid in 2025: from the month after the decision, 2025-04..12 = 9 × 1,600.
        assert items[no_income.id].living_aid_paid == Decimal("14400.00")
        assert items[tekun.id].living_aid_paid == Decimal("13200.00")  # 2025-02..12 = 11 × 1,200
        assert run.counts == {"change": 4, "stop": 1, "continue": 1}

        # Nobody's aid changed by itself: every proposal waits, nobody was told anything.
        assert {i.state for i in items.values() if i.outcome != "continue"} == {"pending"}
        assert Session.scalar(select(func.count()).select_from(OutboundMessage)) == 0
        assert annual.count_current(date(2026, 7, 1)) == 6


def test_a_reviewer_decides_the_stop_and_the_resident_is_told_why_with_rights(app):
    with app.app_context():
        rich_now = recipient("dibao", [adult(5000)], 50, "2024-06-01 02:00", openid="o-rich")
        kept = recipient("dibao", [adult(4000)], 80, "2024-06-01 02:00", openid="o-kept")
        Session.commit()
        run_through()
        items = by_application(Session.scalars(select(Run)).one().id)
        reviewer = make_staff("reviewer1", "reviewer", "思明区")
        with pytest.raises(annual.AnnualError, match="写明原因"):
            annual.decide(items[kept.id].id, reviewer, accept=False)
        Session.rollback()
        annual.decide(items[kept.id].id, reviewer, accept=False, note="已入户核实，收入是一次性的")
        annual.decide(items[rich_now.id].id, reviewer, accept=True)
        Session.commit()

        stopped = Session.get(Item, items[rich_now.id].id)
        assert stopped.state == "accepted" and stopped.effective_on.day == 1
        messages = Session.scalars(select(OutboundMessage)).all()
        assert [m.openid for m in messages] == ["o-rich"]
        text = messages[0].payload["content"]
        assert "不再发放" in text and "5,000" in text and "60日内申请行政复议" in text and "6个月内" in text
        # Stopped only now, by the decision; the other family keeps its aid.
        assert annual.count_current(date(2026, 7, 1)) == 1


def test_a_run_stopped_mid_way_resumes_to_the_same_result(app):
    with app.app_context():
        for n in range(20):
            recipient("dibao", [adult(100 * n), {"age": 8}], 100 + n, "2025-02-01 02:00")
        Session.commit()
        new_standard()

        # Two chunks of 3, then stop (an operator's pause)…
        paused = run_through(REVIEW_DAY, "--chunk-size", "3", "--chunks", "2")
        assert "已暂停" in paused.output
        run = Session.scalars(select(Run)).one()
        assert (run.processed, run.state) == (6, "running")
        # …then a crash in the middle of the third chunk: its rows were added, never committed.
        assert annual.step(run) == 3
        Session.rollback()
        Session.remove()

        resumed = run_through(REVIEW_DAY, "--chunk-size", "3")
        assert "从上次停下的地方继续" in resumed.output
        first = Session.scalars(select(Run)).one()
        assert first.state == "done" and first.processed == 20
        assert Session.scalar(select(func.count()).select_from(Item).where(Item.run_id == first.id)) == 20

        run_through(REVIEW_DAY, "--again")  # one run straight through, for comparison
        second = Session.scalars(select(Run).where(Run.id != first.id)).one()

        def result(run_id):
            return sorted((i.application_id, i.outcome, i.proposed_programme, i.proposed_amount, tuple(i.reasons))
                          for i in Session.scalars(select(Item).where(Item.run_id == run_id)))

        assert result(first.id) == result(second.id)
        assert first.counts == second.counts


def test_a_second_run_for_a_reviewed_day_is_refused(app):
    with app.app_context():
        recipient("dibao", [adult()], 800, "2025-02-01 02:00")
        Session.commit()
        run_through()
        again = app.test_cli_runner().invoke(args=["review", "annual", "--date", REVIEW_DAY])
        assert again.exit_code != 0 and "已经做过" in again.output
        bad = app.test_cli_runner().invoke(args=["review", "annual", "--date", "2026-13-01"])
        assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_the_rules_step_alone():
    recipients = [annual.Recipient("dibao", 1600.0, {"date": REVIEW_DAY, "hukou_xiamen": True,
                                                      "members": [adult(), {"age": 9}]}),
                  annual.Recipient("dibao", 100.0, {"members": []})]
    proposals = annual.rules_step(recipients)
    assert proposals[0].outcome == "continue"  # 800 × 2 under the shipped rules
    assert proposals[1].outcome == "missing"
