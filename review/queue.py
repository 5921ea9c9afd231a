"""The review queue: a team's open applications, earliest deadline first, with counts."""
from __future__ import annotations

from sqlalchemy import func, select

from models import Application, Session, StaffUser, utcnow

from . import access, labels, routing

PAGE_SIZE = 50


def listing(staff: StaffUser, programme: str | None = None, state: str | None = None,
            district: str | None = None, overdue: bool = False, mine: bool = False,
            page: int = 1) -> dict:
    """One page of the queue. `state` is a state, "all", or empty for the open ones; the
    counts per state are taken under every other filter, so the tabs add up."""
    now = utcnow()
    stmt = access.applications(staff)
    if district and access.city_wide(staff):
        stmt = stmt.where(Application.district == district)
    if programme:
        stmt = stmt.where(Application.programme == programme)
    if mine:
        stmt = stmt.where(Application.assigned_to == staff.id)
    if overdue:
        stmt = stmt.where(routing.overdue_clause(now))
    counts = dict(Session.execute(stmt.with_only_columns(Application.state, func.count())
                                  .group_by(Application.state)).all())
    if state == "all":
        pass
    elif state in labels.STATES:
        stmt = stmt.where(Application.state == state)
    else:
        stmt = stmt.where(Application.state.in_(routing.OPEN_STATES))
    total = Session.scalar(stmt.with_only_columns(func.count()))
    page = max(1, page)
    rows = Session.scalars(stmt.order_by(Application.deadline_at.is_(None), Application.deadline_at,
                                         Application.id)
                           .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    overdue_count = Session.scalar(stmt.with_only_columns(func.count()).where(routing.overdue_clause(now)))
    assigned = {app.assigned_to for app in rows if app.assigned_to}
    names = dict(Session.execute(select(StaffUser.id, StaffUser.username)
                                 .where(StaffUser.id.in_(assigned))).all()) if assigned else {}
    return {
        "rows": [{"app": app, "overdue": routing.is_overdue(app, now), "assignee": names.get(app.assigned_to),
                  "name": access.masked_name(app.applicant_name)} for app in rows],
        "counts": {key: counts.get(key, 0) for key in labels.STATES if key != "draft"},
        "open_count": sum(counts.get(key, 0) for key in routing.OPEN_STATES),
        "overdue_count": overdue_count,
        "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE)),
    }
