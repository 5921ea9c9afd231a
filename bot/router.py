"""Which reply for which message: commands anywhere, the menu, keywords, then the form or the
document collection the resident is in. Menu keys and the welcome come from bot/menu.yaml."""
from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

import yaml

import employment.chat
import forms
from channels import media, outbound, push
from channels.inbound import InboundEvent


from . import conversation, documents, drafts, escalate, faq, intents, profile, state
from . import session as sessions
from . import verdict as verdicts
from .reply import Reply, render, split


@lru_cache(maxsize=1)
def menu() -> dict:
    return yaml.safe_load((Path(__file__).parent / "menu.yaml").read_text(encoding="utf-8"))


def menu_names() -> dict[str, str]:
    return {item["key"]: item["name"] for button in menu()["button"]
            for item in button.get("sub_button", [button]) if "key" in item}


def handle(event: InboundEvent) -> Reply | None:
    """The reply to one message. The caller holds the resident's turn and commits the
    conversation together with the message's outcome (bot.turns)."""
    case = escalate.follow_up(event)  # an open case the resident asked for: staff take it from here
    if case is not None:
        return case
    if event.kind == "event" and event.event != "click":
        return on_event(event)
    with sessions.remembered():
        chat = sessions.load_chat(event.openid)
        reply = converse(event, chat)
        sessions.save_chat(event.openid, chat)
    return reply


def on_event(event: InboundEvent) -> Reply | None:
    if event.event == "subscribe":
        outbound.opt_in(event.openid)
        return render("welcome")
    if event.event == "unsubscribe":
        outbound.opt_out(event.openid)
        return None  # nothing is sent to a resident who left
    return None  # view (a link opened), scan, location reports: nothing to say


def converse(event: InboundEvent, chat: dict) -> Reply:
    text = event.text if event.kind in ("text", "voice") else None
    if event.kind == "voice" and not text:
        return render("voice_unclear")
    command = intents.command(text) if text else None
    if event.kind == "event":  # a menu click
        return on_click(event, chat)

    if command == "human":
        return escalate.to_staff(event, state.active(chat) or {}, "human")
    if command == "progress":
        return escalate.progress(event.openid)
    if command == "jobs":
        return Reply(split(employment.chat.current(event.openid)))
    if text and (said := employment.chat.respond(event.openid, text)) is not None:  # 感兴趣 2 / 不合适 2
        return Reply(split(said))
    if command == "unsubscribe":  # pushes (job openings …) stop at once; news of applications does not
        push.opt_out("wechat", openid=event.openid, source="chat")
        return render("unsubscribed")
    if command == "help":
        context = state.active(chat)
        return render("help", title=context["title"] if context else None)
    if command == "cancel":
        return cancel(chat)
    if intents.normalise(text or "") in escalate.RESUME_WORDS:  # back from a case to the application
        context = state.active(chat)
        return render("switched", now=state.label(context), others=[]) + again(chat, context) if context \
            else render("help", title=None)
    if command == "restart":
        context = state.active(chat)
        if context and context["form"] in {f.id for f in forms.all_forms()}:
            return conversation.start(chat, context["form"], event.openid)
        return render("help", title=None)

    switched = requested_documents(event, chat, text, command) or named_context(chat, text)
    context = state.active(chat)
    if context is None:
        return idle(event, chat, text)
    if switched is not None and event.kind != "image":
        return switched  # "我是要补低保的材料": where we are now, what is next
    stage = state.Stage(context["stage"])
    if stage != state.Stage.RESUME and \
            time.time() - chat.get("updated_at", time.time()) > sessions.RESUME_AFTER_S:
        context["resume_stage"] = stage.value
        state.set_stage(context, state.Stage.RESUME)
        return render("resume", title=context["title"])
    question = faq_answer(text, command, context, stage)
    if question is not None:
        return question
    if text and intents.urgent(text):
        # Staff take the conversation from here (bot/escalate.follow_up): the next form question
        # would only mislead; 继续申请 comes back to it.
        return escalate.to_staff(event, context, "urgent")
    reply = HANDLERS[stage](event, chat, context, text, command)
    if switched is not None:
        reply = switched + reply
    return reply


def faq_answer(text: str | None, command: str | None, context: dict, stage: state.Stage) -> Reply | None:
    """A question mid-form ("什么是低保", "为什么要问这个") is answered, then the same
    question asked again; it counts neither as an answer nor as a wrong one."""
    if not text or (command and command != "why") or intents.urgent(text):
        return None
    if stage == state.Stage.FORM:
        # A bare 为什么 while a question waits asks why that question is asked.
        asked = "为什么要问这个" if command == "why" else text
        reply = faq.answer(asked, context["form"], conversation.current(context))
        return reply + conversation.ask(context) if reply is not None else None
    if stage in (state.Stage.CONFIRM, state.Stage.EDIT_PICK, state.Stage.PROFILE):  # documents: in_documents
        reply = faq.answer(text, context["form"])
        return reply + again({}, context) if reply is not None else None
    return None


