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

from sqlalchemy import (String, Text, bindparam, func, insert, literal_column, select, tuple_, type_coerce, union_all,
                        update)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from wechatpy import events as e
from wechatpy import messages as m
from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage

from models import InboundMessage, Resident, Session, db, locks, utcnow


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


def wechat_message(data: dict):
    """wechatpy's message or event object for the fields of one parsed `<xml>`: the classes
    `wechatpy.parse_message` picks, without parsing the text a second time."""
    message_type = data["MsgType"].lower()
    if message_type != "event" and not message_type.startswith("device_"):
        return MESSAGE_TYPES.get(message_type, UnknownMessage)(data)
    event_type = data["Event"].lower() if "Event" in data else None
    if message_type.startswith("device_"):
        event_type = f"device_{event_type}" if event_type else message_type
    if event_type == "subscribe" and data.get("EventKey"):
        key = data["EventKey"]
        if key.startswith(("scanbarcode|", "scanimage|")):
            event_type = data["Event"] = "subscribe_scan_product"
        elif key.startswith("qrscene_"):
            event_type = data["Event"] = "subscribe_scan"
            data["EventKey"] = key[len("qrscene_"):]
    return EVENT_TYPES.get(event_type, UnknownMessage)(data)


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


def _from_row(row, payload: dict | None = None) -> InboundEvent:
    """A stored message as the event it was: for a later turn or the sweeper."""
    event = from_wechat(wechat_message(dict(row.payload if payload is None else payload)))
    event.dedupe_key, event.inbound_id = row.dedupe_key, row.id
    return event


_INBOUND = InboundMessage.__table__
_RESIDENTS = Resident.__table__
# Built once: constructing statements per message cost more than executing them, and the
# compiled form of each is then cached by SQLAlchemy. The payload comes sealed (models.pii),
# sealed before SQLite's writer lock is taken: every writer on the machine waits while one holds it.
_PAYLOAD_TYPE = _INBOUND.c.payload.type
_INSERT_INBOUND = insert(_INBOUND).values(payload=bindparam("sealed", type_=Text())).returning(_INBOUND.c.id)
_SETTLE = (update(_INBOUND).where(_INBOUND.c.id == bindparam("inbound_id"))
           .values(reply=bindparam("body"), state=bindparam("new_state"), handled_at=bindparam("now")))


def _add_resident(dialect_insert, touch: bool):
    """Create the resident, or (`touch`) move its last message time: one statement."""
    stmt = dialect_insert(_RESIDENTS)
    if not touch:  # an unsubscribe does not reopen the customer-service window
        return stmt.on_conflict_do_nothing(index_elements=["openid"])
    return stmt.on_conflict_do_update(index_elements=["openid"],
                                      set_={"last_inbound_at": stmt.excluded.last_inbound_at})


_ADD_RESIDENT = {(name, touch): _add_resident(dialect_insert, touch)
                 for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
                 for touch in (True, False)}
_BY_KEY = select(_INBOUND.c.id).where(_INBOUND.c.dedupe_key == bindparam("key"))

# The message itself and the resident's earlier messages still waiting, in one statement
# (two indexed lookups: the primary key, and openid + state). The payload is read undecoded
# and opened only for the earlier ones.
_SENT = func.coalesce(_INBOUND.c.create_time, 0)
_PENDING_COLUMNS = (_INBOUND.c.id, _INBOUND.c.state, _INBOUND.c.reply, _INBOUND.c.dedupe_key,
                    _SENT.label("sent"), type_coerce(_INBOUND.c.payload, String).label("sealed"))
_PENDING = union_all(
    select(literal_column("0").label("earlier"), *_PENDING_COLUMNS)
    .where(_INBOUND.c.id == bindparam("inbound_id")),
    select(literal_column("1").label("earlier"), *_PENDING_COLUMNS).where(
        _INBOUND.c.openid == bindparam("openid"), _INBOUND.c.state == "received",
        _INBOUND.c.id != bindparam("inbound_id"),
        tuple_(_SENT, _INBOUND.c.id) < tuple_(bindparam("sent"), bindparam("inbound_id")))
)


def store(event: InboundEvent) -> bool:
    """Insert the message and commit it; False when it was delivered before (a retry).
    Either way `event.inbound_id` is the stored row's.

    One transaction of two statements, committed before any turn begins: the message is kept
    whatever its handling does. The resident's row is created or touched in it: every
    message reopens the 48-hour customer-service window. A request starts with no
    transaction and takes a pool connection of its own; a caller inside one (a job, a test)
    has it committed with the message, as SQLite would otherwise make the two wait on each other.
    """
    now = utcnow()
    shared = Session().in_transaction()
    conn = Session.connection() if shared else db.engine().connect()
    commit, rollback = (Session.commit, Session.rollback) if shared else (conn.commit, conn.rollback)
    try:
        sealed = _PAYLOAD_TYPE.process_bind_param(event.raw, conn.dialect)
        with locks.sqlite_writer(conn.connection.dbapi_connection):
            inbound_id = conn.execute(_INSERT_INBOUND, {
                "dedupe_key": event.dedupe_key, "channel": event.channel, "openid": event.openid,
                "msg_type": event.kind, "event": event.event, "sealed": sealed, "received_at": now,
                "state": "received", "create_time": event.create_time}).scalar_one()
            touch = event.event != "unsubscribe"
            conn.execute(_ADD_RESIDENT[conn.dialect.name, touch], {
                "openid": event.openid, "subscribed": True, "created_at": now,
                "last_inbound_at": now if touch else None})
            commit()
    except IntegrityError:  # delivered before, or by a concurrent copy that committed first
        rollback()
        conn = Session.connection() if shared else conn
        event.inbound_id = conn.execute(_BY_KEY, {"key": event.dedupe_key}).scalar_one()
        rollback()
        return False
    finally:
        if not shared:
            conn.close()
    event.inbound_id = inbound_id
    return True


def pending(event: InboundEvent) -> tuple[str, str | None, list[InboundEvent]]:
    """(state, stored reply body) of `event`'s message as committed now, and the resident's
    messages sent before it and not handled yet, oldest first: after an outage WeChat's
    copies arrive in any order, the answers must not."""
    _fresh()
    conn = Session.connection()
    rows = conn.execute(_PENDING, {"inbound_id": event.inbound_id, "openid": event.openid,
                                   "sent": event.create_time or 0}).all()
    own = next(row for row in rows if not row.earlier)
    earlier = sorted((row for row in rows if row.earlier), key=lambda row: (row.sent, row.id))
    return own.state, own.reply, [
        _from_row(row, _PAYLOAD_TYPE.process_result_value(row.sealed, conn.dialect)) for row in earlier]


def _fresh() -> None:
    """Read what other turns committed, not an older snapshot (SQLite keeps a read
    transaction's view until it ends)."""
    if Session().in_transaction():
        Session.commit()


def writing():
    """Around the caller's settle ... commit: the turn's write transaction waits its turn on
    the embedded SQLite file without polling (models.locks.sqlite_writer)."""
    return locks.sqlite_writer(Session.connection().connection.dbapi_connection)


def settle(event: InboundEvent, body: str, state: str = "handled") -> None:
    """The message's outcome, in the caller's transaction (with the conversation it changed)."""
    Session.connection().execute(_SETTLE, {"inbound_id": event.inbound_id, "body": body, "new_state": state,
                                           "now": utcnow()})


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
