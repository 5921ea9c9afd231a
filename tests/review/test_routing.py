"""Deadlines in working days from a dated value, overdue work, and the daily report."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from models import Application, Session, utcnow
from review import overdue, routing
from tests.review.fixtures import make_application


@pytest.mark.parametrize("start, days, expected", [
    (date(2026, 3, 6), 1, date(2026, 3, 9)),    # Friday + 1 → Monday
    (date(2026, 3, 7), 1, date(2026, 3, 9)),    # Saturday + 1 → Monday
    (date(2026, 3, 2), 5, date(2026, 3, 9)),    # Monday + 5 → next Monday
    (date(2026, 3, 2), 30, date(2026, 4, 14)),  # six weeks, and 清明 (Monday 6 April) off
])
def test_working_days_skip_weekends(start, days, expected):
    assert routing.add_working_days(start, days) == expected


def test_deadline_is_the_end_of_the_last_working_day_in_xiamen():
    # 17:30 UTC on Friday 6 March is already Saturday 7 March in Xiamen.
    deadline = routing.deadline_for(datetime(2026, 3, 6, 17, 30))
    assert routing.add_working_days(date(2026, 3, 7), 30) == date(2026, 4, 20)  # 清明 off
    assert deadline == datetime(2026, 4, 20, 15, 59, 59)  # 23:59:59 in Xiamen


def test_the_rules_parameter_in_force_on_the_submission_date_applies():
    # policy/parameters/process/deadlines.yaml: 30 working days from 2017-07-01 (the rules' start)
    assert routing.working_days_in_force(date(2019, 8, 15)) == 30
    # Monday 2 March 2026, 10:00 in Xiamen: 30 working days later is Tuesday 14 April (清明).
    assert routing.deadline_for(datetime(2026, 3, 2, 2, 0)) == datetime(2026, 4, 14, 15, 59, 59)
    with pytest.raises(LookupError):
        routing.working_days_in_force(date(2017, 6, 30))


def test_overdue_means_open_and_past_the_deadline(app):
    late = make_application("in_review", days_ago=60)
    fresh = make_application("in_review", days_ago=1)
    decided = make_application("approved", days_ago=60)
    assert routing.is_overdue(late) and not routing.is_overdue(fresh) and not routing.is_overdue(decided)
    overdue_ids = Session.scalars(select(Application.id).where(routing.overdue_clause())).all()
    assert overdue_ids == [late.id]


def test_the_daily_job_reports_each_district_its_own_overdue_work(app, run_worker):
    from models import queues

    siming = make_application("submitted", days_ago=50)
    make_application("need_documents", district="湖里区", street="殿前街道", days_ago=70, openid="o-2")
    make_application("submitted", days_ago=2, openid="o-3")
    overdue.publish()  # yesterday's report, to be replaced
    Session.execute(update(Application).where(Application.id == siming.id).values(state="approved"))
    Session.commit()
    queues.enqueue("tasks.review.overdue_report")
    run_worker()
    assert routing.latest_report("思明区")["items"] == []  # decided since: no longer listed
    huli = routing.latest_report("湖里区")
    assert [item["state"] for item in huli["items"]] == ["待补充材料"]
    assert huli["items"][0]["days_over"] > 0
    assert huli["date"] == routing.local_date(utcnow()).isoformat()


def test_the_report_is_scheduled_daily_with_rq_cron(app):
    from rq.cron import CronScheduler

    from models import kv

    scheduler = CronScheduler(connection=kv.client())
    scheduler.load_config_from_file("tasks.cron")
    [job] = [j for j in scheduler.get_jobs() if j.func_name == "tasks.review.overdue_report"]
    assert job.func_name == "tasks.review.overdue_report" and job.cron == "0 8 * * *"
    next_run = job.next_enqueue_time
    assert timedelta(0) < next_run - datetime.now(next_run.tzinfo) <= timedelta(days=1)
