"""Documents: staff ask for missing checklist items in one request, the resident's photos
fill them, and the application goes back to review by itself once the last one arrives.

A request is one ApplicationDocument row per item in state `requested` (with the staff
note); the photo that answers it turns the row `received`. Photos sent while the
application is a draft are added as `received` rows.
"""
from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select

from models import Application, ApplicationDocument, DocumentExpiry, MediaFile, Session, StaffUser, utcnow

from channels import media as channel_media

from . import access, audit, labels, lifecycle, notify, routing
from .errors import InvalidTransition, ReviewError

MAX_NOTE = 200


def checklist_items(app: Application) -> list[dict]:
    """The checklist one line per document: per-member documents once per member.
    `key` ("id_card:1", "hukou_book") is what the console's tick boxes send."""
    items = []
    for entry in app.checklist or []:
        members = entry.get("members")
        for member in members if members else [None]:
            items.append({"key": entry["id"] if member is None else f"{entry['id']}:{member}",
                          "item_id": entry["id"], "member": member,
                          "title": entry.get("title") or entry["id"]})
    return items


def request_documents(application_id: int, staff: StaffUser, keys: list[str],
                      note: str | None = None) -> Application:
    """in_review → need_documents for the ticked checklist items; the resident gets ONE
    message listing all of them."""
    access.require(staff, "decide")
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise ReviewError(f"说明请控制在{MAX_NOTE}字以内。")
    app = lifecycle.load(application_id)
    known = {item["key"]: item for item in checklist_items(app)}
    wanted = list(dict.fromkeys(keys))  # keep the order, drop repeats
    if not wanted:
        raise ReviewError("请至少勾选一项需要补充的材料。")
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise ReviewError("勾选的材料不在这份申请的清单里，请刷新页面再试。")
    items = [known[key] for key in wanted]
    lifecycle.move(app, "need_documents", lifecycle.actor(staff),
                   "要求补充：" + "、".join(notify.describe(i) for i in items) + (f"。说明：{note}" if note else ""))
    for item in items:
        Session.add(ApplicationDocument(application_id=app.id, item_id=item["item_id"],
                                        member=item["member"], state="requested", note=note))
    audit.record(staff, "request_documents", "application", app.id, app.district, items=wanted)
    notify.documents_requested(app, items, note)
    return app


def attach_document(application_id: int, item_id: str, media_file_id: int,
                    member: int | None = None) -> ApplicationDocument:
    """The resident sent a photo for a checklist item. While staff wait for documents only
    the requested items are accepted, and the last of them puts the application back in
    review."""
    app = lifecycle.load(application_id)
    media = Session.get(MediaFile, media_file_id)
    if media is None or media.openid != app.openid:
        raise ReviewError("没有找到这张照片，请重新发送。")
    attached = Session.scalar(select(ApplicationDocument).where(
        ApplicationDocument.application_id == app.id, ApplicationDocument.media_file_id == media.id))
    if attached is not None:  # the same message handled again: it keeps the slot it took
        return attached
    if app.state == "draft":  # a new photo for the same item and member replaces the old one
        document = Session.scalar(select(ApplicationDocument).where(
            ApplicationDocument.application_id == app.id, ApplicationDocument.item_id == item_id,
            ApplicationDocument.member.is_(None) if member is None else ApplicationDocument.member == member))
        if document is None:
            document = ApplicationDocument(application_id=app.id, item_id=item_id, member=member)
            Session.add(document)
        document.media_file_id, document.state = media.id, "received"
        Session.commit()
        return document
    if app.state != "need_documents":
        raise InvalidTransition(f"这份申请现在是“{labels.state(app.state)}”，不需要再发送材料。")
    document = Session.scalar(select(ApplicationDocument).where(
        ApplicationDocument.application_id == app.id, ApplicationDocument.state == "requested",
        ApplicationDocument.item_id == item_id,
        ApplicationDocument.member.is_(None) if member is None else ApplicationDocument.member == member,
    ).order_by(ApplicationDocument.id).limit(1))
    if document is None:
        raise ReviewError("工作人员没有要求补充这份材料。")
    document.media_file_id = media.id
    document.state = "received"
    Session.flush()
    if not _requested(app.id):
        lifecycle.move(app, "in_review", "resident", "补充材料已收齐")
        notify.documents_complete(app)
    else:
        Session.commit()
    return document


def _requested(application_id: int) -> list[ApplicationDocument]:
    return list(Session.scalars(select(ApplicationDocument).where(
        ApplicationDocument.application_id == application_id,
        ApplicationDocument.state == "requested").order_by(ApplicationDocument.id)))


def open_requests(openid: str) -> list[dict]:
    """What staff asked this resident for and is still missing, per application, so the
    chat asks for exactly those items again."""
    apps = Session.scalars(select(Application).where(
        Application.openid == openid, Application.state == "need_documents").order_by(Application.id)).all()
    result = []
    for app in apps:
        titles = {entry["id"]: entry.get("title") or entry["id"] for entry in app.checklist or []}
        rows = _requested(app.id)
        if not rows:
            continue
        result.append({
            "application_id": app.id, "programme": app.programme,
            "programme_label": labels.programme(app.programme),
            "items": [{"item_id": row.item_id, "member": row.member,
                       "title": titles.get(row.item_id, row.item_id)} for row in rows],
            "note": next((row.note for row in rows if row.note), None),
        })
    return result


