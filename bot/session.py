"""Each resident's conversation, kept in the database for 7 days, and handled one message at
a time.

The conversation is saved in the turn's own transaction (the edge commits it together with
the message's new state), so an answer is never applied twice nor lost, whatever Redis does.
Messages from one resident are served under a lock of their own, which a dead request
releases at once (models.locks).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

from models import Conversation, Session, locks, utcnow

from . import state

TTL = timedelta(days=7)
# After this long without a message, coming back starts with "继续上次的申请？".
RESUME_AFTER_S = 30 * 60


_ABSENT = object()


@contextmanager
def remembered():
    """Around one message's handling (bot.router.handle): the conversation's row is looked
    up once, not by each of load_chat, expired_title and save_chat. Session.get finds a
    loaded row in the identity map, but a resident without a conversation cost a SELECT each
    time. Only valid under the resident's turn, where nothing else writes the row."""
    info = Session().info
    info["conversations"] = {}
    try:
        yield
    finally:
        info.pop("conversations", None)


def _row(openid: str) -> Conversation | None:
    known = Session().info.get("conversations")
    if known is None:
        return Session.get(Conversation, openid)
    row = known.get(openid, _ABSENT)
    if row is _ABSENT:
        row = known[openid] = Session.get(Conversation, openid)
    return row


def _remember(openid: str, row: Conversation | None) -> None:
    known = Session().info.get("conversations")
    if known is not None:
        known[openid] = row


def load_chat(openid: str) -> dict:
    """The resident's conversation (bot/state.py), empty when none or expired."""
    row = _row(openid)
    if row is None or row.updated_at < utcnow() - TTL:
        return state.empty()
    return state.upgrade(dict(row.state))


def save_chat(openid: str, chat: dict) -> None:
    """Saved with the caller's transaction: the caller commits. No open work, no row."""
    row = _row(openid)
    if not chat["contexts"]:
        if row is not None:
            Session.delete(row)
            _remember(openid, None)
        return
    chat["updated_at"] = time.time()
    if row is None:
        row = Conversation(openid=openid)
        Session.add(row)
        _remember(openid, row)
    current = state.active(chat) or {}
    row.state, row.title, row.updated_at = dict(chat), current.get("title"), utcnow()


def load(openid: str) -> dict | None:
    """The active context (the form or documents the resident is at), for tools and tests."""
    return state.active(load_chat(openid))


def expired_title(openid: str) -> str | None:
    """The title of an application left unfinished past 7 days, said once."""
    row = _row(openid)
    if row is None or row.updated_at >= utcnow() - TTL:
        return None
    Session.delete(row)
    _remember(openid, None)
    return row.title or ""


@contextmanager
def turn(openid: str, wait_s: float = 10.0):
    """Serve this resident's messages one at a time. Yields False when another turn held on
    for longer than `wait_s` (the caller then leaves the message to that turn's owner)."""
    with locks.held(f"bot-turn:{openid}", wait_s) as got:
        yield got
