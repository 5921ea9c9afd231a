"""Mini-program users, and the unionids that make one of them the same resident as an
Official Account follower.

WeChat gives a person one openid per app (the Official Account, the mini-program) and, when
both apps are bound to one Open Platform account, one unionid across them. A mini-program user
whose unionid is also a follower's works on that follower's conversation and applications:
a resident can start in the chat and finish in the mini-program.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow


class MiniProgramUser(Base):
    __tablename__ = "mp_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    mp_openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)
    # The Official Account openid of the same person (by unionid), once known: the key of their
    # conversation and applications. None: the mini-program openid is that key.
    resident_openid: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    @property
    def chat_openid(self) -> str:
        """Whose conversation and applications this user works on."""
        return self.resident_openid or self.mp_openid


class FollowerUnionid(Base):
    """An Official Account follower's unionid, as cgi-bin/user/info told it."""

    __tablename__ = "follower_unionids"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)  # None: WeChat gave none
    learned_at: Mapped[datetime] = mapped_column(default=utcnow)


class MpSubscription(Base):
    """One one-time 订阅消息 grant (wx.requestSubscribeMessage → 'accept'): WeChat lets the
    mini-program send exactly one message of that template per acceptance, so each grant is a
    row, consumed (used_at) by the one send it pays for."""

    __tablename__ = "mp_subscriptions"
    __table_args__ = (Index("ix_mp_subscriptions_open", "resident_openid", "template_id", "used_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mp_user_id: Mapped[int] = mapped_column(ForeignKey("mp_users.id"))
    mp_openid: Mapped[str] = mapped_column(String(64))  # subscribeMessage.send's touser
    # Whose applications the grant is for (MiniProgramUser.chat_openid at the time of the grant).
    resident_openid: Mapped[str] = mapped_column(String(64))
    template_id: Mapped[str] = mapped_column(String(128))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
    outbound_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_messages.id"))
