"""Each resident's conversation, kept in the database for 7 days, and handled one message at
a time.

The conversation is saved in the turn's own transaction (the edge commits it together with
the message's new state), so an answer is never applied twice nor lost, whatever Redis does.
Messages from one resident are served under a lock of their own, which a dead request
releases at once (models.locks).

The row is read and written with prebuilt Core statements (the ORM cost more than the rest
of a turn's SQL together). A save is written when its transaction commits, and read back
until then: on SQLite a turn's writes all wait for the writer's lock (inbound.writing), and
the state is sealed (encrypted) before that lock is taken.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Text, bindparam, delete, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import Conversation, Session, locks, utcnow

from . import state

TTL = timedelta(days=7)
# After this long without a message, coming back starts with "继续上次的申请？".
RESUME_AFTER_S = 30 * 60

_TABLE = Conversation.__table__
_STATE = _TABLE.c.state.type
_READ = select(_TABLE.c.state, _TABLE.c.title, _TABLE.c.updated_at).where(_TABLE.c.openid == bindparam("openid"))
_DELETE = delete(_TABLE).where(_TABLE.c.openid == bindparam("openid"))


def _upsert(dialect_insert):
    # The state comes sealed (see _save): written as the column's stored text.
    stmt = dialect_insert(_TABLE).values(state=bindparam("sealed", type_=Text()))
    return stmt.on_conflict_do_update(index_elements=["openid"], set_={
        "state": stmt.excluded.state, "title": stmt.excluded.title, "updated_at": stmt.excluded.updated_at})


_UPSERT = {"sqlite": _upsert(sqlite_insert), "postgresql": _upsert(pg_insert)}
# Rows read during one message's handling (see remembered), and the saves the transaction
# has still to write (None: delete the row).
_SEEN, _SAVES = "conversations", "conversation_saves"


class _Row:
    __slots__ = ("state", "title", "updated_at")

    def __init__(self, state_, title, updated_at):
        self.state, self.title, self.updated_at = state_, title, updated_at


@contextmanager
def remembered():
    """Around one message's handling (bot.router.handle), under the resident's turn, where
    nothing else writes the row: it is read once, not by each of load_chat, expired_title,
    the escalation's check and save_chat. Outside, every read is fresh."""
    info = Session().info
    info[_SEEN] = {}
    try:
        yield
    finally:
        info.pop(_SEEN, None)


def _row(openid: str) -> _Row | None:
    info = Session().info
    saves, seen = info.get(_SAVES), info.get(_SEEN)
    if saves and openid in saves:
        return saves[openid][0]
    if seen is not None and openid in seen:
        return seen[openid]
    found = Session.connection().execute(_READ, {"openid": openid}).first()
    row = _Row(*found) if found is not None else None
    if seen is not None:
        seen[openid] = row
    return row


def _save(openid: str, row: _Row | None) -> None:
    info = Session().info
    sealed = None
    if row is not None:  # sealed now, outside SQLite's writer lock
        sealed = _STATE.process_bind_param(row.state, Session.connection().dialect)
    info.setdefault(_SAVES, {})[openid] = (row, sealed)


@event.listens_for(Session.session_factory, "before_commit")
def _write_saves(session) -> None:
    if session.in_nested_transaction() or not session.info.get(_SAVES):
        return  # a savepoint's commit: the saves wait for the transaction's own
    conn = session.connection()
    for openid, (row, sealed) in session.info.pop(_SAVES).items():
        if row is None:
            conn.execute(_DELETE, {"openid": openid})
        else:
            conn.execute(_UPSERT[conn.dialect.name], {"openid": openid, "sealed": sealed, "title": row.title,
                                                      "updated_at": row.updated_at})


@event.listens_for(Session.session_factory, "after_transaction_end")
def _forget(session, transaction) -> None:
    if transaction.parent is None:  # rolled back (or written and committed): nothing to save
        session.info.pop(_SAVES, None)


def load_chat(openid: str) -> dict:
    """The resident's conversation (bot/state.py), empty when none or expired."""
    row = _row(openid)
    if row is None or row.updated_at < utcnow() - TTL:
        return state.empty()
    return state.upgrade(dict(row.state))


def save_chat(openid: str, chat: dict) -> None:
    """Saved with the caller's transaction: the caller commits. No open work, no row."""
    if not chat["contexts"]:
        if _row(openid) is not None:
            _save(openid, None)
        return
    chat["updated_at"] = time.time()
    current = state.active(chat) or {}
    _save(openid, _Row(dict(chat), current.get("title"), utcnow()))


def load(openid: str) -> dict | None:
    """The active context (the form or documents the resident is at), for tools and tests."""
    return state.active(load_chat(openid))


def applying(openid: str) -> bool:
    """Has the resident a conversation with open work (a form, documents to send)?"""
    row = _row(openid)
    return row is not None and row.updated_at >= utcnow() - TTL


def expired_title(openid: str) -> str | None:
    """The title of an application left unfinished past 7 days, said once."""
    row = _row(openid)
    if row is None or row.updated_at >= utcnow() - TTL:
        return None
    _save(openid, None)
    return row.title or ""


@contextmanager
def turn(openid: str, wait_s: float = 10.0):
    """Serve this resident's messages one at a time. Yields False when another turn held on
    for longer than `wait_s` (the caller then leaves the message to that turn's owner)."""
    with locks.held(f"bot-turn:{openid}", wait_s) as got:
        yield got
