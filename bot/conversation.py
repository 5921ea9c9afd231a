"""Walking a form one question at a time: ask, check, go back, change, confirm.

A context of the conversation (bot/state.py) holds the form id and the answers in the shape forms/ defines;
forms/ decides which question comes next, so the chat, the mini-program and the console
agree on every rule of the form.
"""
from __future__ import annotations

import forms
from models.pii import mask

from . import profile, state
from .reply import Reply, render

MAX_FAILURES = 3


def start(chat: dict, form_id: str, openid: str | None = None) -> Reply:
    """A new draft of `form_id` (replacing an older one of the same form), made active; a
    known household is offered its answers again (bot/profile.py) instead of the questions."""
    form = forms.get(form_id)
    others = [state.label(c) for c in state.contexts(chat) if c["key"] != form_id]
    context = state.add(chat, {"key": form_id, "form": form_id, "title": form.title,
                               "stage": state.Stage.FORM.value, "answers": {}, "failures": {}})
    offered = profile.offer(context, openid) if openid else None
    return render("form_start", title=form.title, description=form.description or "", others=others) + \
        (offered or ask(context))


def form_of(session: dict):
    return forms.get(session["form"])


def current(session: dict):
    """The question being asked: the one chosen to change, else the next unanswered one."""
    form = form_of(session)
    if session.get("editing"):
        for question in forms.applicable(form, session["answers"]):
            if list(question.path) == session["editing"]:
                return question
        session.pop("editing")
    return forms.next_question(form, session["answers"])


def ask(session: dict, hint: str | None = None, note: str | None = None) -> Reply:
    """The current question; `note` says how the last answer was understood ("已按 1,500 元记录")."""
    question = current(session)
    if question is None:
        state.set_stage(session, state.Stage.CONFIRM)
        reply = summary(session)
        return render("note", note=note) + reply if note else reply
    state.set_stage(session, state.Stage.FORM)
    return render("question", q=question, field=question.field, hint=hint, note=note,
                  options=_options(question.field))


def _options(field) -> list[str]:
    if field.type == "choice":
        return [option.label for option in field.options]
    return []


def answer(session: dict, text: str | None = None, value=None) -> Reply:
    """Take an answer (text from the chat, or a value from a photo or a location)."""
    question = current(session)
    if question is None:
        return summary(session)
    key = ".".join(str(p) for p in question.path)
    try:
        answered = forms.answer_noted(form_of(session), session["answers"], question.path,
                                      value if value is not None else text)
    except forms.AnswerError as err:
        failures = session["failures"].get(key, 0) + 1
        session["failures"][key] = failures
        if failures >= MAX_FAILURES:
            return render("too_many_failures", reason=str(err), optional=not question.field.required)
        return ask(session, hint=str(err))
    session["answers"] = answered.answers
    session["failures"].pop(key, None)
    # After a change, the walk resumes at the first question still unanswered: new ones the
    # change made apply, or else the summary.
    session.pop("editing", None)
    return ask(session, note=answered.note)


def skip(session: dict) -> Reply:
    question = current(session)
    if question is None:
        return summary(session)
    try:
        session["answers"] = forms.skip(form_of(session), session["answers"], question.path)
    except forms.AnswerError as err:
        return ask(session, hint=str(err))
    session.pop("editing", None)
    return ask(session)


def back(session: dict) -> Reply:
    session.pop("editing", None)
    session["answers"] = forms.back(form_of(session), session["answers"])
    return ask(session)


def answered(session: dict) -> list:
    return [q for q in forms.applicable(form_of(session), session["answers"]) if q.answered]


def summary(session: dict) -> Reply:
    state.set_stage(session, state.Stage.CONFIRM)
    return render("summary", title=session["title"],
                  lines=[(q.prompt, display(q)) for q in answered(session)])


def choose_edit(session: dict) -> Reply:
    state.set_stage(session, state.Stage.EDIT_PICK)
    return render("edit_pick", lines=[(q.prompt, display(q)) for q in answered(session)], hint=None)


def pick_edit(session: dict, text: str) -> Reply:
    questions = answered(session)
    try:
        number = int(text.strip())
    except ValueError:
        number = 0
    if not 1 <= number <= len(questions):
        return render("edit_pick", lines=[(q.prompt, display(q)) for q in questions],
                      hint=f"请回复 1 到 {len(questions)} 之间的数字。")
    session["editing"] = list(questions[number - 1].path)
    return ask(session)


def display(question) -> str:
    field, value = question.field, question.value
    if value is None:
        return "（跳过）"
    if question.is_count:
        return f"{value}{field.unit or '人'}"
    if field.type == "yesno":
        return "是" if value else "否"
    if field.type == "choice":
        labels = {o.value: o.label for o in field.options}
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(v, str(v)) for v in values)
    if field.type == "money":
        return f"{value}元"
    if field.type == "image":
        return "已发送照片"
    if field.type == "location":
        return value.get("label") or "已发送位置"
    if field.type in ("id_number", "phone"):
        return mask(str(value))
    return f"{value}{field.unit or ''}"
