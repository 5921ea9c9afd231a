"""Pushes to a person over several channels (channels/push.py) and who asked for none.

A Delivery is recorded before anything is sent, and every outcome ends up in it:

  queued → sent                 (by one channel; `channel` says which, `trail` what came before)
         → deferred → queued …  (quiet hours: waits for 08:00 Asia/Shanghai)
         → undeliverable        (no channel left: opted out, no address; or past valid_until)
         → failed               (every usable channel was tried and failed)
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow
from .pii import EncryptedJSON

CHANNELS = ("wechat", "sms", "email")
DELIVERY_STATES = ("queued", "deferred", "sent", "undeliverable", "failed")


class Delivery(Base):
    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    # {"openid", "phone", "email", "name"}: sealed, a phone number is personal data.
    contact: Mapped[dict] = mapped_column(EncryptedJSON)
    purpose: Mapped[str] = mapped_column(String(40))
    # {"text", "subject", "html", "attachments": [{"filename", "mimetype", "size", "data" (base64)}]}
    content: Mapped[dict] = mapped_column(EncryptedJSON)
    # The caller's idempotency key ("rec:<seeker>:<opening>"): one delivery per key, ever.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    prefer: Mapped[str] = mapped_column(String(60))  # "sms,email": channels in order
    channel: Mapped[str | None] = mapped_column(String(10))
    # [{"channel", "outcome", "reason"}], one entry per channel considered, in order.
    trail: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    reason: Mapped[str | None] = mapped_column(String(255))
    deferred_until: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    # The WeChat record when the push went through channels/outbound.py.
    outbound_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_messages.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ChannelOptOut(Base):
    """A person who said 退订 / TD, or followed an unsubscribe link: that channel carries no
    more pushes to them. Found by a keyed blind index of the openid, phone or email, never
    stored in clear."""

    __tablename__ = "channel_opt_outs"
    __table_args__ = (UniqueConstraint("channel", "key_hash", name="uq_channel_opt_outs_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    key_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))  # chat | sms | link | staff
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
