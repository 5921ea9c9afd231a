"""Inbound messages: stored before anything else, de-duplicated by the channel's own id.

WeChat redelivers a message up to three times when it has no answer within 5 seconds. The
first delivery to insert its row wins and is handled; every copy (also one arriving at the
same moment) gets the same reply body, shared through Redis and kept on the row.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from models import InboundMessage, Resident, Session, kv, utcnow

REPLY_TTL_S = 3600


@dataclass
class InboundEvent:
    """A message or event from any channel, as plain data: what the bot sees."""

    openid: str
    kind: str  # text, image, voice, video, location, link, event, unknown
    dedupe_key: str
    event: str | None = None  # subscribe, unsubscribe, click, view, scan, location
    text: str | None = None  # text, voice recognition, link title
    key: str | None = None  # menu key, scene
    media_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    label: str | None = None
    url: str | None = None
    channel: str = "wechat"
    raw: dict = field(default_factory=dict)
    inbound_id: int | None = None


_INBOUND = InboundMessage.__table__
_RESIDENTS = Resident.__table__
# Built once: constructing statements per message cost more than executing them.
_INSERT_INBOUND = insert(_INBOUND).returning(_INBOUND.c.id)
_TOUCH_RESIDENT = (update(_RESIDENTS).where(_RESIDENTS.c.openid == bindparam("who"))
                   .values(last_inbound_at=bindparam("now")))
_FINISH = (update(_INBOUND).where(_INBOUND.c.id == bindparam("inbound_id"))
           .values(reply=bindparam("body"), state=bindparam("new_state"), handled_at=bindparam("now")))
_ADD_RESIDENT = {
    "sqlite": sqlite_insert(_RESIDENTS).on_conflict_do_nothing(index_elements=["openid"]),
    "postgresql": pg_insert(_RESIDENTS).on_conflict_do_nothing(index_elements=["openid"]),
}


def store(event: InboundEvent) -> bool:
    """Insert the message; False when it was delivered before (a retry).

    The resident's row is created or touched in the same transaction: every message reopens
    the 48-hour customer-service window.
    """
    now = utcnow()
    conn = Session.connection()
    try:
        inbound_id = conn.execute(_INSERT_INBOUND, {
            "dedupe_key": event.dedupe_key, "channel": event.channel, "openid": event.openid,
            "msg_type": event.kind, "event": event.event, "payload": event.raw, "received_at": now,
            "state": "received"}).scalar_one()
    except IntegrityError:
        Session.rollback()
        return False
    conn.execute(_ADD_RESIDENT[conn.dialect.name], {"openid": event.openid, "subscribed": True, "created_at": now})
    if event.event != "unsubscribe":
        conn.execute(_TOUCH_RESIDENT, {"who": event.openid, "now": now})
    try:
        Session.commit()
    except IntegrityError:  # the same message committed by a concurrent delivery first
        Session.rollback()
        return False
    event.inbound_id = inbound_id
    return True


def _reply_key(dedupe_key: str) -> str:
    return f"wechat:reply:{dedupe_key}"


def finish(event: InboundEvent, body: str, state: str = "handled") -> None:
    """Keep the reply so that every redelivery gets exactly the same body."""
    kv.client().set(_reply_key(event.dedupe_key), body, ex=REPLY_TTL_S)
    Session.connection().execute(_FINISH, {"inbound_id": event.inbound_id, "body": body, "new_state": state,
                                           "now": utcnow()})
    Session.commit()


def mark(inbound_id: int, state: str) -> None:
    Session.execute(update(InboundMessage).where(InboundMessage.id == inbound_id).values(state=state))
    Session.commit()


def reply_for_retry(dedupe_key: str, wait_s: float) -> str | None:
    """The first delivery's reply, waiting up to `wait_s` while it is still being handled."""
    stored = Session.scalar(select(InboundMessage.reply).where(InboundMessage.dedupe_key == dedupe_key))
    Session.commit()
    if stored is not None:
        return stored
    deadline = time.monotonic() + wait_s
    redis = kv.client()
    while True:
        body = redis.get(_reply_key(dedupe_key))
        if body is not None:
            return body.decode()
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)