def file_for(staff: StaffUser, application: Application, document_id: int, uploads: Path):
    """(path, content type) of a stored document of an application in scope, audited;
    None when there is no such stored file."""
    document = Session.get(ApplicationDocument, document_id)
    if document is None or document.application_id != application.id:
        return None
    stored = channel_media.stored_file(document.media_file_id, uploads)
    if stored is not None:
        audit.record(staff, "view_document", "application", application.id, application.district,
                     document=document.id)
    return stored


# ---- documents a household already gave, reused while valid ----------------------------------

VALIDITY_FILE = Path(__file__).with_name("document_validity.yaml")
# Applications whose documents count as given: anything sent in, not a draft nobody submitted.
GIVEN_STATES = ("submitted", "in_review", "need_documents", "publicity", "approved", "rejected")


@lru_cache(maxsize=1)
def validity_rules() -> dict:
    return yaml.safe_load(VALIDITY_FILE.read_text(encoding="utf-8"))


def valid_until(item_id: str, received: date, own_expiry: date | None = None) -> date | None:
    """The last day a document received on `received` is reused; None: never reused."""
    rule = validity_rules()["reuse"].get(item_id)
    if rule is None:
        return None
    if own_expiry is not None and rule.get("own_expiry"):
        return own_expiry
    if "until" in rule:
        month, day = (int(part) for part in str(rule["until"]).split("-"))
        end = date(received.year, month, day)
        return end if end >= received else date(received.year + 1, month, day)
    months = received.month - 1 + int(rule["months"])
    year, month = received.year + months // 12, months % 12 + 1
    return date(year, month, min(received.day, calendar.monthrange(year, month)[1]))


def kept_documents(household_id: int | None, slots: list[dict], today: date | None = None,
                   exclude_application_id: int | None = None) -> dict[int, ApplicationDocument]:
    """{slot index: the household's document that still serves it}: the latest stored file
    given with an earlier application of the household for the same item and member, while
    valid on `today`. `slots` are the chat's checklist slots ({"item", "member", ...})."""
    if household_id is None:
        return {}
    today = today or routing.local_date(utcnow())
    rows = Session.scalars(
        select(ApplicationDocument)
        .join(Application, Application.id == ApplicationDocument.application_id)
        .join(MediaFile, MediaFile.id == ApplicationDocument.media_file_id)
        .where(Application.household_id == household_id, Application.state.in_(GIVEN_STATES),
               Application.id != (exclude_application_id or 0),
               ApplicationDocument.state.in_(("received", "accepted")), MediaFile.state == "stored")
        .order_by(ApplicationDocument.created_at.desc(), ApplicationDocument.id.desc())).all()
    expiries = dict(Session.execute(select(DocumentExpiry.document_id, DocumentExpiry.valid_until).where(
        DocumentExpiry.document_id.in_([row.id for row in rows]))).all()) if rows else {}
    latest: dict[tuple, ApplicationDocument] = {}
    for row in rows:  # newest first: an older copy of the same paper never wins
        latest.setdefault((row.item_id, row.member), row)
    found = {}
    for index, slot in enumerate(slots):
        row = latest.get((slot["item"], slot["member"]))
        if row is None:
            continue
        until = valid_until(row.item_id, routing.local_date(row.created_at), expiries.get(row.id))
        if until is not None and until >= today:
            found[index] = row
    return found


def given_on(document: ApplicationDocument) -> str:
    """"3月12日": the day the household first gave the paper, as residents read it."""
    day = routing.local_date(document.created_at)
    return f"{day.month}月{day.day}日"


def reuse_kept(application_id: int, slots: list[dict], today: date | None = None) -> dict[int, dict]:
    """Attach to a new application the household's documents that still serve its checklist:
    a copy of each row pointing at the same stored file, `received`, dated as the original
    (so validity runs from the day the paper was given) and noting where it came from.
    {slot index: {"document", "media", "kept": "3月12日"}}. The caller commits."""
    app = Session.get(Application, application_id)
    if app is None or app.state != "draft":
        return {}
    held = {(row.item_id, row.member) for row in app.documents}
    out = {}
    for index, source in kept_documents(app.household_id, slots, today, exclude_application_id=app.id).items():
        if (source.item_id, source.member) in held:
            continue
        copy = ApplicationDocument(application_id=app.id, item_id=source.item_id, member=source.member,
                                   media_file_id=source.media_file_id, state="received",
                                   created_at=source.created_at,
                                   note=f"沿用申请{source.application_id}的材料（{given_on(source)}提交）")
        Session.add(copy)
        Session.flush()
        expiry = Session.get(DocumentExpiry, source.id)
        if expiry is not None:
            Session.add(DocumentExpiry(document_id=copy.id, valid_until=expiry.valid_until))
        held.add((source.item_id, source.member))
        out[index] = {"document": copy.id, "media": source.media_file_id, "kept": given_on(source)}
    return out
