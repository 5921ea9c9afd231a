"""The numbers a team lead looks at: what is waiting where, what is late, how long
decisions take, and three pictures of them. Every figure is counted within the viewer's
scope, by the database: medians with percentile_cont on PostgreSQL (on SQLite the middle
row or two, found by ORDER BY and OFFSET), never by pulling rows into Python."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from markupsafe import Markup
from sqlalchemy import Select, and_, case, func, literal_column

from models import DISTRICTS, Application, Escalation, Session, StaffUser, utcnow

from . import access, charts, labels, routing

DECISION_WINDOW = timedelta(days=365)  # time to decision over the last year's decisions
WEEKS = 12  # the weekly chart's span
# Spans of days for the time-to-decision chart: (label, upper bound in days or None).
DECISION_SPANS = (("10天内", 10), ("11–20天", 20), ("21–30天", 30), ("31–45天", 45), ("46–60天", 60),
                  ("60天以上", None))
DAY = 86400


def bars(pairs: list[tuple[str, int]]) -> list[dict]:
    """Rows for a bar chart drawn in CSS: label, count and width in percent of the largest."""
    top = max((count for _, count in pairs), default=0)
    return [{"label": label, "count": count, "percent": round(100 * count / top) if top else 0}
            for label, count in pairs]


def summary(staff: StaffUser, now: datetime | None = None) -> dict:
    now = now or utcnow()
    scoped = access.applications(staff)
    # One pass over the scope's (district, state, programme) index gives all three breakdowns.
    groups = Session.execute(_columns(scoped, Application.state, Application.programme, Application.district,
                                      func.count()).group_by(Application.state, Application.programme,
                                                             Application.district)).all()
    by_state, by_programme, by_district = {}, {}, {}
    for state, programme, district, count in groups:
        by_state[state] = by_state.get(state, 0) + count
        by_programme[programme] = by_programme.get(programme, 0) + count
        by_district[district] = by_district.get(district, 0) + count
    overdue_places = _overdue_counts(staff, scoped, now)
    decisions = _durations(_last_years_decisions(scoped, now), Application.submitted_at, Application.decided_at,
                           spans=DECISION_SPANS)
    cases = access.escalations(staff)
    open_cases = Session.scalar(_columns(cases, func.count()).where(Escalation.state == "open"))
    responses = _durations(cases.where(Escalation.first_response_at.is_not(None)),
                           Escalation.created_at, Escalation.first_response_at)
    district_order = list(DISTRICTS) if access.city_wide(staff) else [staff.district]
    return {
        "by_state": bars([(labels.STATES[s], by_state.get(s, 0)) for s in labels.STATES if s != "draft"]),
        "by_programme": bars([(labels.programme(p), n) for p, n in sorted(by_programme.items())]),
        "by_district": bars([(d, by_district.get(d, 0)) for d in district_order]),
        "pending": sum(by_state.get(s, 0) for s in routing.OPEN_STATES),
        "overdue": sum(overdue_places.values()),
        "overdue_places": overdue_places,
        "decisions": decisions["count"],
        "decision_days_median": _rounded(decisions["median"], DAY),
        "decision_days_max": _rounded(decisions["max"], DAY),
        "decision_spans": [(label, n) for (label, _), n in zip(DECISION_SPANS, decisions["spans"])],
        "escalations_open": open_cases,
        "first_response_hours_median": _rounded(responses["median"], 3600),
    }


def pictures(staff: StaffUser, numbers: dict, now: datetime | None = None) -> dict[str, Markup]:
    """The dashboard's three charts as inline SVG (`numbers`: the summary, which has counted
    the decisions by how long they took)."""
    now = now or utcnow()
    scoped = access.applications(staff)
    return {"weekly": _weekly(scoped, now), "decision": charts.decision_times(numbers["decision_spans"]),
            "overdue": _overdue_chart(staff, numbers["overdue_places"])}


# ---- the charts' figures -------------------------------------------------------------------------

def _weekly(scoped: Select, now: datetime) -> Markup:
    """Applications submitted in each of the last WEEKS weeks (Monday to Sunday, Xiamen time),
    by programme."""
    this_monday = routing.local_date(now) - timedelta(days=routing.local_date(now).weekday())
    first = this_monday - timedelta(weeks=WEEKS - 1)
    start = datetime.combine(first, datetime.min.time()) - timedelta(hours=8)  # Xiamen midnight in UTC
    week = _week_start(Application.submitted_at)
    rows = Session.execute(_columns(scoped, week, Application.programme, func.count())
                           .where(Application.submitted_at >= start)
                           .group_by(week, Application.programme)).all()
    mondays = [first + timedelta(weeks=n) for n in range(WEEKS)]
    series: dict[str, list[int]] = {}
    for monday, programme, count in rows:
        monday = _as_date(monday)
        if monday in mondays:
            name = labels.PROGRAMMES_SHORT.get(programme, programme)
            series.setdefault(name, [0] * WEEKS)[mondays.index(monday)] += count
    return charts.weekly([f"{d.month}/{d.day}" for d in mondays], dict(sorted(series.items())))


def _overdue_counts(staff: StaffUser, scoped: Select, now: datetime) -> dict:
    """Overdue applications per district for the city, per street for a district's team:
    the dashboard's overdue figure is their sum."""
    place = Application.district if access.city_wide(staff) else Application.street
    return dict(Session.execute(_columns(scoped, place, func.count()).where(routing.overdue_clause(now))
                                .group_by(place)).all())


