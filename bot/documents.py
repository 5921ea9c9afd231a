"""Collecting the documents: one photo per checklist slot, progress after each, the whole
list of what is missing in one message, then submission."""
from __future__ import annotations

from sqlalchemy import select

import review
from channels import media as channel_media
from models import ApplicationDocument, MediaFile, Session

from . import session as sessions
from .reply import Reply, render


def begin(session: dict, application_id: int, slots: list[dict], supplement: bool = False) -> None:
    """Collect `slots`; `supplement` when staff asked for them after submission."""
    session.update(stage="documents", application_id=application_id, slots=slots, received={}, current=0,
                   supplement=supplement)


def reopen(session: dict, openid: str) -> Reply | None:
    """What staff asked this resident for, asked for again exactly: None when nothing is open."""
    requests = review.open_requests(openid)
    if not requests:
        return None
    request = requests[0]
    slots = [{"item": item["item_id"], "member": item["member"], "title": item["title"]}
             for item in request["items"]]
    session.clear()
    session.update(form="supplement", title=f"{request['programme_label']}申请（编号{request['application_id']}）补充材料")
    begin(session, request["application_id"], slots, supplement=True)
    return render("supplement", title=session["title"], slots=slots, note=request["note"])


def missing(session: dict) -> list[int]:
    return [i for i in range(len(session["slots"])) if str(i) not in session["received"]]


def on_photo(session: dict, openid: str, media_id: str, inbound_id: int | None) -> Reply:
    index = session["current"]
    slot = session["slots"][index]
    record = channel_media.request_download(openid, media_id, inbound_id=inbound_id)
    try:
        document = review.attach_document(session["application_id"], slot["item"], record.id, member=slot["member"])
    except review.ReviewError as err:
        session["ended"] = True
        return Reply([err.message])
    session["received"][str(index)] = {"document": document.id, "media": record.id}
    left = missing(session)
    if left:
        session["current"] = left[0]
    elif session.get("supplement"):  # review moved the application back to in_review itself
        session["ended"] = True
        return render("supplement_done", title=session["title"])
    return render("document_received", slot=slot, got=len(session["slots"]) - len(left),
                  total=len(session["slots"]), next=session["slots"][left[0]] if left else None)


def choose(session: dict, number: int) -> Reply:
    if not 1 <= number <= len(session["slots"]):
        return render("documents_missing", session=session, missing=missing(session),
                      hint=f"没有第{number}项，请回复 1 到 {len(session['slots'])} 之间的数字。")
    session["current"] = number - 1
    return render("document_pick", slot=session["slots"][number - 1],
                  again=str(number - 1) in session["received"])


def status(session: dict, hint: str | None = None) -> Reply:
    return render("documents_missing", session=session, missing=missing(session), hint=hint)


def submit(session: dict) -> Reply | None:
    """Submit when nothing is missing; otherwise list everything still missing, at once."""
    if missing(session):
        return status(session, hint="材料还没有齐。")
    application = review.submit(session["application_id"])
    return render("submitted", application=application, title=session["title"])


def after_download(media_file_id: int) -> None:
    """Once a photo is stored (or refused), tell the resident if it cannot count."""
    record = Session.get(MediaFile, media_file_id)
    document = Session.scalar(select(ApplicationDocument).where(ApplicationDocument.media_file_id == media_file_id))
    if record is None or document is None:
        return
    problem = None
    if record.state in ("rejected", "failed"):
        problem = "unreadable"
    elif record.state == "stored":
        twin = Session.scalar(
            select(ApplicationDocument).join(MediaFile, MediaFile.id == ApplicationDocument.media_file_id)
            .where(ApplicationDocument.application_id == document.application_id,
                   ApplicationDocument.id != document.id, MediaFile.sha256 == record.sha256))
        if twin is not None:
            problem = "duplicate"
    if problem is None:
        return
    from . import push

    with sessions.turn(record.openid):
        session = sessions.load(record.openid)
        index = _slot_of(session, document.id)
        review.intake.detach(document.id)
        if session is None or index is None:
            return
        session["received"].pop(str(index), None)
        session["current"] = index
        sessions.save(record.openid, session)
        Session.commit()
        slot = session["slots"][index]
        twin_slot = None
        if problem == "duplicate":
            twin_slot = next((session["slots"][int(i)]["title"] for i, got in session["received"].items()
                              if got["media"] and _same(got["media"], record.sha256)), None)
    push(record.openid, render("document_problem", slot=slot, problem=problem, twin=twin_slot))


def _slot_of(session: dict | None, document_id: int) -> int | None:
    if not session or session.get("stage") != "documents":
        return None
    for index, got in session["received"].items():
        if got["document"] == document_id:
            return int(index)
    return None


def _same(media_file_id: int, sha256: str | None) -> bool:
    other = Session.get(MediaFile, media_file_id)
    return other is not None and other.sha256 == sha256
