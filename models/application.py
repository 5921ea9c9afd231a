"""Applications: one per programme request, with their documents and every state change."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .household import Household, utcnow
from .pii import Encrypted

# draft → submitted → in_review ⇄ need_documents → approved | rejected; withdrawn by the resident.
STATES = ("draft", "submitted", "in_review", "need_documents", "approved", "rejected", "withdrawn")


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (Index("ix_applications_queue", "district", "state", "programme"),)

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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    household: Mapped["Household | None"] = relationship()
    documents: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationDocument.id")
    transitions: Mapped[list[Transition]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Transition.id")


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
