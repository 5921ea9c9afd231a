"""Collecting the documents: one photo per checklist slot, progress after each, the whole
list of what is missing in one message, then submission.

Two kinds of slot need no photo:
- a document the household already gave with an earlier application and still valid
  (review/document_validity.yaml) is attached when the checklist is made, shown "已有（3月12日提交）";
- the two signed declarations are pre-filled and signed on the phone through a link per adult
  (review/signing.py), or marked to be signed at the street office during the one visit
  ("到街道签"). Signing happens outside the chat (POST /sign), so `missing()` reads which
  signature items are done from the application's documents in the database rather than from
  the conversation.
"""
from __future__ import annotations

import time

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import select

import review
from channels import media as channel_media
from models import ApplicationDocument, MediaFile, Session
from review import documents as review_documents
from review import signing

from . import intents, state
from . import session as sessions
from .reply import Reply, render

# What residents say about the signed papers and their documents (matched inside the message).
NO_FORM_WORDS = ("没有这个表", "没有这张表", "没有表", "没这个表", "表格在哪", "表在哪", "哪里领", "哪里拿",
                 "去哪拿", "去哪领", "哪里下载", "哪里打印", "怎么签", "在哪签", "去哪签", "没有打印")
SIGN_WORDS = ("签字", "签名", "签字链接", "重新签字", "链接", "签字链接过期了")
AT_VISIT_WORDS = ("到街道签", "去街道签", "街道签字", "街道签", "现场签", "当面签", "到社区签", "去社区签")
ALREADY_WORDS = ("发过了", "发过", "交过", "已经发了", "刚才发了", "刚发了", "之前发了", "已经交了")


def begin(context: dict, application_id: int, slots: list[dict], supplement: bool = False) -> None:
    """Collect `slots`; `supplement` when staff asked for them after submission. For a new
    application, documents the household already gave and that are still valid are attached
    at once, and a declaration whose phone signature is not accepted (the acceptance rule) is
    marked to be signed on the visit: the resident is asked only for the rest."""
    context.update(application_id=application_id, slots=slots, received={}, current=0, supplement=supplement)
    state.set_stage(context, state.Stage.DOCUMENTS)
    if supplement:
        return
    for index, got in review_documents.reuse_kept(application_id, slots).items():
        context["received"][str(index)] = got
    for index, slot in enumerate(slots):
        if signing.is_signature(slot["item"]) and not signing.electronic_accepted(slot["item"]):
            document = signing.at_visit(application_id, slot["item"])
            context["received"][str(index)] = {"document": document.id, "media": None, "at_visit": True}
    left = missing(context)
    context["current"] = left[0] if left else 0


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
    _sync_signed(session)
    return [i for i in range(len(session["slots"])) if str(i) not in session["received"]]


def _sync_signed(session: dict) -> None:
    """Signature items done outside the chat (signed on the phone, or marked for the visit)
    count as received; the slot in hand moves on when it was one of them."""
    if session.get("supplement") or not session.get("application_id"):
        return
    done = None
    for index, slot in enumerate(session["slots"]):
        if str(index) in session["received"] or not signing.is_signature(slot["item"]):
            continue
        done = signing.filed(session["application_id"]) if done is None else done
        document = done.get(slot["item"])
        if document is not None:
            at_visit = document.state == signing.AT_VISIT
            session["received"][str(index)] = {"document": document.id, "media": document.media_file_id,
                                               "at_visit": at_visit, "signed": not at_visit}
    if str(session.get("current")) in session["received"]:
        left = [i for i in range(len(session["slots"])) if str(i) not in session["received"]]
        if left:
            session["current"] = left[0]


def is_signature(session: dict, index: int | None) -> bool:
    return index is not None and 0 <= index < len(session["slots"]) and \
        signing.is_signature(session["slots"][index]["item"])


def _base_url() -> str:
    """Where residents open the signing page: `[app] public_url` when set, else the host
    WeChat posted to."""
    configured = current_app.config.get("APP_PUBLIC_URL") if has_app_context() else None
    if configured:
        return configured.rstrip("/") + "/"
    if has_request_context():
        return request.host_url
    return "http://127.0.0.1:5000/"


def links(session: dict, index: int, fresh: bool = False) -> list[dict]:
    """The signing links of a signature slot, one per adult who has not signed yet:
    [{"who", "url"}]. Links already given are repeated while they have a day left; `fresh`
    (or none given) issues new ones, which replaces the old."""
    slot = session["slots"][index]
    waiting = set(signing.progress(session["application_id"], slot["item"])["waiting"])
    given = session.setdefault("links", {}).get(str(index)) or []
    now = time.time()
    if given and not fresh and all(link["expires"] > now + 86400 for link in given) and \
            waiting <= {link["who"] for link in given}:
        return [link for link in given if link["who"] in waiting]
    ttl = signing.TOKEN_TTL.total_seconds()
    issued = [{"who": link["who"], "url": f"{_base_url()}sign/{link['token']}", "expires": now + ttl}
              for link in signing.issue(session["application_id"], slot["item"])]
    session["links"][str(index)] = issued
    return issued


