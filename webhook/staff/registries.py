"""部门数据导入 (registries uploaded by city admins, run as a `batch` job whose progress the page
shows) and 主动发现待办 (the caseworkers' worklist: likely eligible, linked programmes)."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from discovery import registries
from discovery.programmes import ITEM_STATES
from models import Household, Session, kv
from models.queues import enqueue
from models.registry import KINDS, DiscoveryItem, RegistryImport
from models.tabular import MAX_BYTES
from review import access, audit, labels
from review.errors import NotAllowed

from ..security import allow_upload
from . import bp, found

IMPORT_JOB = "tasks.discovery.import_registry"
JOB_ID = re.compile(r"[0-9a-f]{32}")
ITEM_KINDS = {"likely_eligible": "疑似符合、未申请", "linked": "联动办理", "no_district": "住址待核实"}
WORKLIST_SIZE = 200


def _upload_allowance():
    """The upload page takes a registry file (up to 50 MB); every other request keeps the small
    body limit. Runs before CSRF protection, which reads the form."""
    if request.endpoint == "staff.registry_upload":
        allow_upload(MAX_BYTES)


@bp.record_once
def _first(state):
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_allowance)


def _admin() -> None:
    if not access.city_wide(g.staff):
        raise NotAllowed("部门数据由市级管理员导入。")


@bp.get("/registries")
def registry_page():
    _admin()
    imports = Session.scalars(select(RegistryImport).order_by(RegistryImport.id.desc()).limit(30)).all()
    return render_template("staff/registries.html", kinds=KINDS, headers=registries.HEADERS,
                           titles=registries.TITLES, imports=imports, job=None)


@bp.post("/registries")
def registry_upload():
    _admin()
    try:
        kind, upload = request.form.get("kind", ""), request.files.get("file")
    except RequestEntityTooLarge:
        flash("文件太大了：一次最多导入 50 MB，请分成几个文件。", "error")
        return redirect(url_for("staff.registry_page"))
    if kind not in KINDS:
        flash("请选择要导入的是哪个部门的数据。", "error")
        return redirect(url_for("staff.registry_page"))
    if upload is None or not upload.filename:
        flash("请选择要导入的文件（CSV 或 XLSX）。", "error")
        return redirect(url_for("staff.registry_page"))
    name = registries.safe_file_name(upload.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        flash("只能导入 CSV（UTF-8）或 XLSX 文件。", "error")
        return redirect(url_for("staff.registry_page"))
    folder = Path(current_app.config["APP_VAR_DIR"]) / "uploads" / "registries"
    folder.mkdir(parents=True, exist_ok=True)
    job_id = uuid.uuid4().hex
    path = folder / f"{job_id}{suffix}"
    upload.save(path)
    enqueue(IMPORT_JOB, kind, str(path), name, f"staff:{g.staff.username}", queue_name="batch",
            job_id=job_id, job_timeout=3600, result_ttl=7 * 24 * 3600, meta={"kind": kind, "file_name": name})
    audit.record(g.staff, "registry_upload", "registry", None, None, kind=kind, file_name=name)
    Session.commit()
    return redirect(url_for("staff.registry_job", job_id=job_id))


@bp.get("/registries/jobs/<job_id>")
def registry_job(job_id: str):
    _admin()
    if not JOB_ID.fullmatch(job_id):
        abort(404)
    try:
        job = Job.fetch(job_id, connection=kv.client())
    except NoSuchJobError:
        abort(404)
    if job.func_name != IMPORT_JOB:
        abort(404)
    meta = job.get_meta(refresh=True)
    status = job.get_status(refresh=False)
    progress = meta.get("progress") or {}
    view = {
        "id": job_id, "kind": meta.get("kind"), "title": registries.kind_title(meta.get("kind", "")),
        "file_name": meta.get("file_name"), "status": str(status.value if status else "unknown"),
        "done": progress.get("done", 0), "total": progress.get("total", 0), "result": meta.get("result"),
    }
    view["percent"] = int(100 * view["done"] / view["total"]) if view["total"] else 0
    view["running"] = view["result"] is None and view["status"] not in ("failed", "stopped", "canceled")
    return render_template("staff/registries.html", kinds=KINDS, headers=registries.HEADERS,
                           titles=registries.TITLES, imports=[], job=view)


# ---- the worklist ------------------------------------------------------------------------------

def _items():
    stmt = select(DiscoveryItem)
    return stmt if access.city_wide(g.staff) else stmt.where(DiscoveryItem.district == g.staff.district)


@bp.get("/discovery")
def discovery_worklist():
    state = request.args.get("state", "open")
    state = state if state in ITEM_STATES else "open"
    rows = Session.execute(_items().where(DiscoveryItem.state == state)
                           .add_columns(Household.street)
                           .join(Household, Household.id == DiscoveryItem.household_id)
                           .order_by(DiscoveryItem.district, DiscoveryItem.street, DiscoveryItem.id)
                           .limit(WORKLIST_SIZE)).all()
    return render_template("staff/discovery.html", rows=rows, state=state, states=ITEM_STATES,
                           kinds=ITEM_KINDS, programme=labels.programme,
                           may_close=access.can(g.staff, "casework"))


@bp.post("/discovery/<int:item_id>/close")
def discovery_close(item_id: int):
    access.require(g.staff, "casework")
    item = found(Session.scalar(_items().where(DiscoveryItem.id == item_id)))
    outcome = request.form.get("outcome")
    if outcome not in ("done", "dismissed"):
        flash("请选择“已办理”或“不需办理”。", "error")
    elif item.state != "open":
        flash("这一项已经处理过了。", "error")
    else:
        item.state, item.closed_by = outcome, f"staff:{g.staff.username}"
        audit.record(g.staff, "discovery_close", "discovery_item", item.id, item.district, outcome=outcome)
        Session.commit()
        flash(f"已记录为“{ITEM_STATES[outcome]}”。", "ok")
    return redirect(url_for("staff.discovery_worklist"))


def programmes_for(household_id: int | None) -> list[dict]:
    """The household's programmes side by side, for staff/_programmes.html on the case page."""
    from discovery.programmes import household_programmes

    return household_programmes(Session, household_id)
