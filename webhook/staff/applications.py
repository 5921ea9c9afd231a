"""The queue, the application page and the decisions taken on it."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app, g, redirect, render_template, request, url_for
from redis.exceptions import RedisError

from models import DISTRICTS, Application, Session
from models.queues import enqueue
from review import access, casefile, documents, escalations, lifecycle, queue as review_queue
from review.routing import latest_report

from ..security import db_id
from . import act, bp, form_list, found, private_file
from .registries import programmes_for

log = logging.getLogger(__name__)


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
    # Keyset paging: `after` names the last row of the page before (review/queue.py).
    page = review_queue.listing(g.staff, after=args.get("after"), **filters)
    here = {key: value for key, value in args.to_dict().items() if key != "after"}
    return render_template("staff/queue.html", page=page, filters=filters, districts=DISTRICTS,
                           city_wide=access.city_wide(g.staff), report=_report(),
                           next_url=url_for("staff.queue", **here, after=page["next"]) if page["next"] else None,
                           first_url=url_for("staff.queue", **here))


def _report():
    return None if access.city_wide(g.staff) else latest_report(g.staff.district)


@bp.get("/applications/<int:app_id>")
def application(app_id: int):
    app = _application(app_id)
    return render_template("staff/application.html", **casefile.view(g.staff, app),
                           programmes=programmes_for(app.household_id))


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
    was = _application(app_id).state
    response = act(lambda: lifecycle.approve(app_id, g.staff, request.form.get("amount"),
                                             request.form.get("amount_reason")),
                   "已批准，已通知居民（每月金额、起始月份和发放方式）。", _back(app_id))
    if was != "approved" and Session.get(Application, app_id).state == "approved":
        try:  # after the commit, so the job reads the decision: the household's other programmes
            enqueue("tasks.discovery.after_decision", app_id)
        except RedisError:
            log.warning("linked programmes of application %s not queued: Redis unavailable", app_id)
    return response


# ---- due process: 公示, objections, extension (the forms are staff/_decision.html) -----------

@bp.app_template_global("due_process")
def due_process(app: Application) -> dict:
    """The decision panel of an application page: rules' amount, bounds, 公示 and extension."""
    return lifecycle.decision_panel(app)


@bp.app_template_filter("waited")
def waited(duration) -> str:
    """A response time as staff read it: "8 分钟", "2.5 小时"."""
    return escalations.waited_words(duration) or "还没有人响应"


@bp.post("/applications/<int:app_id>/publicity")
def start_publicity(app_id: int):
    _application(app_id)
    return act(lambda: lifecycle.start_publicity(app_id, g.staff, request.form.get("amount"),
                                                 request.form.get("amount_reason")),
               "已开始公示，已通知居民；公示期满后再作出批准决定。", _back(app_id))


@bp.post("/applications/<int:app_id>/objections")
def record_objection(app_id: int):
    _application(app_id)
    return act(lambda: lifecycle.record_objection(app_id, g.staff, request.form.get("raised_by", ""),
                                                  request.form.get("content", "")),
               "已登记公示异议。", _back(app_id))


@bp.post("/applications/<int:app_id>/extend")
def extend(app_id: int):
    _application(app_id)
    return act(lambda: lifecycle.extend(app_id, g.staff, request.form.get("reason", "")),
               "已延长办理期限，延期原因已发给居民。", _back(app_id))


@bp.post("/applications/<int:app_id>/reject")
def reject(app_id: int):
    _application(app_id)
    return act(lambda: lifecycle.reject(app_id, g.staff, request.form.get("reason", "")),
               "已作出不予批准的决定，原因和救济途径已发给居民。", _back(app_id))


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
