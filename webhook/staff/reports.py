"""The dashboard, its charts' stylesheet, the overdue report's CSV, and the audit log search
(admins)."""
from __future__ import annotations

from flask import Response, abort, g, render_template, request, stream_with_context, url_for

from models import DISTRICTS
from review import access, audit, charts, dashboard, overdue
from review.errors import ReviewError
from review.routing import latest_report
from review.visits import parse_date

from ..security import db_id
from . import bp

AUDIT_PAGE = 100


@bp.get("/dashboard")
def dashboard_page():
    report = None if access.city_wide(g.staff) else latest_report(g.staff.district)
    numbers = dashboard.summary(g.staff)
    return render_template("staff/dashboard.html", numbers=numbers,
                           pictures=dashboard.pictures(g.staff, numbers), report=report, shown=overdue.SHOWN)


@bp.get("/charts.css")
def charts_css():
    """The charts' own styles (the page's policy refuses styles inside the SVG)."""
    return Response(charts.stylesheet(), mimetype="text/css", headers={"Cache-Control": "private, max-age=86400"})


@bp.get("/dashboard/overdue.csv")
def overdue_csv():
    """Today's overdue report in full, streamed: a district's team gets its own, an admin names
    the district (?district=思明区)."""
    district = request.args.get("district") if access.city_wide(g.staff) else g.staff.district
    if district not in DISTRICTS:
        abort(404)
    return Response(stream_with_context(overdue.csv_lines(district)), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=overdue.csv", "Cache-Control": "private, no-store"})


@bp.get("/audit")
def audit_log():
    access.require(g.staff, "audit")
    args = request.args
    filters = {"action": args.get("action") or None, "staff_name": args.get("staff_name") or None,
               "object_type": args.get("object_type") or None,
               "object_id": args.get("object_id", type=db_id)}
    problem = None
    try:
        filters["since"] = parse_date(args["since"]) if args.get("since") else None
        filters["until"] = parse_date(args["until"]) if args.get("until") else None
    except ReviewError:
        filters["since"] = filters["until"] = None
        problem = "日期格式不对，请按 2026-03-05 的格式填写。"
    if args.get("object_id") and filters["object_id"] is None:
        problem = "对象编号请填写一个正整数，例如 12。"
    before = args.get("before", type=db_id)
    found = audit.search(**filters, limit=AUDIT_PAGE, before=before)
    query = {k: v for k, v in args.to_dict().items() if k != "before"}
    return render_template("staff/audit.html", found=found, filters=filters, actions=audit.ACTIONS,
                           object_types=audit.OBJECT_TYPES, problem=problem, deeper=before is not None,
                           first_url=url_for("staff.audit_log", **query),
                           older_url=url_for("staff.audit_log", **query, before=found.older) if found.older else None)
