"""Urgent cases (个案急难会商, notice 四㈠): opened from the chat (人工, an emergency) or by
staff from an application; notes, participants, a resolution, and the time until someone
first responded. An escalated application keeps its state and carries the `escalated` flag
while a case about it is open.

A case the resident opened (人工, urgent words) is a conversation: while it is open, what the
resident sends, what the chat answers and what staff write to the resident make its thread
(`EscalationMessage`), which the case page shows and the case list counts as new messages.

Functions here add and change rows; the caller (the HTTP handler, the chat's turn, the job)
commits."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import case as when, func, select

from models import (DISTRICTS, Application, Escalation, EscalationNote, Household, MediaFile, Resident, Session,
                    StaffUser, db, utcnow)
from models.casework import EscalationMessage

from channels import media as channel_media

from . import access, audit, labels, lifecycle, notify, privacy
from .errors import InvalidTransition, ReviewError

CHAT_KINDS = ("human", "urgent", "flood")
# Kinds where the resident asked for a person: the case becomes their conversation.
THREAD_KINDS = ("human", "urgent")
AUTHORS = ("resident", "bot", "staff")
# The closing message the resident gets when staff resolve a conversation.
CLOSED_NOTICE = "工作人员已经处理完您这次的求助。之后发来的消息由公众号自动回复；还需要工作人员帮忙，请回复“人工”。"
MAX_TEXT = 2000
MAX_PARTICIPANT = 60


def escalate_from_chat(openid: str, kind: str, reason: str | None, transcript: list,
                       application_id: int | None = None, district: str | None = None) -> Escalation:
    """The resident asked for a person (kind "human") or said something urgent ("urgent").
    The case goes to the district of the application, else the one given, else the
    resident's household; without any it waits for the city's admins."""
    if kind not in CHAT_KINDS:
        raise ValueError(f"kind must be one of {CHAT_KINDS}")
    open_case = Session.scalar(select(Escalation).where(Escalation.openid == openid, Escalation.state == "open")
                               .order_by(Escalation.id.desc()).limit(1))
    if open_case is not None:  # one open case per resident: bring it up to date
        open_case.transcript = list(transcript or [])
        if kind == "urgent":
            open_case.kind, open_case.reason = "urgent", reason
        if kind in THREAD_KINDS:
            open_case.in_chat, open_case.paused_at = True, None
        if open_case.district is None and district in DISTRICTS:
            open_case.district = district
        return open_case
    app = None
    if application_id is not None:
        app = Session.get(Application, application_id)
        if app is None or app.openid != openid:
            raise ReviewError("没有找到这份申请。")
    resident = Session.scalar(select(Resident).where(Resident.openid == openid))
    household_id = (app.household_id if app else None) or (resident.household_id if resident else None)
    if app:
        district = app.district
    elif district is None and resident and resident.household:
        district = resident.household.district
    case = Escalation(openid=openid, household_id=household_id, application_id=app.id if app else None,
                      district=district, kind=kind, reason=reason, transcript=list(transcript or []),
                      in_chat=kind in THREAD_KINDS)
    Session.add(case)
    if app:
        app.escalated = True
    Session.flush()
    return case


def escalate(application_id: int, staff: StaffUser, reason: str) -> Escalation:
    """Staff bring an application to a case conference."""
    access.require(staff, "casework")
    reason = _text(reason, "请写明需要会商的原因。")
    app = lifecycle.load(application_id)
    if app.state in lifecycle.FINAL or app.state == "draft":
        raise InvalidTransition(f"这份申请现在是“{labels.state(app.state)}”，不能发起会商。")
    # Opening the case is not a response to it: first_response_at waits for a note, a
    # participant, a message or the resolution.
    case = Escalation(openid=app.openid, household_id=app.household_id, application_id=app.id,
                      district=app.district, kind="staff", reason=reason, participants=[staff.username])
    Session.add(case)
    app.escalated = True
    Session.flush()
    audit.record(staff, "escalate", "escalation", case.id, case.district, application=app.id)
    return case


def escalate_clue(clue, reason: str) -> Escalation:
    """An urgent clue from a volunteer: a case for the district's staff at once (the clue's
    own page holds who reported it and where)."""
    case = Escalation(openid=None, household_id=clue.household_id, district=clue.district,
                      street=clue.street, kind="urgent", reason=reason)
    Session.add(case)
    Session.flush()
    return case


def add_note(case: Escalation, staff: StaffUser, text: str) -> EscalationNote:
    access.require(staff, "casework")
    _open(case)
    note = EscalationNote(escalation_id=case.id, staff_id=staff.id, text=_text(text, "请填写会商记录。"))
    Session.add(note)
    _responded(case)
    audit.record(staff, "escalation_note", "escalation", case.id, case.district)
    return note


def add_participant(case: Escalation, staff: StaffUser, name: str) -> Escalation:
    """Participants are named as the conference knows them (区民政局 王科长), inside or
    outside the console."""
    access.require(staff, "casework")
    _open(case)
    name = (name or "").strip()
    if not name or len(name) > MAX_PARTICIPANT:
        raise ReviewError(f"请填写参与人（{MAX_PARTICIPANT}字以内）。")
    if name not in case.participants:
        case.participants = [*case.participants, name]
    _responded(case)
    audit.record(staff, "escalation_participant", "escalation", case.id, case.district)
    return case


def message_resident(case: Escalation, staff: StaffUser, text: str):
    """A reply to the resident who asked for a person, through the channel; it goes into
    the case's thread, and the resident's answer goes there too (a pause ends)."""
    access.require(staff, "casework")
    if not case.openid:
        raise ReviewError("这个会商没有对应的居民微信，无法发送消息。")
    text = _text(text, "请填写要发给居民的话。")
    _responded(case)
    add_message(case, "staff", text, staff=staff)
    if case.state == "open" and case.in_chat:
        case.paused_at = None
    audit.record(staff, "escalation_message", "escalation", case.id, case.district)
    return notify.staff_reply(case.openid, text)


# ---- the thread --------------------------------------------------------------------------------

def _open_thread_id():
    from sqlalchemy import bindparam

    return (select(Escalation.id).where(Escalation.openid == bindparam("openid"), Escalation.state == "open",
                                        Escalation.in_chat.is_(True)).order_by(Escalation.id.desc()).limit(1))


_OPEN_THREAD_ID = _open_thread_id()  # built once: it runs for every message the bot receives


def open_thread(openid: str) -> Escalation | None:
    """The resident's open case that their messages go into, if any. Most residents have
    none: one indexed lookup of an id, and the case loaded only when there is one."""
    case_id = db.lookup(_OPEN_THREAD_ID, {"openid": openid})
    return Session.get(Escalation, case_id) if case_id is not None else None


def add_message(case: Escalation, author: str, text: str, *, staff: StaffUser | None = None,
                inbound_id: int | None = None, media_file_id: int | None = None) -> EscalationMessage:
    """One line of the thread, in the caller's transaction."""
    if author not in AUTHORS:
        raise ValueError(f"author must be one of {AUTHORS}")
    message = EscalationMessage(escalation_id=case.id, author=author, text=text[:MAX_TEXT],
                                staff_id=staff.id if staff else None, inbound_id=inbound_id,
                                media_file_id=media_file_id, at=utcnow())
    Session.add(message)
    Session.flush()
    return message


