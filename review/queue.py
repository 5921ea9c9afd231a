"""The review queue: a team's applications, earliest deadline first, one page at a time.

Sized for a city's years of applications: a page reads only the columns it shows (never the
answers, situation or verdict JSON), continues the (deadline, id) order from the last row
of the page before (keyset paging: a deep page reads one index range, not every row before
it), and every count stops at COUNT_CAP rows, so no count reads more than that many index
entries. All the tab counts are taken in one query.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, literal_column, select, tuple_
from sqlalchemy.orm import load_only

from models import Application, Session, StaffUser, utcnow

from . import access, labels, routing

PAGE_SIZE = 50
# Past this a count shows as "10,000+" (webhook/staff/format.py): an exact one costs a scan.
COUNT_CAP = 10_000
# What a row of the queue shows; anything else is never loaded (touching it raises).
LISTED = (Application.id, Application.programme, Application.state, Application.district, Application.street,
          Application.applicant_name, Application.escalated, Application.deadline_at, Application.assigned_to)

Cursor = tuple[datetime | None, int]


def listing(staff: StaffUser, programme: str | None = None, state: str | None = None,
            district: str | None = None, overdue: bool = False, mine: bool = False,
            after: str | None = None) -> dict:
    """One page of the queue. `state` is a state, "all", or empty for the open ones; the
    counts per state are taken under every other filter, so the tabs add up. `after` is the
    `next` of the page before (None: the first page)."""
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
    counts = state_counts(stmt)
    open_count = sum(counts.get(key, 0) for key in routing.OPEN_STATES)
    if state == "all":
        total = sum(counts.values())
    elif state in counts:
        stmt = stmt.where(Application.state == state)
        total = counts[state]
    else:
        stmt = stmt.where(Application.state.in_(routing.OPEN_STATES))
        total = open_count
    rows, more = page_rows(stmt, parse_cursor(after))
    assigned = {app.assigned_to for app in rows if app.assigned_to}
    names = dict(Session.execute(select(StaffUser.id, StaffUser.username)
                                 .where(StaffUser.id.in_(assigned))).all()) if assigned else {}
    return {
        "rows": [{"app": app, "overdue": routing.is_overdue(app, now), "assignee": names.get(app.assigned_to),
                  "name": access.masked_name(app.applicant_name)} for app in rows],
        "counts": counts, "open_count": open_count,
        "overdue_count": total if overdue else None,
        "total": total, "first": parse_cursor(after) is None,
        "next": cursor_of(rows[-1]) if more else None,
    }


def capped(stmt: Select):
    """How many rows `stmt` selects, counted up to COUNT_CAP + 1, as a scalar subquery.
    Selecting a constant lets the database count from the index alone."""
    inner = (stmt.with_only_columns(literal_column("1"), maintain_column_froms=True)
             .order_by(None).limit(COUNT_CAP + 1).subquery())
    return select(func.count()).select_from(inner).scalar_subquery()


def capped_count(stmt: Select) -> int:
    return Session.scalar(select(capped(stmt)))


def state_counts(stmt: Select) -> dict[str, int]:
    """Applications per state (drafts are the residents'), each capped, in one query."""
    keys = [key for key in labels.STATES if key != "draft"]
    row = Session.execute(select(*[capped(stmt.where(Application.state == key)).label(key)
                                   for key in keys])).one()
    return dict(zip(keys, row))


def page_rows(stmt: Select, after: Cursor | None, size: int = PAGE_SIZE) -> tuple[list[Application], bool]:
    """Up to `size` applications of `stmt` after `after` in (deadline, id) order, those
    without a deadline last; and whether more follow. Two index ranges at most."""
    listed = stmt.options(load_only(*LISTED, raiseload=True))
    rows: list[Application] = []
    if after is None or after[0] is not None:
        dated = listed.where(Application.deadline_at.is_not(None))
        if after is not None:
            dated = dated.where(tuple_(Application.deadline_at, Application.id) > tuple_(*after))
        rows = list(Session.scalars(dated.order_by(Application.deadline_at, Application.id).limit(size + 1)))
    if len(rows) <= size:
        undated = listed.where(Application.deadline_at.is_(None))
        if after is not None and after[0] is None:
            undated = undated.where(Application.id > after[1])
        rows += Session.scalars(undated.order_by(Application.id).limit(size + 1 - len(rows)))
    return rows[:size], len(rows) > size


def cursor_of(app: Application) -> str:
    """Where the next page starts: after this row."""
    return f"{app.deadline_at.isoformat() if app.deadline_at else ''}~{app.id}"


def parse_cursor(text: str | None) -> Cursor | None:
    """A cursor from a link; anything else (edited by hand, cut short) is the first page."""
    deadline, sep, ident = (text or "").partition("~")
    if not sep or not ident.isdigit() or len(ident) > 18:
        return None
    try:
        return (datetime.fromisoformat(deadline) if deadline else None), int(ident)
    except ValueError:
        return None
