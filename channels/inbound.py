"""Inbound messages: stored before anything else, de-duplicated by the channel's own id.

WeChat redelivers a message up to three times when it has no answer within 5 seconds. The
first delivery to insert its row wins and is handled; every copy (also one arriving at the
same moment) gets the same reply body, shared through Redis and kept on the row.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select, update
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
    """Insert the message; False when it was delivered before (a retry)."""
    row = InboundMessage(dedupe_key=event.dedupe_key, channel=event.channel, openid=event.openid,
                         msg_type=event.kind, event=event.event, payload=event.raw)
    Session.add(row)
    try:
        Session.commit()
    except IntegrityError:
        Session.rollback()
        return False
    event.inbound_id = row.id
    _touch_resident(event)
    return True


def _touch_resident(event: InboundEvent) -> None:
    """Every message reopens the 48-hour customer-service window."""
    now = utcnow()
    resident = Session.scalar(select(Resident).where(Resident.openid == event.openid))
    if resident is None:
        resident = Resident(openid=event.openid)
        Session.add(resident)
    if event.event != "unsubscribe":
        resident.last_inbound_at = now
    try:
        Session.commit()
    except IntegrityError:  # the resident's first two messages raced; the other one created it
        Session.rollback()
        Session.execute(update(Resident).where(Resident.openid == event.openid)
                        .values(last_inbound_at=now))
        Session.commit()


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
