"""Inbound messages: stored before anything else, de-duplicated by the channel's own id, and
handled exactly once.

WeChat redelivers a message up to three times when it has no answer within 5 seconds. The
first delivery to insert its row wins; every copy (also one arriving at the same moment)
then waits for the resident's turn and answers with what the row holds. A row stays
`received` until the turn that handles it commits, together with the conversation, so:
- a delivery whose handling failed (Redis down, the process killed) leaves the row
  `received`, and WeChat's next copy, or the sweeper, handles it;
- a copy never handles a message that was handled already.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import xmltodict
from sqlalchemy import bindparam, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from wechatpy import events as e
from wechatpy import messages as m
from wechatpy import parse_message

from models import InboundMessage, Resident, Session, utcnow


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
    create_time: int | None = None  # the sender's clock (WeChat's CreateTime), seconds


def from_wechat(message) -> InboundEvent:
    """A message parsed by wechatpy, as plain data."""
    raw = {k: v for k, v in message._data.items() if k != "Encrypt"}
    openid = message.source
    if not openid:
        raise ValueError("no FromUserName")
    if not 0 <= int(message.time or 0) < 2**32:  # seconds since 1970: anything else is forged
        raise ValueError("CreateTime out of range")
    if message.type == "event":
        key = f"{openid}:{message.time}:{message.event}"
    elif message.id:
        key = str(message.id)
    else:
        key = f"{openid}:{message.time}:{message.type}"
    event = InboundEvent(openid=openid, kind=message.type, dedupe_key=key, raw=raw,
                         create_time=int(message.time or 0) or None)

    if isinstance(message, m.TextMessage):
        event.text = message.content
    elif isinstance(message, m.ImageMessage):
        event.media_id = message.media_id
        event.url = message.image
    elif isinstance(message, m.VoiceMessage):
        event.media_id = message.media_id
        event.text = message.recognition or None  # WeChat's own speech recognition, if on
    elif isinstance(message, (m.VideoMessage, m.ShortVideoMessage)):
        event.kind = "video"
        event.media_id = message.media_id
    elif isinstance(message, m.LocationMessage):
        event.latitude, event.longitude = (float(v) for v in message.location)
        event.label = message.label
    elif isinstance(message, m.LinkMessage):
        event.text, event.url = message.title, message.url
    elif message.type == "event":
        event.event = message.event
        if isinstance(message, e.ClickEvent):
            event.key = message.key
        elif isinstance(message, e.ViewEvent):
            event.url = message.url
        elif isinstance(message, (e.SubscribeScanEvent, e.ScanEvent)):
            event.event = "scan" if isinstance(message, e.ScanEvent) else "subscribe"
            event.key = message.scene_id
        elif isinstance(message, e.LocationEvent):
            event.latitude, event.longitude = float(message.latitude), float(message.longitude)
    else:
        event.kind = "unknown"
    return event


def _from_row(row) -> InboundEvent:
    """A stored message as the event it was: for a later turn or the sweeper."""
    event = from_wechat(parse_message(xmltodict.unparse({"xml": row.payload})))
    event.dedupe_key, event.inbound_id = row.dedupe_key, row.id
    return event


_INBOUND = InboundMessage.__table__
_RESIDENTS = Resident.__table__
# Built once: constructing statements per message cost more than executing them.
_INSERT_INBOUND = insert(_INBOUND).returning(_INBOUND.c.id)
_TOUCH_RESIDENT = (update(_RESIDENTS).where(_RESIDENTS.c.openid == bindparam("who"))
                   .values(last_inbound_at=bindparam("now")))
_SETTLE = (update(_INBOUND).where(_INBOUND.c.id == bindparam("inbound_id"))
           .values(reply=bindparam("body"), state=bindparam("new_state"), handled_at=bindparam("now")))
_ADD_RESIDENT = {
    "sqlite": sqlite_insert(_RESIDENTS).on_conflict_do_nothing(index_elements=["openid"]),
    "postgresql": pg_insert(_RESIDENTS).on_conflict_do_nothing(index_elements=["openid"]),
}
_BY_KEY = select(_INBOUND.c.id).where(_INBOUND.c.dedupe_key == bindparam("key"))
_STATUS = select(_INBOUND.c.state, _INBOUND.c.reply).where(_INBOUND.c.id == bindparam("inbound_id"))


def store(event: InboundEvent) -> bool:
    """Insert the message; False when it was delivered before (a retry). Either way
    `event.inbound_id` is the stored row's.

    The resident's row is created or touched in the same transaction: every message reopens
    the 48-hour customer-service window.
    """
    now = utcnow()
    conn = Session.connection()
    try:
        inbound_id = conn.execute(_INSERT_INBOUND, {
            "dedupe_key": event.dedupe_key, "channel": event.channel, "openid": event.openid,
            "msg_type": event.kind, "event": event.event, "payload": event.raw, "received_at": now,
            "state": "received", "create_time": event.create_time}).scalar_one()
        conn.execute(_ADD_RESIDENT[conn.dialect.name], {"openid": event.openid, "subscribed": True,
                                                       "created_at": now})
        if event.event != "unsubscribe":
            conn.execute(_TOUCH_RESIDENT, {"who": event.openid, "now": now})
        Session.commit()
    except IntegrityError:  # delivered before, or by a concurrent copy that committed first
        Session.rollback()
        event.inbound_id = Session.execute(_BY_KEY, {"key": event.dedupe_key}).scalar_one()
        Session.commit()
        return False
    event.inbound_id = inbound_id
    return True


def status(inbound_id: int) -> tuple[str, str | None]:
    """(state, stored reply body) as committed now."""
    Session.commit()  # see what other turns committed, not an older snapshot
    state, body = Session.execute(_STATUS, {"inbound_id": inbound_id}).one()
    return state, body


def settle(event: InboundEvent, body: str, state: str = "handled") -> None:
    """The message's outcome, in the caller's transaction (with the conversation it changed)."""
    Session.connection().execute(_SETTLE, {"inbound_id": event.inbound_id, "body": body, "new_state": state,
                                           "now": utcnow()})


def waiting_before(event: InboundEvent) -> list[InboundEvent]:
    """The resident's messages sent before `event` and not handled yet, oldest first: after
    an outage WeChat's copies arrive in any order, the answers must not."""
    sent = func.coalesce(InboundMessage.create_time, 0)
    rows = Session.scalars(select(InboundMessage).where(
        InboundMessage.openid == event.openid, InboundMessage.state == "received",
        InboundMessage.id != event.inbound_id,
        tuple_(sent, InboundMessage.id) < tuple_(event.create_time or 0, event.inbound_id))
        .order_by(sent, InboundMessage.id)).all()
    return [_from_row(row) for row in rows]


def waiting(openid: str) -> list[InboundEvent]:
    """All of a resident's messages not handled yet, oldest first."""
    rows = Session.scalars(select(InboundMessage).where(
        InboundMessage.openid == openid, InboundMessage.state == "received")
        .order_by(func.coalesce(InboundMessage.create_time, 0), InboundMessage.id)).all()
    return [_from_row(row) for row in rows]


def stranded(older_than: timedelta, limit: int = 500) -> list[str]:
    """Residents with a message stored but not handled for `older_than`: its delivery died
    and WeChat gave up redelivering. Oldest first."""
    rows = Session.execute(select(InboundMessage.openid, InboundMessage.id).where(
        InboundMessage.state == "received", InboundMessage.received_at < utcnow() - older_than)
        .order_by(InboundMessage.id).limit(limit)).all()
    return list(dict.fromkeys(openid for openid, _ in rows))
