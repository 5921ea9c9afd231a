"""Each resident's conversation with the bot, kept in the database.

The chat's place (form, answers so far, documents received) is saved in the same turn as the
message it answers, so it survives Redis losing its data and a process dying mid-turn. A
conversation not touched for 7 days has expired; the resident is told once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow
from .pii import EncryptedJSON


class Conversation(Base):
    __tablename__ = "conversations"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Sealed: the answers hold identity and phone numbers.
    state: Mapped[dict] = mapped_column(EncryptedJSON)
    title: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
