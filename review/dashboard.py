"""The numbers a team lead looks at: what is waiting where, what is late, how long
decisions take. Every figure is counted within the viewer's scope."""
from __future__ import annotations

from datetime import timedelta
from statistics import median

from sqlalchemy import func

from models import DISTRICTS, Application, Escalation, Session, StaffUser, utcnow

from . import access, labels, routing

DECISION_WINDOW = timedelta(days=365)  # time to decision over the last year's decisions


def _counts(staff: StaffUser, column, names: dict | None = None, order=None) -> list[dict]:
    stmt = access.applications(staff).with_only_columns(column, func.count()).group_by(column)
    found = dict(Session.execute(stmt).all())
    keys = order if order is not None else sorted(found)
    return bars([((names or {}).get(key, key), found.get(key, 0)) for key in keys])


def bars(pairs: list[tuple[str, int]]) -> list[dict]:
    """Rows for a bar chart drawn in CSS: label, count and width in percent of the largest."""
    top = max((count for _, count in pairs), default=0)
    return [{"label": label, "count": count, "percent": round(100 * count / top) if top else 0}
            for label, count in pairs]


def summary(staff: StaffUser) -> dict:
    now = utcnow()
    scoped = access.applications(staff)
    overdue = Session.scalar(scoped.with_only_columns(func.count()).where(routing.overdue_clause(now)))
    pending = Session.scalar(scoped.with_only_columns(func.count()).where(
        Application.state.in_(routing.OPEN_STATES)))
    decided = Session.execute(scoped.with_only_columns(Application.submitted_at, Application.decided_at).where(
        Application.decided_at >= now - DECISION_WINDOW, Application.submitted_at.is_not(None))).all()
    days = [(d - s).total_seconds() / 86400 for s, d in decided]
    cases = access.escalations(staff)
    open_cases = Session.scalar(cases.with_only_columns(func.count()).where(Escalation.state == "open"))
    responses = Session.execute(cases.with_only_columns(Escalation.created_at, Escalation.first_response_at)
                                .where(Escalation.first_response_at.is_not(None))).all()
    hours = [(r - c).total_seconds() / 3600 for c, r in responses]
    return {
        "by_state": _counts(staff, Application.state, labels.STATES,
                            [s for s in labels.STATES if s != "draft"]),
        "by_programme": _counts(staff, Application.programme, labels.PROGRAMMES),
        "by_district": _counts(staff, Application.district,
                               order=list(DISTRICTS) if access.city_wide(staff) else [staff.district]),
        "pending": pending,
        "overdue": overdue,
        "decisions": len(days),
        "decision_days_median": round(median(days), 1) if days else None,
        "decision_days_max": round(max(days), 1) if days else None,
        "escalations_open": open_cases,
        "first_response_hours_median": round(median(hours), 1) if hours else None,
    }
