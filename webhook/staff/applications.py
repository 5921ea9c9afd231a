"""The queue, the application page and the decisions taken on it."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, g, redirect, render_template, request, url_for

from models import DISTRICTS, Application, Session
from review import access, casefile, documents, escalations, lifecycle, queue as review_queue
from review.routing import latest_report

from ..security import db_id, page_number
from . import act, bp, form_list, found, private_file


def _application(app_id: int) -> Application:
    return found(Session.scalar(access.applications(g.staff).where(Application.id == app_id)))


@bp.get("/")
def home():
    return redirect(url_for("staff.queue"))


@bp.get("/queue")
def queue():
    args = request.args
    filters = {
        "programme": args.get("programme") or None, "state": args.get("state") or None,
        "district": args.get("district") or None, "overdue": args.get("overdue") == "1",
        "mine": args.get("mine") == "1",
    }
    page = review_queue.listing(g.staff, page=args.get("page", 1, type=page_number), **filters)
    return render_template("staff/queue.html", page=page, filters=filters, districts=DISTRICTS,
                           city_wide=access.city_wide(g.staff), report=_report(),
                           page_url=lambda n: url_for("staff.queue", **{**args.to_dict(), "page": n}))


def _report():
    return None if access.city_wide(g.staff) else latest_report(g.staff.district)


@bp.get("/applications/<int:app_id>")
def application(app_id: int):
    return render_template("staff/application.html", **casefile.view(g.staff, _application(app_id)))


def _back(app_id: int) -> str:
    return url_for("staff.application", app_id=app_id)


@bp.post("/applications/<int:app_id>/claim")
def claim(app_id: int):
    _application(app_id)
    return act(lambda: lifecycle.claim(app_id, g.staff), "已认领，这份申请由您负责审核。", _back(app_id))


@bp.post("/applications/<int:app_id>/assign")
def assign(app_id: int):
    _application(app_id)
    assignee = request.form.get("assignee", type=db_id) or 0
    return act(lambda: lifecycle.assign(app_id, g.staff, assignee), "已分派。", _back(app_id))


@bp.post("/applications/<int:app_id>/approve")
def approve(app_id: int):
    _application(app_id)
    return act(lambda: lifecycle.approve(app_id, g.staff, request.form.get("amount")),
               "已批准，已通知居民。", _back(app_id))


@bp.post("/applications/<int:app_id>/reject")
def reject(app_id: int):
    _application(app_id)
    return act(lambda: lifecycle.reject(app_id, g.staff, request.form.get("reason", "")),
               "已作出不予批准的决定，原因已发给居民。", _back(app_id))


@bp.post("/applications/<int:app_id>/request-documents")
def request_documents(app_id: int):
    _application(app_id)
    return act(lambda: documents.request_documents(app_id, g.staff, form_list("items"),
                                                   request.form.get("note")),
               "已通知居民补充材料（一条消息列出全部）。", _back(app_id))


@bp.post("/applications/<int:app_id>/escalate")
def escalate(app_id: int):
    _application(app_id)
    return act(lambda: escalations.escalate(app_id, g.staff, request.form.get("reason", "")),
               "已发起急难会商。", _back(app_id))


@bp.get("/applications/<int:app_id>/documents/<int:doc_id>")
def document_file(app_id: int, doc_id: int):
    """A stored photo or PDF of an application in scope; every view is audited."""
    app = _application(app_id)
    uploads = Path(current_app.config["APP_VAR_DIR"]) / "uploads"
    return private_file(documents.file_for(g.staff, app, doc_id, uploads))