def _overdue_chart(staff: StaffUser, found: dict) -> Markup:
    if access.city_wide(staff):
        places = [(d, found.get(d, 0)) for d in DISTRICTS]
    else:
        places = sorted(((street or "（未填街道）", n) for street, n in found.items()), key=lambda p: -p[1])
    return charts.overdue(places)


# ---- SQL helpers ---------------------------------------------------------------------------------

def _last_years_decisions(scoped: Select, now: datetime) -> Select:
    return scoped.where(Application.decided_at >= now - DECISION_WINDOW, Application.submitted_at.is_not(None))


def _columns(stmt: Select, *columns) -> Select:
    """The scoped select reading only `columns` (keeping its FROM even for count(*) alone)."""
    return stmt.with_only_columns(*columns, maintain_column_froms=True)


def _postgresql() -> bool:
    return Session.get_bind().dialect.name == "postgresql"


def _seconds(start, end):
    """end - start in seconds, in SQL."""
    if _postgresql():  # date_part is double precision; EXTRACT's numeric is slower to sort
        return func.date_part("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * DAY


def _week_start(moment):
    """The Monday (Xiamen time) of a stored UTC moment's week, in SQL."""
    if _postgresql():
        return func.date(func.date_trunc("week", moment + literal_column("interval '8 hours'")))
    return func.date(moment, "+8 hours", "weekday 0", "-6 days")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _durations(stmt: Select, start, end, spans=()) -> dict:
    """Count, median and maximum of end - start (seconds) over the rows of `stmt`, and with
    `spans` ((label, upper bound in days or None), …) how many fall in each, in one scan."""
    seconds = _seconds(start, end)
    in_spans, lower = [], None
    for _, bound in spans:
        within = [seconds > lower * DAY] if lower is not None else []
        if bound is not None:
            within.append(seconds <= bound * DAY)
        in_spans.append(func.sum(case((and_(*within), 1), else_=0)))
        lower = bound
    median = func.percentile_cont(0.5).within_group(seconds) if _postgresql() else literal_column("NULL")
    count, median, longest, *counted = Session.execute(_columns(
        stmt, func.count(), median, func.max(seconds), *in_spans)).one()
    if count and not _postgresql():  # the middle value, or the mean of the middle two
        middle = Session.scalars(_columns(stmt, seconds).order_by(seconds)
                                 .limit(2 - count % 2).offset((count - 1) // 2)).all()
        median = sum(middle) / len(middle)
    return {"count": count, "median": median, "max": longest, "spans": [n or 0 for n in counted]}


def _rounded(seconds, unit: int) -> float | None:
    return None if seconds is None else round(float(seconds) / unit, 1)
