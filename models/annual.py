"""The annual review (年度复核) of current recipients: one run, one item per recipient.

A run is processed in chunks of applications by id; `cursor` (the last application id done)
is saved in the same transaction as that chunk's items, so a run that stops half way resumes
where it stopped, and the unique (run, application) key means nobody is reviewed twice.
An item proposes; only a reviewer's decision (accepted) changes or stops anyone's aid.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow

OUTCOMES = ("continue", "change", "stop", "missing")  # missing: no usable household situation
# continue items need nobody; change and stop wait for a reviewer.
ITEM_STATES = ("none", "pending", "accepted", "rejected")


class AnnualReviewRun(Base):
    __tablename__ = "annual_review_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_date: Mapped[date]  # the rules in force on this day
    state: Mapped[str] = mapped_column(String(20), default="running")  # running | done
    cursor: Mapped[int] = mapped_column(default=0)  # last application id processed
    chunk_size: Mapped[int] = mapped_column(default=5000)
    processed: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # outcome -> number of items
    rules: Mapped[str | None] = mapped_column(String(80))  # rules version and staff values used
    started_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class AnnualReviewItem(Base):
    __tablename__ = "annual_review_items"
    __table_args__ = (UniqueConstraint("run_id", "application_id", name="uq_annual_review_items_run_app"),
                      Index("ix_annual_review_items_run_state", "run_id", "state", "district"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("annual_review_runs.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    household_id: Mapped[int | None]
    district: Mapped[str] = mapped_column(String(20))
    programme: Mapped[str] = mapped_column(String(20))  # what the household receives now
    current_amount: Mapped[float | None] = mapped_column(Numeric(12, 2))  # a month
    outcome: Mapped[str] = mapped_column(String(20))
    proposed_programme: Mapped[str | None] = mapped_column(String(20))
    proposed_amount: Mapped[float | None] = mapped_column(Numeric(12, 2))  # a month
    # Aid the system paid last year: medical and education aid counted as spending (二㈠),
    # and the living aid itself, shown to the reviewer.
    medical_aid_counted: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    education_aid_counted: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    living_aid_paid: Mapped[float] = mapped_column(Numeric(12, 2), default=0)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)  # the rules' income figures
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # plain Chinese, no personal data
    state: Mapped[str] = mapped_column(String(20), default="none")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None]
    effective_on: Mapped[date | None]  # the first day a decided change applies
    note: Mapped[str | None] = mapped_column(Text)