def _slot_links(session: dict, index: int | None) -> list[dict]:
    return links(session, index) if is_signature(session, index) and str(index) not in session["received"] else []


def held(session: dict) -> list[dict]:
    """Slots filled without a photo now: kept documents, phone signatures, the visit."""
    out = []
    for index, slot in enumerate(session["slots"]):
        got = session["received"].get(str(index)) or {}
        if got.get("kept"):
            out.append({"title": slot["title"], "note": f"已有（{got['kept']}提交）"})
        elif got.get("at_visit"):
            out.append({"title": slot["title"], "note": "到街道办理时当面签字"})
        elif got.get("signed"):
            out.append({"title": slot["title"], "note": "已在手机上签字"})
    return out


def understand(session: dict, text: str | None, command: str | None) -> Reply | None:
    """What a resident says about the papers while sending documents: where the signed forms
    are ("我没有这个表，怎么办"), 跳过 on a form to sign, "到街道签", a fresh link ("签字"),
    "这些材料我刚才发过了". None: not about these."""
    if session.get("supplement") or not text:
        return None
    said = intents.normalise(text)
    left = missing(session)
    to_sign = [i for i in left if is_signature(session, i)]
    if any(word in said for word in AT_VISIT_WORDS):
        if not to_sign:
            return status(session, hint="要签字的表格都已经办好了，不用再签。")
        for index in to_sign:
            document = signing.at_visit(session["application_id"], session["slots"][index]["item"])
            session["received"][str(index)] = {"document": document.id, "media": None, "at_visit": True}
        left = missing(session)
        return render("sign_at_visit", titles=[session["slots"][i]["title"] for i in to_sign],
                      session=session, missing=left, held=held(session),
                      links=_slot_links(session, session["current"]) if left else [])
    if command == "skip" and is_signature(session, session["current"]) and session["current"] in to_sign:
        return render("sign_skip", slot=session["slots"][session["current"]],
                      links=links(session, session["current"]))
    if to_sign and (any(word in said for word in NO_FORM_WORDS) or said in SIGN_WORDS):
        return render("sign_help", forms=[{"title": session["slots"][i]["title"],
                                           "links": links(session, i, fresh=said in SIGN_WORDS)}
                                          for i in to_sign])
    if any(word in said for word in ALREADY_WORDS):
        return render("documents_already", got=[session["slots"][int(i)]["title"]
                                                for i in sorted(session["received"], key=int)],
                      missing=[session["slots"][i]["title"] for i in left], session=session)
    return None


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
                  total=len(session["slots"]), next=session["slots"][left[0]] if left else None,
                  links=_slot_links(session, left[0] if left else None))


def choose(session: dict, number: int) -> Reply:
    if not 1 <= number <= len(session["slots"]):
        return status(session, hint=f"没有第{number}项，请回复 1 到 {len(session['slots'])} 之间的数字。")
    session["current"] = number - 1
    return render("document_pick", slot=session["slots"][number - 1],
                  again=str(number - 1) in session["received"],
                  links=[] if str(number - 1) in session["received"] else _slot_links(session, number - 1))


def status(session: dict, hint: str | None = None) -> Reply:
    left = missing(session)
    return render("documents_missing", session=session, missing=left, hint=hint, held=held(session),
                  links=_slot_links(session, session["current"]) if left else [])


def checklist(session: dict) -> Reply:
    """The whole checklist when the application opens: what is already held, what to sign on
    the phone, what to photograph, starting with the first missing one."""
    left = missing(session)
    return render("documents_checklist", session=session, missing=left, held=held(session),
                  links=_slot_links(session, session["current"]) if left else [])


def submit(session: dict) -> Reply | None:
    """Submit when nothing is missing; otherwise list everything still missing, at once."""
    if missing(session):
        return status(session, hint="材料还没有齐。")
    visit = [session["slots"][int(i)]["title"] for i, got in sorted(session["received"].items(), key=lambda kv: int(kv[0]))
             if got.get("at_visit")]
    application = review.submit(session["application_id"])
    reply = render("submitted", application=application, title=session["title"])
    return reply + render("sign_visit_reminder", titles=visit) if visit else reply


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
    Session.commit()  # this job is the edge: the message is sent once its record is stored


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
