"""Collecting the documents: one photo per checklist slot, progress after each, the whole
list of what is missing in one message, then submission."""
from __future__ import annotations

from sqlalchemy import select

import review
from channels import media as channel_media
from models import ApplicationDocument, MediaFile, Session

from . import session as sessions
from . import state
from .reply import Reply, render


def begin(context: dict, application_id: int, slots: list[dict], supplement: bool = False) -> None:
    """Collect `slots`; `supplement` when staff asked for them after submission."""
    context.update(application_id=application_id, slots=slots, received={}, current=0, supplement=supplement)
    state.set_stage(context, state.Stage.DOCUMENTS)


def reopen(chat: dict, openid: str, others: bool = False) -> Reply | None:
    """Documents staff asked for: that application's context, opened or made active, and
    the resident told so. None when nothing is asked for, or it is already the active one."""
    for request in review.open_requests(openid):
        key = state.supplement_key(request["application_id"])
        if chat.get("active") == key:
            return None
        if key in chat["contexts"]:
            context = state.switch(chat, key)
            return render("switched", now=state.label(context),
                          others=[state.label(c) for c in state.others(chat)]) + status(context)
        slots = [{"item": item["item_id"], "member": item["member"], "title": item["title"]}
                 for item in request["items"]]
        context = {"key": key, "form": "supplement", "title": f"{request['programme_label']}申请",
                   "programme": request["programme"], "answers": {}}
        begin(context, request["application_id"], slots, supplement=True)
        state.add(chat, context)
        return render("supplement", label=state.label(context), slots=slots, note=request["note"],
                      others=[state.label(c) for c in state.others(chat)])
    return None


def missing(session: dict) -> list[int]:
    return [i for i in range(len(session["slots"])) if str(i) not in session["received"]]


def on_photo(session: dict, openid: str, media_id: str, inbound_id: int | None) -> Reply:
    index = session["current"]
    slot = session["slots"][index]
    record = channel_media.request_download(openid, media_id, inbound_id=inbound_id)
    try:
        document = review.attach_document(session["application_id"], slot["item"], record.id, member=slot["member"])
    except review.ReviewError as err:
        session["done"] = True  # e.g. staff already decided: nothing more to collect here
        return Reply([err.message])
    session["received"][str(index)] = {"document": document.id, "media": record.id}
    left = missing(session)
    if left:
        session["current"] = left[0]
    elif session.get("supplement"):  # review moved the application back to in_review itself
        session["done"] = True
        return render("supplement_done", title=state.label(session))
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
        chat = sessions.load_chat(record.openid)
        session, index = next(((c, i) for c in state.contexts(chat)
                               if (i := _slot_of(c, document.id)) is not None), (None, None))
        review.intake.detach(document.id)
        if session is None:
            Session.commit()
            return
        session["received"].pop(str(index), None)
        session["current"] = index
        sessions.save_chat(record.openid, chat)
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
