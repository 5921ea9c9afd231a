"""Casework beyond applications: urgent cases (急难会商), household visits (入户走访) and
clues reported by volunteers (线索)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .household import utcnow
from .pii import Encrypted, EncryptedJSON


class Escalation(Base):
    """A case for staff. One opened by the resident (人工, urgent words) is a conversation
    (`in_chat`): while it is open, everything the resident sends goes into its thread."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str | None] = mapped_column(String(64), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    district: Mapped[str | None] = mapped_column(String(20), index=True)
    # The resident's own answer, for a case with neither application nor household.
    street: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # human (人工) | urgent | flood | staff
    reason: Mapped[str | None] = mapped_column(Encrypted)
    transcript: Mapped[list] = mapped_column(EncryptedJSON, default=list)  # the conversation so far
    participants: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | resolved
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # The resident asked for a person: their messages go into the thread while it is open.
    in_chat: Mapped[bool] = mapped_column(default=False)
    # What the chat is waiting for the resident to say: "district" | "street" | None.
    asking: Mapped[str | None] = mapped_column(String(20))
    # Set when the resident went back to an application ("继续申请"); messages then go to the
    # chat as usual until the resident is quiet for a while, asks for a person or staff write.
    paused_at: Mapped[datetime | None]
    # The last thread message any member of staff has seen on the case page.
    seen_message_id: Mapped[int | None]

    notes: Mapped[list[EscalationNote]] = relationship(cascade="all, delete-orphan",
                                                       order_by="EscalationNote.id")
    messages: Mapped[list[EscalationMessage]] = relationship(cascade="all, delete-orphan",
                                                             order_by="EscalationMessage.id")


class EscalationNote(Base):
    __tablename__ = "escalation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class EscalationMessage(Base):
    """One line of a case's thread: what the resident sent, what the chat answered, what
    staff wrote to the resident; in order."""

    __tablename__ = "escalation_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(10))  # resident | bot | staff
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Sealed: residents type identity and phone numbers.
    text: Mapped[str] = mapped_column(Encrypted)
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    media_file_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Visit(Base):
    """One household visit, a line of the street's work ledger (台账)."""

    __tablename__ = "visits"
    # The ledger, newest first, of a district or of one of its streets.
    __table_args__ = (
        Index("ix_visits_district_date", "district", "visit_date", "id"),
        Index("ix_visits_street_date", "district", "street", "visit_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    district: Mapped[str] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(40), index=True)
    visit_date: Mapped[date]
    visitors: Mapped[str] = mapped_column(String(255))
    findings: Mapped[str | None] = mapped_column(Text)
    causes: Mapped[list] = mapped_column(JSON, default=list)  # 致困原因
    needs: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Clue(Base):
    """Someone in difficulty, reported by a volunteer or organisation (notice 三㈢)."""

    __tablename__ = "clues"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_openid: Mapped[str | None] = mapped_column(String(64))
    reporter_phone: Mapped[str | None] = mapped_column(Encrypted)
    district: Mapped[str | None] = mapped_column(String(20), index=True)
    street: Mapped[str | None] = mapped_column(String(40))
    location: Mapped[dict | None] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Encrypted)
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20), default="new", index=True)  # new | triaged | closed
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    close_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
