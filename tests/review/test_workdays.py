"""Working days by China's official calendar. The expected dates are counted by hand from the
State Council's 2026 schedule (国办发明电〔2025〕7号): 春节 15–23 February off, Saturdays 14 and
28 February worked; 中秋 25–27 September off; 国庆 1–7 October off, Sunday 20 September and
Saturday 10 October worked."""
from datetime import date, datetime

import pytest
from sqlalchemy import update

from models import Application, Session, queues
from review import routing, workdays
from tests.review.fixtures import make_application, reload


@pytest.mark.parametrize("start, days, expected", [
    # National Day week
    (date(2026, 9, 30), 1, date(2026, 10, 8)),    # Wednesday before the holiday → first day back
    (date(2026, 9, 30), 3, date(2026, 10, 10)),   # 8, 9, and Saturday 10 October (调休, worked)
    (date(2026, 9, 30), 4, date(2026, 10, 12)),   # Sunday 11 October is off
    (date(2026, 9, 18), 1, date(2026, 9, 20)),    # Sunday 20 September is worked
    (date(2026, 9, 24), 1, date(2026, 9, 28)),    # 中秋 Friday 25 September off
    # 30 working days across 中秋 and 国庆: 2 November (weekends only would say 27 October)
    (date(2026, 9, 15), 30, date(2026, 11, 2)),
    # Spring Festival
    (date(2026, 2, 13), 1, date(2026, 2, 14)),    # Saturday 14 February is worked
    (date(2026, 2, 13), 2, date(2026, 2, 24)),    # 15–23 February off
    (date(2026, 2, 13), 6, date(2026, 2, 28)),    # 24, 25, 26, 27 and Saturday 28 (worked)
    (date(2026, 2, 28), 1, date(2026, 3, 2)),
])
def test_deadlines_follow_the_official_2026_calendar(start, days, expected):
    counted = workdays.add(start, days)
    assert counted.day == expected and counted.note is None
    assert routing.add_working_days(start, days) == expected


def test_a_decision_deadline_across_national_day():
    # Submitted Tuesday 15 September 2026, 10:00 in Xiamen: 30 working days end on 2 November.
    submitted = datetime(2026, 9, 15, 2, 0)
    assert routing.deadline_for(submitted) == datetime(2026, 11, 2, 15, 59, 59)
    # Extended by 15 working days: 23 November.
    assert routing.deadline_for(submitted, extended=True) == datetime(2026, 11, 23, 15, 59, 59)


def test_a_year_not_yet_published_counts_weekends_only_with_a_note_for_staff():
    assert workdays.known(date(2026, 12, 31)) and not workdays.known(date(2027, 1, 4))
    # Thursday 31 December 2026, then Friday 1 January 2027 (a holiday, once published: counted
    # as a weekday for now), then Monday 4 January.
    counted = workdays.add(date(2026, 12, 30), 3)
    assert counted.day == date(2027, 1, 4)
    assert counted.note == "2027年节假日安排尚未公布，按周末计算，公布后将重算"


def test_a_deadline_counted_on_weekends_only_is_counted_again(app, run_worker):
    """As after an update of the calendar package: the daily job counts such deadlines again."""
    submitted = datetime(2026, 3, 2, 2, 0)
    late_year = make_application("in_review")
    guessed = make_application("in_review", openid="o-2")
    decided = make_application("approved", openid="o-3")
    # What an older package (without 2026) gave: weekends only, 13 April, with the note.
    for application in (guessed, decided):
        Session.execute(update(Application).where(Application.id == application.id).values(
            submitted_at=submitted, deadline_at=datetime(2026, 4, 13, 15, 59, 59),
            deadline_note="2026年节假日安排尚未公布，按周末计算，公布后将重算"))
    # One reaching into a year the package still does not know keeps its note.
    Session.execute(update(Application).where(Application.id == late_year.id).values(
        submitted_at=datetime(2026, 12, 20, 2, 0), deadline_note="2027年节假日安排尚未公布，按周末计算，公布后将重算"))
    Session.commit()
    queues.enqueue("tasks.review.recompute_deadlines")
    run_worker()
    now_known = reload(Application, guessed.id)
    assert now_known.deadline_at == datetime(2026, 4, 14, 15, 59, 59) and now_known.deadline_note is None
    assert reload(Application, decided.id).deadline_note is not None  # decided: left as it was
    still = reload(Application, late_year.id)
    assert still.deadline_note.startswith("2027年") and still.deadline_at.year == 2027


def test_a_december_submission_reaches_into_the_unpublished_year():
    counted = routing.deadline_counted(datetime(2026, 12, 20, 2, 0))
    assert counted.note == "2027年节假日安排尚未公布，按周末计算，公布后将重算"
    assert counted.day > date(2027, 1, 1)
    assert routing.deadline_counted(datetime(2026, 3, 2, 2, 0)).note is None
