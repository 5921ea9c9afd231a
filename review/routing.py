"""Routing: a submitted application goes to the team of its district and programme, with a
deadline, and what is past its deadline is reported to the team every day.

The route is the pair (district, programme): every reviewer of the district sees the
application in the queue under its programme. The decision deadline is counted in working
days of China's official calendar (review/workdays.py: holidays off, 调休 weekends on); a
deadline reaching into a year whose schedule is not yet published carries `deadline_note`
and is counted again by `recompute_deadlines` once the calendar package knows that year.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

import policy
from models import DISTRICTS, Application, Session, kv, utcnow

from . import workdays
from .errors import ReviewError

# Xiamen has kept UTC+8 without daylight saving since 1991: no tz database needed.
CST = timezone(timedelta(hours=8), "CST")

OPEN_STATES = ("submitted", "in_review", "need_documents", "publicity")
REPORT_KEY = "review:overdue-report:{district}"
REPORT_TTL_S = 8 * 24 * 3600  # a week of daily reports, and a day's slack


def local_date(moment: datetime) -> date:
    """The date in Xiamen of a stored (naive UTC) moment."""
    return moment.replace(tzinfo=timezone.utc).astimezone(CST).date()


def working_days_in_force(on: date) -> int:
    """审核确认时限: the dated rule parameter in force on the submission date (one place for
    the chat's promise, the explanation and the reviewers' deadline)."""
    for row in policy.parameters_in_force(on.isoformat()):
        if row["name"] == "process.deadlines.decision_working_days":
            return int(row["value"])
    raise LookupError(f"no decision deadline in force on {on}")


def extension_days_in_force(on: date) -> int:
    """特殊情况可延长的工作日数, the dated parameter in force on `on`."""
    return int(policy.params.cited("process.deadlines.extension_working_days", on.isoformat())["value"])


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (the day of submission does not count)."""
    return workdays.add(start, days).day


def end_of_day(day: date) -> datetime:
    """23:59:59 of `day` in Xiamen, as a naive UTC moment like every stored time."""
    return datetime.combine(day, time(23, 59, 59), CST).astimezone(timezone.utc).replace(tzinfo=None)


def deadline_counted(submitted_at: datetime, extended: bool = False) -> workdays.Counted:
    """The last working day for a decision (with the extension when granted), and the
    staff note when a year of the count is not yet in the official calendar."""
    submitted_on = local_date(submitted_at)
    days = working_days_in_force(submitted_on) + (extension_days_in_force(submitted_on) if extended else 0)
    return workdays.add(submitted_on, days)


def deadline_for(submitted_at: datetime, extended: bool = False) -> datetime:
    """End of the last working day, Xiamen time, as a naive UTC moment like every stored time."""
    return end_of_day(deadline_counted(submitted_at, extended).day)


def recompute_deadlines() -> int:
    """Open applications whose deadline assumed weekends only (a year the calendar package
    did not know): counted again with the installed package. The number changed; the caller
    (a daily job) commits."""
    changed = 0
    for app in Session.scalars(select(Application).where(
            Application.state.in_(OPEN_STATES), Application.deadline_note.is_not(None),
            Application.submitted_at.is_not(None))).all():
        counted = deadline_counted(app.submitted_at, extended=app.extended_at is not None)
        deadline = end_of_day(counted.day)
        if (deadline, counted.note) != (app.deadline_at, app.deadline_note):
            app.deadline_at, app.deadline_note = deadline, counted.note
            changed += 1
    return changed


def route(application: Application, submitted_at: datetime) -> workdays.Counted:
    """Check that a just-submitted application has a team to go to; its last working day."""
    if application.district not in DISTRICTS:
        raise ReviewError("请先选择您家所在的区，工作人员才能收到这份申请。")
    return deadline_counted(submitted_at)


def overdue_clause(now: datetime | None = None):
    now = now or utcnow()
    return (Application.state.in_(OPEN_STATES)) & (Application.deadline_at < now)


def is_overdue(application: Application, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (application.state in OPEN_STATES and application.deadline_at is not None
            and application.deadline_at < now)


def latest_report(district: str) -> dict | None:
    raw = kv.client().get(REPORT_KEY.format(district=district))
    return json.loads(raw) if raw else None