def requested_documents(event: InboundEvent, chat: dict, text: str | None, command: str | None) -> Reply | None:
    """Staff asked for documents of an application: a photo, 补充 or 提交 goes to that
    application (and the resident is told), whatever else is open."""
    wants = event.kind == "image" or (text and (command == "submit" or "补充" in text or
                                                ("补" in text and "材料" in text)))  # not 困难补助
    context = state.active(chat)
    if not wants or (context and context.get("supplement")):
        return None
    if event.kind == "image" and context and context.get("stage") == state.Stage.FORM:
        question = conversation.current(context)
        if question is not None and question.field.type == "image":
            return None  # the form itself asks for a photo now
    return documents.reopen(chat, event.openid, others=bool(context))


def named_context(chat: dict, text: str | None) -> Reply | None:
    """The resident names another open piece of work ("我是要补低保的材料", "继续教育救助")."""
    if not text or not chat["order"]:
        return None
    form_id = intents.form_for(text)
    current = state.active(chat)
    if form_id and current and current["form"] == form_id and "继续" in text:
        return render("switched", now=state.label(current), others=[]) + again(chat, current)
    for context in state.others(chat):
        if form_id and (context["form"] == form_id or context.get("programme") == form_id):
            state.switch(chat, context["key"])
            return render("switched", now=state.label(context),
                          others=[state.label(c) for c in state.others(chat)]) + again(chat, context)
    return None


def on_click(event: InboundEvent, chat: dict) -> Reply:
    key = event.key or ""
    if key.startswith("APPLY_"):
        form_id = key.removeprefix("APPLY_").lower()
        if form_id in {f.id for f in forms.all_forms()}:
            return start_form(chat, form_id, event.openid)
    if key == "PROGRESS":
        return escalate.progress(event.openid)
    if key == "JOBS":
        return Reply(split(employment.chat.current(event.openid)))
    if key == "HUMAN":
        return escalate.to_staff(event, state.active(chat) or {}, "human")
    name = menu_names().get(key)
    return render("menu_click", name=name or key, available=False)


def start_form(chat: dict, form_id: str, openid: str | None = None) -> Reply:
    """A form from the menu or the resident's words: its draft again if one is open."""
    if form_id in chat["contexts"]:
        context = state.switch(chat, form_id)
        return render("switched", now=state.label(context), others=[]) + again(chat, context)
    return conversation.start(chat, form_id, openid)


def idle(event: InboundEvent, chat: dict, text: str | None) -> Reply:
    expired = sessions.expired_title(event.openid)
    if text and intents.urgent(text):
        return escalate.to_staff(event, {}, "urgent")
    if text and (answer := faq.answer(text)) is not None:  # "低保是什么" asks; it applies for nothing
        return answer
    if text and (form_id := intents.form_for(text)):
        reply = start_form(chat, form_id, event.openid)
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


def in_resume(event: InboundEvent, chat: dict, context: dict, text: str | None, command: str | None) -> Reply:
    said = intents.normalise(text or "")
    if said in ("1", "继续", "是", "好"):
        state.set_stage(context, context.pop("resume_stage"))
        return again(chat, context)
    if said in ("2", "重新开始", "不", "否") and not context.get("application_id"):
        return conversation.start(chat, context["form"], event.openid)
    return render("resume", title=context["title"])


def again(chat: dict, context: dict) -> Reply:
    """Say where the resident was: the question, the summary, or the documents still missing."""
    stage = state.Stage(context["stage"])
    if stage == state.Stage.PROFILE:
        return profile.again(context)
    if stage == state.Stage.DOCUMENTS:
        return documents.status(context)
    if stage == state.Stage.CONFIRM:
        return conversation.summary(context)
    if stage == state.Stage.EDIT_PICK:
        return conversation.choose_edit(context)
    return conversation.ask(context)


def cancel(chat: dict) -> Reply:
    """Cancel the active piece of work only; another open one carries on."""
    context = state.active(chat)
    if context is None:
        return render("cancelled", title=None, next=None)
    following = state.close(chat, context["key"])
    return render("cancelled", title=context.get("title"), next=state.label(following) if following else None)


