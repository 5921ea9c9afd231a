"""待阅读内容: what residents wrote or uploaded in the mini-program that WeChat's content check
flagged (or could not check), held until staff release or reject it. The work is
review/moderation.py; every view and decision is audited."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, g, render_template, url_for

from models import Session
from models.moderation import ContentCheck
from review import moderation

from . import act, bp, found, private_file


def _held(check_id: int) -> ContentCheck:
    return found(Session.scalar(moderation.scoped(g.staff).where(ContentCheck.id == check_id)))


@bp.get("/held")
def held_list():
    rows = moderation.held(g.staff)
    Session.commit()  # the audit entry of the view
    return render_template("staff/held.html", rows=rows)


@bp.get("/held/<int:check_id>/image")
def held_image(check_id: int):
    uploads = Path(current_app.config["APP_VAR_DIR"]) / "uploads"
    return private_file(moderation.image_for(g.staff, _held(check_id), uploads))


def _decide(decision, check_id: int, done: str):
    check = _held(check_id)
    return act(lambda: decision(g.staff, check), done, url_for("staff.held_list"))


@bp.post("/held/<int:check_id>/release")
def held_release(check_id: int):
    return _decide(moderation.release, check_id, "已放行：内容照常使用。")


@bp.post("/held/<int:check_id>/reject")
def held_reject(check_id: int):
    return _decide(moderation.reject, check_id, "已驳回：内容不会被使用，居民需要修改或重新上传。")
