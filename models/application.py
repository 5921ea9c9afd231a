"""Applications: one per programme request, with their documents and every state change."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .household import Household, utcnow
from .pii import Encrypted

# draft → submitted → in_review ⇄ need_documents → [publicity →] approved | rejected; withdrawn
# by the resident (review/lifecycle.py holds the table).
STATES = ("draft", "submitted", "in_review", "need_documents", "publicity", "approved", "rejected", "withdrawn")

OPEN_CONDITION = "state IN ('submitted', 'in_review', 'need_documents', 'publicity')"


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_queue", "district", "state", "programme"),
        # The queue: open applications by deadline, of a district and of the city. The
        # condition is review.routing.OPEN_STATES (a test keeps them equal).
        Index("ix_applications_open_district", "district", "deadline_at", "id",
              postgresql_where=text(OPEN_CONDITION), sqlite_where=text(OPEN_CONDITION)),
        Index("ix_applications_open_city", "deadline_at", "id",
              postgresql_where=text(OPEN_CONDITION), sqlite_where=text(OPEN_CONDITION)),
        Index("ix_applications_state_deadline", "state", "deadline_at", "id"),
        # The dashboard's figures, read from the index alone: last year's decisions, last weeks'
        # submissions, with the columns they are counted by.
        Index("ix_applications_decided", "decided_at", "submitted_at", "district", "state"),
        Index("ix_applications_submitted", "submitted_at", "district", "programme", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    openid: Mapped[str | None] = mapped_column(String(64), index=True)
    programme: Mapped[str] = mapped_column(String(20))  # dibao, weifang, jiaoyu, …
    form_id: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    district: Mapped[str] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(40))
    applicant_name: Mapped[str | None] = mapped_column(Encrypted)
    applicant_id_number: Mapped[str | None] = mapped_column(Encrypted)
    applicant_phone: Mapped[str | None] = mapped_column(Encrypted)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    situation: Mapped[dict] = mapped_column(JSON, default=dict)
    verdict: Mapped[dict] = mapped_column(JSON, default=dict)  # policy.assess() at submission
    rules_version: Mapped[str | None] = mapped_column(String(40))
    checklist: Mapped[list] = mapped_column(JSON, default=list)  # documents the case needs
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    escalated: Mapped[bool] = mapped_column(default=False)
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decision_amount: Mapped[float | None] = mapped_column(Numeric(12, 2))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Why the amount differs from the rules' figure (the verdict kept at submission).
    amount_reason: Mapped[str | None] = mapped_column(Text)
    # Set when the deadline assumed weekends only (a year the holiday calendar did not know).
    deadline_note: Mapped[str | None] = mapped_column(String(120))
    extended_at: Mapped[datetime | None]
    extension_reason: Mapped[str | None] = mapped_column(Text)
    publicity_from: Mapped[datetime | None]
    publicity_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    household: Mapped["Household | None"] = relationship()
    documents: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationDocument.id")
    transitions: Mapped[list[Transition]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Transition.id")
    objections: Mapped[list[Objection]] = relationship(
        cascade="all, delete-orphan", order_by="Objection.id")


class ApplicationDocument(Base):
    """A photo attached to one checklist item (and member) of an application."""

    __tablename__ = "application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(40))  # checklist id, e.g. id_card
    member: Mapped[int | None]  # member position the document is for, when per member
    media_file_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id"))
    # received | requested (staff asked for it again) | accepted
    state: Mapped[str] = mapped_column(String(20), default="received")
    note: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")


class Transition(Base):
    __tablename__ = "application_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80))  # staff:<id>, resident, system
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="transitions")


class Objection(Base):
    """An objection raised during the 公示 of an application: who raised it, what it says,
    who recorded it. Sealed: objections name neighbours and their circumstances."""

    __tablename__ = "publicity_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    raised_by: Mapped[str] = mapped_column(Encrypted)  # 社区居民 李女士, 匿名来信 …
    content: Mapped[str] = mapped_column(Encrypted)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
