"""Inbound messages: stored before anything else, de-duplicated by the channel's own id.

WeChat redelivers a message up to three times when it has no answer within 5 seconds. The
first delivery to insert its row wins and is handled; every copy (also one arriving at the
same moment) gets the same reply body, shared through Redis and kept on the row.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select, update
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


def store(event: InboundEvent) -> bool:
    """Insert the message; False when it was delivered before (a retry).

    The resident's row is created or touched in the same transaction: every message reopens
    the 48-hour customer-service window.
    """
    now = utcnow()
    insert = sqlite_insert if Session.get_bind().dialect.name == "sqlite" else pg_insert
    # Core statements, not ORM units of work: this runs for every message on the hot path.
    try:
        inbound_id = Session.execute(
            insert(InboundMessage).values(
                dedupe_key=event.dedupe_key, channel=event.channel, openid=event.openid,
                msg_type=event.kind, event=event.event, payload=event.raw, received_at=now,
                state="received",
            ).returning(InboundMessage.id)
        ).scalar_one()
    except IntegrityError:
        Session.rollback()
        return False
    Session.execute(insert(Resident).values(openid=event.openid, subscribed=True, created_at=now)
                    .on_conflict_do_nothing(index_elements=["openid"]))
    if event.event != "unsubscribe":
        Session.execute(update(Resident).where(Resident.openid == event.openid)
                        .values(last_inbound_at=now))
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
    Session.execute(update(InboundMessage).where(InboundMessage.id == event.inbound_id)
                    .values(reply=body, state=state, handled_at=utcnow()))
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
