"""The chat's state, explicit: a resident's conversation holds one context per open piece of
work (a form being filled, an application's documents, documents staff asked for), one of
them active; each context is at one stage, and each stage has one handler (bot/router.py's
HANDLERS), as review/lifecycle.py does for applications.

Stored as plain JSON (bot/session.py keeps it in the database):

    {"contexts": {KEY: CONTEXT, ...}, "order": [KEY, ...], "active": KEY | None}

A CONTEXT is {"key", "form", "title", "stage", "answers", ...}: the form's answers while
it is filled, then the application and its document slots. KEY is the form id for a draft
("dibao") and "supplement:<application id>" for documents staff asked for, so a resident
has at most one draft per form and one supplement per application.
"""
from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    FORM = "form"  # answering the form's questions
    EDIT_PICK = "edit_pick"  # choosing which answer to change
    CONFIRM = "confirm"  # the summary, waiting for 确认
    DOCUMENTS = "documents"  # sending a photo per checklist slot, then 提交
    RESUME = "resume"  # back after a pause: continue or start over?
    DONE = "done"  # the verdict was given and nothing is filed: only 为什么 is still about it
    PROFILE = "profile"  # "上次登记的家庭情况还对吗？": the household's answers offered again


# How each stage may move on, for the reader and for checks in tests.
TRANSITIONS = {
    Stage.FORM: {Stage.FORM, Stage.CONFIRM, Stage.EDIT_PICK, Stage.RESUME},
    Stage.EDIT_PICK: {Stage.FORM, Stage.EDIT_PICK, Stage.CONFIRM, Stage.RESUME},
    Stage.CONFIRM: {Stage.CONFIRM, Stage.FORM, Stage.EDIT_PICK, Stage.DOCUMENTS, Stage.RESUME},
    Stage.DOCUMENTS: {Stage.DOCUMENTS, Stage.RESUME},
    Stage.DONE: set(),  # the next message closes the context
    Stage.PROFILE: {Stage.FORM, Stage.CONFIRM, Stage.EDIT_PICK, Stage.RESUME},
    Stage.RESUME: set(Stage),
}


def empty() -> dict:
    return {"contexts": {}, "order": [], "active": None}


def upgrade(data: dict | None) -> dict:
    """A stored conversation in today's shape (one written before contexts becomes one)."""
    if not data:
        return empty()
    if "contexts" in data:
        return data
    chat = empty()
    if data.get("form") and data.get("stage") in set(Stage):
        key = supplement_key(data["application_id"]) if data.get("supplement") else data["form"]
        add(chat, dict(data, key=key))
        if "updated_at" in data:
            chat["updated_at"] = data["updated_at"]
    return chat


def supplement_key(application_id: int) -> str:
    return f"supplement:{application_id}"


def active(chat: dict) -> dict | None:
    key = chat.get("active")
    return chat["contexts"].get(key) if key else None


def contexts(chat: dict) -> list[dict]:
    return [chat["contexts"][key] for key in chat["order"] if key in chat["contexts"]]


def add(chat: dict, context: dict) -> dict:
    """Open (or replace) a context and make it the active one."""
    key = context["key"]
    chat["contexts"][key] = context
    if key in chat["order"]:
        chat["order"].remove(key)
    chat["order"].append(key)
    chat["active"] = key
    return context


def switch(chat: dict, key: str) -> dict:
    chat["active"] = key
    return chat["contexts"][key]


def close(chat: dict, key: str) -> dict | None:
    """Drop one context; the most recent other one becomes active. Returns it (or None)."""
    chat["contexts"].pop(key, None)
    if key in chat["order"]:
        chat["order"].remove(key)
    chat["active"] = chat["order"][-1] if chat["order"] else None
    return active(chat)


def label(context: dict) -> str:
    """How the resident knows which piece of work a reply is about."""
    if context.get("application_id"):
        return f"{context['title']}（编号{context['application_id']}）"
    return context["title"]


def others(chat: dict) -> list[dict]:
    """The open contexts besides the active one."""
    return [c for c in contexts(chat) if c["key"] != chat.get("active")]


def set_stage(context: dict, stage: Stage) -> None:
    context["stage"] = Stage(stage).value
