"""Everything the application page shows, read once, with the view audited.

Answers, the household situation and the verdict are handed to the page as the forms typed
them, each with its key; the page shows them through review.labels (the console's filters
in webhook/staff/format.py), so the field's type decides how a value reads.
"""
from __future__ import annotations

from sqlalchemy import select

from models import Application, Escalation, MediaFile, Session, StaffUser

from . import access, audit, labels, lifecycle, routing, rules
from .documents import checklist_items

# Applicant answers kept in encrypted columns; the answers table never repeats them.
PII_ANSWER_KEYS = frozenset({"name", "id_number", "phone", "address"})
DOCUMENT_STATES = {"received": "已收到", "requested": "等居民补充", "accepted": "已确认"}
MEDIA_STATES = {"pending": "正在从微信下载", "stored": "", "rejected": "文件无法使用", "failed": "下载失败"}
# What the page says instead of an address this viewer may not read.
ADDRESS_HIDDEN = "（只给本街道工作人员和审核人员看）"


def actor_names(actors: set[str]) -> dict[str, str]:
    ids = [int(a.split(":", 1)[1]) for a in actors if a.startswith("staff:")]
    names = dict(Session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(ids))).all()) \
        if ids else {}
    return {a: (f"工作人员 {names.get(int(a[6:]), '?')}" if a.startswith("staff:") else
                {"resident": "居民本人", "system": "系统"}.get(a, a)) for a in actors}


def view(staff: StaffUser, app: Application) -> dict:
    """The case page of an application in scope; writes view_pii (whole numbers shown) or
    view_case (masked) to the audit log."""
    person = access.identity(staff, app.district, app.street, app.applicant_name,
                             app.applicant_id_number, app.applicant_phone)
    # The address is the household's (one record per family), shown to whoever sees numbers.
    address = app.household.address if app.household is not None else None
    person["address"] = (address or "") if person["whole"] else (ADDRESS_HIDDEN if address else "")
    audit.record(staff, "view_pii" if person["whole"] else "view_case", "application", app.id, app.district)
    Session.commit()
    situation = app.situation or {}
    verdict = app.verdict or {}
    history = [{"at": t.at, "actor": t.actor, "text": f"{labels.state(t.from_state) if t.from_state else '新建'}"
                f" → {labels.state(t.to_state)}", "reason": t.reason} for t in app.transitions]
    cases = Session.scalars(select(Escalation).where(Escalation.application_id == app.id)
                            .order_by(Escalation.id)).all()
    names = actor_names({h["actor"] for h in history})
    for h in history:
        h["actor"] = names[h["actor"]]
    assignee = Session.get(StaffUser, app.assigned_to) if app.assigned_to else None
    programme_verdict = rules.verdict_for(app) or {}
    return {
        "app": app, "person": person,
        "answers": [(key, value) for key, value in (app.answers or {}).items() if _other_answer(key)],
        "situation": [(key, value) for key, value in situation.items() if key != "members"],
        "members": [list(member.items()) for member in situation.get("members", [])],
        "verdict": list(programme_verdict.items()),
        "explanation": verdict.get("explanation", []), "today": _today(app),
        "documents": _documents(app), "checklist": checklist_items(app),
        "history": history, "escalations": cases,
        "assignee": assignee, "assignees": lifecycle.assignees(app.district),
        "overdue": routing.is_overdue(app), "may_decide": access.can(staff, "decide"),
        "may_escalate": access.can(staff, "casework") and app.state in routing.OPEN_STATES,
    }


def _other_answer(key: str) -> bool:
    """An answer the situation does not already show (it feeds no rule) and not personal."""
    if key in PII_ANSWER_KEYS or key == "members":
        return False
    field = labels.field(key)
    return field is None or not field.maps_to


def _documents(app: Application) -> list[dict]:
    """The application's documents with their files' states; the files read in one query."""
    media_ids = [doc.media_file_id for doc in app.documents if doc.media_file_id]
    files = {m.id: m for m in Session.scalars(select(MediaFile).where(MediaFile.id.in_(media_ids)))} \
        if media_ids else {}
    documents = []
    for doc in app.documents:
        media = files.get(doc.media_file_id)
        documents.append({
            "doc": doc, "title": _title(app, doc.item_id), "member": labels.member(doc.member),
            "state": DOCUMENT_STATES.get(doc.state, doc.state),
            "media_state": MEDIA_STATES.get(media.state, media.state) if media else "",
            "viewable": bool(media and media.state == "stored"),
            "image": bool(media and (media.content_type or "").startswith("image/")),
        })
    return documents


def _today(app: Application) -> dict | None:
    """What today's rules would decide differently, each figure read as the verdict's."""
    today = rules.compare_with_today(app)
    keys = {title: key for key, title in rules.FIELDS.items()}
    for change in (today or {}).get("changes", []):
        key = keys.get(change["field"], change["field"])
        change["field"] = labels.verdict_name(key)
        change["then"] = labels.verdict_value(key, change["then"])
        change["now"] = labels.verdict_value(key, change["now"])
    return today


def _title(app: Application, item_id: str) -> str:
    for entry in app.checklist or []:
        if entry.get("id") == item_id:
            return entry.get("title") or item_id
    return item_id
