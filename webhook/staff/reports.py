"""The dashboard and the audit log search (admins)."""
from __future__ import annotations

from flask import g, render_template, request, url_for

from review import access, audit, dashboard
from review.errors import ReviewError
from review.routing import latest_report
from review.visits import parse_date

from ..security import db_id, page_number
from . import bp

AUDIT_PAGE = 100


@bp.get("/dashboard")
def dashboard_page():
    report = None if access.city_wide(g.staff) else latest_report(g.staff.district)
    return render_template("staff/dashboard.html", numbers=dashboard.summary(g.staff), report=report)


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
    page = args.get("page", 1, type=page_number)
    entries, total = audit.search(**filters, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    return render_template("staff/audit.html", entries=entries, total=total, filters=filters, page=page,
                           pages=max(1, -(-total // AUDIT_PAGE)), actions=audit.ACTIONS, problem=problem,
                           page_url=lambda n: url_for("staff.audit_log", **{**args.to_dict(), "page": n}))