def heard_from(case: Escalation) -> bool:
    """Has the resident written into the case's thread yet?"""
    return Session.scalar(select(EscalationMessage.id).where(
        EscalationMessage.escalation_id == case.id, EscalationMessage.author == "resident").limit(1)) is not None


def place(case: Escalation, district: str, street: str | None = None) -> None:
    """The resident said where they live: the case goes to that district's staff."""
    if district not in DISTRICTS:
        raise ValueError(f"not a district of Xiamen: {district!r}")
    case.district = district
    if street:
        case.street = street[:40]


def summaries(case_ids: list[int]) -> dict[int, dict]:
    """Per case: resident messages staff have not seen yet, and when the resident last wrote."""
    if not case_ids:
        return {}
    seen = func.coalesce(Escalation.seen_message_id, 0)
    rows = Session.execute(
        select(EscalationMessage.escalation_id,
               func.sum(when((EscalationMessage.id > seen, 1), else_=0)), func.max(EscalationMessage.at))
        .join(Escalation, Escalation.id == EscalationMessage.escalation_id)
        .where(EscalationMessage.escalation_id.in_(case_ids), EscalationMessage.author == "resident")
        .group_by(EscalationMessage.escalation_id)).all()
    return {case_id: {"new": int(new or 0), "last_at": last} for case_id, new, last in rows}


def last_activity():
    """A column for ordering a list of cases: the resident's last message, else the opening."""
    last = (select(func.max(EscalationMessage.at)).where(
        EscalationMessage.escalation_id == Escalation.id, EscalationMessage.author == "resident")
        .correlate(Escalation).scalar_subquery())
    return func.coalesce(last, Escalation.created_at)