def in_form(event: InboundEvent, chat: dict, context: dict, text: str | None, command: str | None) -> Reply:
    if command == "back":
        return conversation.back(context)
    if command == "edit":
        return conversation.choose_edit(context)
    if command == "skip":
        return conversation.skip(context)
    question = conversation.current(context)
    if event.kind == "image" and question is not None and question.field.type == "image":
        media.request_download(event.openid, event.media_id, inbound_id=event.inbound_id)
        return conversation.answer(context, value={"media_id": event.media_id})
    if event.kind == "location" and question is not None and question.field.type == "location":
        return conversation.answer(context, value={"lat": event.latitude, "lng": event.longitude,
                                                   "label": event.label or ""})
    if text is None:
        return conversation.ask(context, hint="这一题请用文字回答。")
    return conversation.answer(context, text=text)


def in_edit_pick(event: InboundEvent, chat: dict, context: dict, text: str | None, command: str | None) -> Reply:
    if command == "back":
        return conversation.back(context)
    return conversation.pick_edit(context, text or "")


def in_confirm(event: InboundEvent, chat: dict, context: dict, text: str | None, command: str | None) -> Reply:
    if command == "back":
        return conversation.back(context)
    if command == "edit":
        return conversation.choose_edit(context)
    if command in ("confirm", "submit"):
        return finish(event, chat, context)
    return conversation.summary(context)


def in_documents(event: InboundEvent, chat: dict, context: dict, text: str | None, command: str | None) -> Reply:
    understood = documents.understand(context, text, command)  # 我没有这个表 / 到街道签 / 跳过 …
    if understood is not None:
        return understood
    if text and not command and (answer := faq.answer(text, context["form"])) is not None:
        return answer + documents.status(context)
    if event.kind == "image" and event.media_id:
        reply = documents.on_photo(context, event.openid, event.media_id, event.inbound_id)
        if context.get("done"):  # the last requested document: this piece of work is over
            return reply + _carry_on(chat, context)
        return reply
    if command == "submit" and not context.get("supplement"):
        reply = documents.submit(context)
        if not documents.missing(context):
            return reply + _carry_on(chat, context)
        return reply
    if command == "why" and context.get("verdict"):
        return verdicts.why(context["form"], context["verdict"], context["answers"])
    said = intents.normalise(text or "")
    if said.isdigit():
        return documents.choose(context, int(said))
    return documents.status(context, hint=None if command == "missing" else "请把材料拍照发给我。")


def _carry_on(chat: dict, context: dict) -> Reply:
    """Close a finished context; remind the resident of the one now active, if any."""
    following = state.close(chat, context["key"])
    if following is None:
        return Reply([])
    return render("switched", now=state.label(following), others=[]) + again(chat, following)


def in_profile(event: InboundEvent, chat: dict, context: dict, text: str | None, command: str | None) -> Reply:
    return profile.on_reply(context, text or "")


def in_done(event: InboundEvent, chat: dict, context: dict, text: str | None, command: str | None) -> Reply:
    """The verdict was the last word: anything but 为什么 starts afresh."""
    if command == "why":
        return verdicts.why(context["form"], context["verdict"], context["answers"])
    state.close(chat, context["key"])
    return converse(event, chat)


HANDLERS = {
    state.Stage.PROFILE: in_profile,
    state.Stage.DONE: in_done,
    state.Stage.FORM: in_form,
    state.Stage.EDIT_PICK: in_edit_pick,
    state.Stage.CONFIRM: in_confirm,
    state.Stage.DOCUMENTS: in_documents,
    state.Stage.RESUME: in_resume,
}


def finish(event: InboundEvent, chat: dict, context: dict) -> Reply:
    """Confirmed: the rules' verdict, and for an application the whole checklist at once. The
    filing itself is bot.drafts.file, which the mini-program's verdict uses too."""
    filed = drafts.file(chat, context, event.openid)
    form_id, answers, verdict = context["form"], context["answers"], filed["verdict"]
    if filed["clue"] is not None:
        return render("clue_received", urgent=answers.get("urgency") == "urgent")
    if filed.get("seeker") is not None:
        registered = Reply(split(employment.chat.registered(filed["seeker"])))
        return registered + Reply(verdicts.message(form_id, verdict, "jiuye", [], answers).texts[:1])
    if filed["programme"] is None:
        return verdicts.message(form_id, verdict, None, [], answers)
    still = [context["slots"][i] for i in documents.missing(context)]  # what the next step asks for
    first = verdicts.message(form_id, verdict, filed["programme"], still or filed["checklist"], answers).texts[:1]
    # The checklist as it stands once kept documents are attached: "已有（3月12日提交）", the
    # papers to sign on the phone, the first one still missing.
    return Reply(first + documents.checklist(context).texts)
