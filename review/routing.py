"""Routing: a submitted application goes to the team of its district and programme, with a
deadline, and what is past its deadline is reported to the team every day.

The route is the pair (district, programme): every reviewer of the district sees the
application in the queue under its programme. The decision deadline is counted in working
days, Monday to Friday; public holidays and the weekends China works instead (调休) are not
modelled, so a deadline spanning a holiday falls that many days early.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

import policy
from models import DISTRICTS, Application, Session, kv, utcnow

from . import labels
from .errors import ReviewError

# Xiamen has kept UTC+8 without daylight saving since 1991: no tz database needed.
CST = timezone(timedelta(hours=8), "CST")

OPEN_STATES = ("submitted", "in_review", "need_documents")
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


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (the day of submission does not count)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def deadline_for(submitted_at: datetime) -> datetime:
    """End of the last working day, Xiamen time, as a naive UTC moment like every stored time."""
    submitted_on = local_date(submitted_at)
    last_day = add_working_days(submitted_on, working_days_in_force(submitted_on))
    end = datetime.combine(last_day, time(23, 59, 59), CST)
    return end.astimezone(timezone.utc).replace(tzinfo=None)


def route(application: Application, submitted_at: datetime) -> datetime:
    """Check that a just-submitted application has a team to go to; its deadline."""
    if application.district not in DISTRICTS:
        raise ReviewError("请先选择您家所在的区，工作人员才能收到这份申请。")
    return deadline_for(submitted_at)


def overdue_clause(now: datetime | None = None):
    now = now or utcnow()
    return (Application.state.in_(OPEN_STATES)) & (Application.deadline_at < now)


def is_overdue(application: Application, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (application.state in OPEN_STATES and application.deadline_at is not None
            and application.deadline_at < now)


def overdue_reports(now: datetime | None = None) -> dict[str, dict]:
    """Today's overdue report for every district with overdue work (ids, never names)."""
    now = now or utcnow()
    rows = Session.scalars(select(Application).where(overdue_clause(now))
                           .order_by(Application.district, Application.deadline_at)).all()
    reports: dict[str, dict] = {}
    for app in rows:
        report = reports.setdefault(app.district, {
            "district": app.district, "date": local_date(now).isoformat(), "items": []})
        report["items"].append({
            "id": app.id, "programme": labels.programme(app.programme),
            "state": labels.state(app.state), "assigned_to": app.assigned_to,
            "deadline": local_date(app.deadline_at).isoformat(),
            "days_over": (local_date(now) - local_date(app.deadline_at)).days,
        })
    return reports


def publish_overdue_reports(now: datetime | None = None) -> dict[str, int]:
    """Build today's reports and keep them where each district's team reads them (the
    console's queue and dashboard). Districts with nothing overdue get an empty report, so
    yesterday's list never lingers. Returns overdue counts per district."""
    reports = overdue_reports(now)
    today = local_date(now or utcnow()).isoformat()
    pipe = kv.client().pipeline()
    for district in DISTRICTS:
        report = reports.get(district, {"district": district, "date": today, "items": []})
        pipe.set(REPORT_KEY.format(district=district), json.dumps(report, ensure_ascii=False),
                 ex=REPORT_TTL_S)
    pipe.execute()
    return {district: len(report["items"]) for district, report in reports.items()}


def latest_report(district: str) -> dict | None:
    raw = kv.client().get(REPORT_KEY.format(district=district))
    return json.loads(raw) if raw else None
