"""Which reply for which message: commands anywhere, the menu, keywords, then the form or the
document collection the resident is in. Menu keys and the welcome come from bot/menu.yaml."""
from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

import yaml

import forms
from channels import media, outbound
from channels.inbound import InboundEvent

import review

from . import conversation, documents, escalate, intents
from . import session as sessions
from . import verdict as verdicts
from .reply import Reply, render


@lru_cache(maxsize=1)
def menu() -> dict:
    return yaml.safe_load((Path(__file__).parent / "menu.yaml").read_text(encoding="utf-8"))


def menu_names() -> dict[str, str]:
    return {item["key"]: item["name"] for button in menu()["button"]
            for item in button.get("sub_button", [button]) if "key" in item}


def handle(event: InboundEvent) -> Reply | None:
    """The reply to one message. The caller holds the resident's turn and commits the
    conversation together with the message's outcome (bot.turns)."""
    if event.kind == "event" and event.event != "click":
        return on_event(event)
    session = sessions.load(event.openid) or {}
    reply = converse(event, session)
    if session.get("ended"):
        sessions.clear(event.openid)
    elif session.get("form"):
        sessions.save(event.openid, session)
    return reply


def on_event(event: InboundEvent) -> Reply | None:
    if event.event == "subscribe":
        outbound.opt_in(event.openid)
        return render("welcome")
    if event.event == "unsubscribe":
        outbound.opt_out(event.openid)
        return None  # nothing is sent to a resident who left
    return None  # view (a link opened), scan, location reports: nothing to say


def converse(event: InboundEvent, session: dict) -> Reply:
    text = event.text if event.kind in ("text", "voice") else None
    if event.kind == "voice" and not text:
        return render("voice_unclear")
    command = intents.command(text) if text else None
    if event.kind == "event":  # a menu click
        return on_click(event, session)

    if command == "human":
        return escalate.to_staff(event, session, "human")
    if command == "progress":
        return escalate.progress(event.openid)
    if command == "help":
        return render("help", title=session.get("title") if session.get("form") else None)
    if command == "cancel":
        return cancel(session)
    if command == "restart":
        if session.get("form") in {f.id for f in forms.all_forms()}:
            return conversation.start(session, session["form"])
        return render("help", title=None)

    if not session.get("form"):
        return idle(event, session, text)
    if session.get("stage") == "resume":
        return resume(event, session, text)
    if time.time() - session.get("updated_at", time.time()) > sessions.RESUME_AFTER_S:
        session["resume_stage"], session["stage"] = session["stage"], "resume"
        return render("resume", title=session["title"])
    reply = in_form(event, session, text, command)
    if text and intents.urgent(text):
        reply = escalate.to_staff(event, session, "urgent") + reply
    return reply


def on_click(event: InboundEvent, session: dict) -> Reply:
    key = event.key or ""
    if key.startswith("APPLY_"):
        form_id = key.removeprefix("APPLY_").lower()
        if form_id in {f.id for f in forms.all_forms()}:
            return conversation.start(session, form_id)
    if key == "PROGRESS":
        return escalate.progress(event.openid)
    if key == "HUMAN":
        return escalate.to_staff(event, session, "human")
    name = menu_names().get(key)
    return render("menu_click", name=name or key, available=False)


def idle(event: InboundEvent, session: dict, text: str | None) -> Reply:
    if event.kind == "image" or (text and intents.command(text) == "submit") or (text and "补充" in text):
        reopened = documents.reopen(session, event.openid)
        if reopened is not None:
            if event.kind == "image":  # the photo they just sent is the first of the requested items
                return documents.on_photo(session, event.openid, event.media_id, event.inbound_id)
            return reopened
    expired = sessions.expired_title(event.openid)
    if text and intents.urgent(text):
        return escalate.to_staff(event, session, "urgent")
    if text and (form_id := intents.form_for(text)):
        reply = conversation.start(session, form_id)
        return render("expired", title=expired) + reply if expired else reply
    if expired:
        return render("expired", title=expired)
    if event.kind == "image" and event.media_id:
        media.request_download(event.openid, event.media_id, inbound_id=event.inbound_id)
        return render("image_received")
    if event.kind == "location":
        return render("location_received", label=event.label)
    if event.kind == "link":
        return render("link_received", title=event.text or "")
    if event.kind == "video":
        return render("video_received")
    if event.kind == "unknown":
        return render("unsupported")
    return render("not_understood", text=text or "")