def resolve(case: Escalation, staff: StaffUser, resolution: str) -> Escalation:
    access.require(staff, "casework")
    _open(case)
    case.resolution = _text(resolution, "请填写会商结果。")
    case.state = "resolved"
    case.resolved_at = utcnow()
    _responded(case)
    if case.application_id is not None:
        still_open = Session.scalar(select(Escalation.id).where(
            Escalation.application_id == case.application_id, Escalation.state == "open",
            Escalation.id != case.id).limit(1))
        if still_open is None:
            Session.get(Application, case.application_id).escalated = False
    audit.record(staff, "resolve_escalation", "escalation", case.id, case.district)
    if case.in_chat and case.openid:  # the resident's messages go back to the chat: say so
        add_message(case, "bot", CLOSED_NOTICE)
        notify.staff_reply(case.openid, CLOSED_NOTICE)  # committed with the resolution
    return case


def view(staff: StaffUser, case: Escalation) -> dict:
    """The case page of a case in scope, every text as this viewer may read it: the
    transcript holds what the resident typed, identity and phone numbers included. Writes
    view_pii (numbers shown whole) or view_escalation (masked) to the audit log; the caller
    commits."""
    application = Session.get(Application, case.application_id) if case.application_id else None
    household = Session.get(Household, case.household_id) if case.household_id else None
    street = application.street if application else household.street if household else case.street
    whole = access.sees_pii(staff, case.district, street)
    audit.record(staff, "view_pii" if whole else "view_escalation", "escalation", case.id, case.district)

    def text(value) -> str:
        return privacy.shown(value, whole)

    authors = dict(Session.execute(select(StaffUser.id, StaffUser.username).where(
        StaffUser.id.in_({note.staff_id for note in case.notes}))).all())
    transcript = [(line.get("from", ""), text(line.get("text"))) if isinstance(line, dict) else ("", text(line))
                  for line in case.transcript or []]
    staff_names = dict(Session.execute(select(StaffUser.id, StaffUser.username).where(
        StaffUser.id.in_({m.staff_id for m in case.messages if m.staff_id}))).all())
    stored = set(Session.scalars(select(MediaFile.id).where(
        MediaFile.id.in_({m.media_file_id for m in case.messages if m.media_file_id}),
        MediaFile.state == "stored")).all())
    unseen = case.seen_message_id or 0
    thread = [{"id": m.id, "at": m.at, "author": m.author, "text": text(m.text), "new": m.author == "resident"
               and m.id > unseen, "who": _who(m, staff_names), "photo": m.media_file_id in stored if
               m.media_file_id else None} for m in case.messages]
    if case.messages:
        case.seen_message_id = case.messages[-1].id
    return {
        "case": case, "whole": whole, "application": application, "first_response": time_to_first_response(case),
        "reason": text(case.reason), "resolution": text(case.resolution), "transcript": transcript,
        "thread": thread,
        "participants": [text(name) for name in case.participants or []],
        "notes": [{"at": note.at, "author": authors.get(note.staff_id, ""), "text": text(note.text)}
                  for note in case.notes],
    }


def _who(message: EscalationMessage, staff_names: dict[int, str]) -> str:
    who = labels.THREAD_AUTHORS.get(message.author, message.author)
    return f"{who} {staff_names.get(message.staff_id, '')}".strip() if message.author == "staff" else who


def photo_for(staff: StaffUser, case: Escalation, message_id: int, uploads: Path):
    """(path, content type) of a photo the resident sent into the case's thread, audited;
    None when there is no such stored file."""
    message = Session.get(EscalationMessage, message_id)
    if message is None or message.escalation_id != case.id:
        return None
    stored = channel_media.stored_file(message.media_file_id, uploads)
    if stored is not None:
        audit.record(staff, "view_document", "escalation", case.id, case.district, message=message.id)
    return stored


def time_to_first_response(case: Escalation) -> timedelta | None:
    """How long the case waited for someone to respond; None until someone did."""
    if case.first_response_at is None or case.created_at is None:
        return None
    return max(case.first_response_at - case.created_at, timedelta(0))


def waited_words(waited: timedelta | None) -> str | None:
    """"8 分钟", "2.5 小时", "3 天": a response time as staff read it (never "0.0 小时")."""
    if waited is None:
        return None
    minutes = waited.total_seconds() / 60
    if minutes < 60:
        return f"{max(int(minutes), 1)} 分钟" if minutes >= 1 else "不到 1 分钟"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} 小时"
    return f"{minutes / 1440:.0f} 天"


def _responded(case: Escalation) -> None:
    if case.first_response_at is None:
        case.first_response_at = utcnow()


def _open(case: Escalation) -> None:
    if case.state != "open":
        raise InvalidTransition("这个会商已经办结了。")


def _text(text: str | None, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReviewError(empty)
    if len(text) > MAX_TEXT:
        raise ReviewError(f"内容请控制在{MAX_TEXT}字以内。")
    return text
