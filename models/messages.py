"""Every message in and out, stored before anything else happens to it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow
from .pii import Encrypted, EncryptedJSON


class InboundMessage(Base):
    """A message or event as WeChat delivered it. `dedupe_key` is the MsgId, or
    FromUserName + CreateTime (+ event) for events, so WeChat's retries are recognised."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        # The resident's messages still waiting to be handled, in order (channels/inbound.py).
        Index("ix_inbound_openid_state", "openid", "state"),
        # A resident's last messages, newest first (the transcript staff get on 人工).
        Index("ix_inbound_openid_id", "openid", "id"),
        # Stuck and failed messages (sweeps, /healthz, the operations page).
        Index("ix_inbound_state_received", "state", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    channel: Mapped[str] = mapped_column(String(20), default="wechat")
    openid: Mapped[str] = mapped_column(String(64))
    msg_type: Mapped[str] = mapped_column(String(20))
    event: Mapped[str | None] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(EncryptedJSON)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # WeChat's CreateTime (seconds): a resident's messages are handled in this order.
    create_time: Mapped[int | None] = mapped_column(BigInteger)
    # received → handled | failed | throttled; `late` when the reply went out as a
    # customer-service message (the handler outlived WeChat's 5 s, or the sweeper replayed it).
    state: Mapped[str] = mapped_column(String(20), default="received")
    # Sealed in every mode: a passive reply can repeat the applicant's name or numbers.
    reply: Mapped[str | None] = mapped_column(Encrypted)
    handled_at: Mapped[datetime | None]


class OutboundMessage(Base):
    """A message we send through a channel, with its delivery state and attempts."""

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_openid_created", "openid", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="wechat")
    openid: Mapped[str] = mapped_column(String(64))
    # custom (customer-service, 48-hour window) | template | subscribe | sms | email
    kind: Mapped[str] = mapped_column(String(20))
    msg_type: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(EncryptedJSON)
    # queued → sending → sent | retrying | failed | undeliverable (channels/outbound.py)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # When the current or last attempt claimed the record (state `sending`).
    attempted_at: Mapped[datetime | None]
    last_errcode: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(255))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class MediaFile(Base):
    """A file a resident sent (a photo of a document), downloaded from WeChat into storage."""

    __tablename__ = "media_files"
    # Downloads still pending or failed (sweeps, the operations page).
    __table_args__ = (Index("ix_media_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    media_id: Mapped[str] = mapped_column(String(128))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    # pending → stored | rejected (wrong type, too large) | failed (gone at WeChat)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    path: Mapped[str | None] = mapped_column(String(255))  # relative to the uploads folder
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    stored_at: Mapped[datetime | None]