def resume(event: InboundEvent, session: dict, text: str | None) -> Reply:
    said = intents.normalise(text or "")
    if said in ("1", "继续", "是", "好"):
        session["stage"] = session.pop("resume_stage")
        return again(session)
    if said in ("2", "重新开始", "不", "否"):
        return conversation.start(session, session["form"])
    return render("resume", title=session["title"])


def again(session: dict) -> Reply:
    """Say where the resident was: the question, the summary, or the documents still missing."""
    stage = session["stage"]
    if stage == "documents":
        return documents.status(session)
    if stage == "confirm":
        return conversation.summary(session)
    if stage == "edit_pick":
        return conversation.choose_edit(session)
    return conversation.ask(session)


def cancel(session: dict) -> Reply:
    title = session.get("title")
    session.clear()
    session["ended"] = True
    return render("cancelled", title=title)


def in_form(event: InboundEvent, session: dict, text: str | None, command: str | None) -> Reply:
    stage = session["stage"]
    if stage == "documents":
        return in_documents(event, session, text, command)
    if stage == "done":
        session.clear()
        session["ended"] = True
        return idle(event, session, text)
    if command == "back":
        return conversation.back(session)
    if command == "edit":
        return conversation.choose_edit(session)
    if stage == "edit_pick":
        return conversation.pick_edit(session, text or "")
    if stage == "confirm":
        if command in ("confirm", "submit"):
            return finish(event, session)
        return conversation.summary(session)
    if command == "skip":
        return conversation.skip(session)
    question = conversation.current(session)
    if event.kind == "image" and question is not None and question.field.type == "image":
        media.request_download(event.openid, event.media_id, inbound_id=event.inbound_id)
        return conversation.answer(session, value={"media_id": event.media_id})
    if event.kind == "location" and question is not None and question.field.type == "location":
        return conversation.answer(session, value={"lat": event.latitude, "lng": event.longitude,
                                                   "label": event.label or ""})
    if text is None:
        return conversation.ask(session, hint="这一题请用文字回答。")
    return conversation.answer(session, text=text)


def in_documents(event: InboundEvent, session: dict, text: str | None, command: str | None) -> Reply:
    if event.kind == "image" and event.media_id:
        return documents.on_photo(session, event.openid, event.media_id, event.inbound_id)
    if command == "submit" and not session.get("supplement"):
        reply = documents.submit(session)
        if not documents.missing(session):
            session["ended"] = True
        return reply
    said = intents.normalise(text or "")
    if said.isdigit():
        return documents.choose(session, int(said))
    return documents.status(session, hint=None if command == "missing" else "请把材料拍照发给我。")


def finish(event: InboundEvent, session: dict) -> Reply:
    """Confirmed: the rules' verdict, and for an application the whole checklist at once."""
    form_id, answers = session["form"], session["answers"]
    if form_id == "xiansuo":
        review.intake.report_clue(event.openid, answers)
        session["stage"] = "done"
        return render("clue_received", urgent=answers.get("urgency") == "urgent")
    verdict = verdicts.assess(form_id, answers)
    session["verdict"] = verdict
    programme = verdicts.programme(form_id, verdict)
    if programme is None:
        session["stage"] = "done"
        return verdicts.message(form_id, verdict, None, [])
    labels = ["您本人"] + [f"第{i + 1}位家庭成员" for i in range(1, len(answers.get("members") or []))]
    checklist = verdicts.slots(verdict, labels)
    application = review.intake.open_draft(event.openid, form_id, programme, answers,
                                           verdicts.situation(form_id, answers), verdict, verdict["documents"])
    documents.begin(session, application.id, checklist)
    return verdicts.message(form_id, verdict, programme, checklist)
