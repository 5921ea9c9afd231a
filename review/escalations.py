"""Urgent cases (个案急难会商, notice 四㈠): opened from the chat (人工, an emergency) or by
staff from an application; notes, participants, a resolution, and the time until someone
first responded. An escalated application keeps its state and carries the `escalated` flag
while a case about it is open."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Application, Escalation, EscalationNote, Household, Resident, Session, StaffUser, utcnow

from . import access, audit, labels, lifecycle, notify, privacy
from .errors import InvalidTransition, ReviewError

CHAT_KINDS = ("human", "urgent", "flood")
MAX_TEXT = 2000
MAX_PARTICIPANT = 60


def escalate_from_chat(openid: str, kind: str, reason: str | None, transcript: list,
                       application_id: int | None = None, district: str | None = None) -> Escalation:
    """The resident asked for a person (kind "human") or said something urgent ("urgent").
    The case goes to the district of the application, else the one given, else the
    resident's household; without any it waits for the city's admins."""
    if kind not in CHAT_KINDS:
        raise ValueError(f"kind must be one of {CHAT_KINDS}")
    open_case = Session.scalar(select(Escalation).where(Escalation.openid == openid, Escalation.state == "open"))
    if open_case is not None:  # one open case per resident: bring it up to date
        open_case.transcript = list(transcript or [])
        if kind == "urgent":
            open_case.kind, open_case.reason = "urgent", reason
        Session.commit()
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
                      district=district, kind=kind, reason=reason, transcript=list(transcript or []))
    Session.add(case)
    if app:
        app.escalated = True
    Session.commit()
    return case


def escalate(application_id: int, staff: StaffUser, reason: str) -> Escalation:
    """Staff bring an application to a case conference."""
    access.require(staff, "casework")
    reason = _text(reason, "请写明需要会商的原因。")
    app = lifecycle.load(application_id)
    if app.state in lifecycle.FINAL or app.state == "draft":
        raise InvalidTransition(f"这份申请现在是“{labels.state(app.state)}”，不能发起会商。")
    case = Escalation(openid=app.openid, household_id=app.household_id, application_id=app.id,
                      district=app.district, kind="staff", reason=reason, participants=[staff.username],
                      first_response_at=utcnow())
    Session.add(case)
    app.escalated = True
    Session.flush()
    audit.record(staff, "escalate", "escalation", case.id, case.district, application=app.id)
    Session.commit()
    return case


def add_note(case: Escalation, staff: StaffUser, text: str) -> EscalationNote:
    access.require(staff, "casework")
    _open(case)
    note = EscalationNote(escalation_id=case.id, staff_id=staff.id, text=_text(text, "请填写会商记录。"))
    Session.add(note)
    _responded(case)
    audit.record(staff, "escalation_note", "escalation", case.id, case.district)
    Session.commit()
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
    Session.commit()
    return case


def message_resident(case: Escalation, staff: StaffUser, text: str):
    """A reply to the resident who asked for a person, through the channel."""
    access.require(staff, "casework")
    if not case.openid:
        raise ReviewError("这个会商没有对应的居民微信，无法发送消息。")
    text = _text(text, "请填写要发给居民的话。")
    _responded(case)
    Session.add(EscalationNote(escalation_id=case.id, staff_id=staff.id, text=f"[已发给居民] {text}"))
    audit.record(staff, "escalation_message", "escalation", case.id, case.district)
    return notify.staff_reply(case.openid, text)


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
    Session.commit()
    return case


def view(staff: StaffUser, case: Escalation) -> dict:
    """The case page of a case in scope, every text as this viewer may read it: the
    transcript holds what the resident typed, identity and phone numbers included. Writes
    view_pii (numbers shown whole) or view_escalation (masked) to the audit log; the caller
    commits."""
    application = Session.get(Application, case.application_id) if case.application_id else None
    household = Session.get(Household, case.household_id) if case.household_id else None
    street = application.street if application else household.street if household else None
    whole = access.sees_pii(staff, case.district, street)
    audit.record(staff, "view_pii" if whole else "view_escalation", "escalation", case.id, case.district)

    def text(value) -> str:
        return privacy.shown(value, whole)

    authors = dict(Session.execute(select(StaffUser.id, StaffUser.username).where(
        StaffUser.id.in_({note.staff_id for note in case.notes}))).all())
    transcript = [(line.get("from", ""), text(line.get("text"))) if isinstance(line, dict) else ("", text(line))
                  for line in case.transcript or []]
    return {
        "case": case, "whole": whole, "application": application, "first_response": time_to_first_response(case),
        "reason": text(case.reason), "resolution": text(case.resolution), "transcript": transcript,
        "participants": [text(name) for name in case.participants or []],
        "notes": [{"at": note.at, "author": authors.get(note.staff_id, ""), "text": text(note.text)}
                  for note in case.notes],
    }


def time_to_first_response(case: Escalation) -> timedelta | None:
    return case.first_response_at - case.created_at if case.first_response_at else None


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
