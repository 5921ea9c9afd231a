"""The 112 employment service (notice 三㈠): job seekers, employers and their openings, the
recommendations made between them, training offers, and which household visits were 112 visits.

A seeker is one person, found by the blind index of their identity number; whatever names a
person (name, identity number, phone, email) is sealed. A recommendation is made once per
seeker and opening, ever: the unique key, not a check, keeps it so.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .household import utcnow
from .pii import Encrypted


class Seeker(Base):
    __tablename__ = "seekers"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(Encrypted)
    id_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(Encrypted)
    phone: Mapped[str | None] = mapped_column(Encrypted)
    email: Mapped[str | None] = mapped_column(Encrypted)
    openid: Mapped[str | None] = mapped_column(String(64), index=True)  # WeChat, when registered in the chat
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    district: Mapped[str] = mapped_column(String(20), index=True)
    street: Mapped[str | None] = mapped_column(String(40), index=True)
    birth_year: Mapped[int | None]  # from the identity number; the age is counted from it
    sex: Mapped[str | None] = mapped_column(String(10))  # male | female
    education: Mapped[str | None] = mapped_column(String(20))  # the jiuye form's option values
    occupation_code: Mapped[str | None] = mapped_column(String(20))  # GB/T 6565, e.g. 4-03-02
    desired_work: Mapped[str | None] = mapped_column(String(100))  # the seeker's own words
    wage_min: Mapped[int | None]  # 元 a month
    hours_per_week: Mapped[int | None]  # the most the seeker can work
    # Districts the seeker would work in; empty means their own district (and commuting distance).
    work_districts: Mapped[list] = mapped_column(JSON, default=list)
    public_welfare_ok: Mapped[bool] = mapped_column(default=True)
    registered_unemployed: Mapped[bool] = mapped_column(default=False)
    unemployed_since: Mapped[date | None]
    graduate: Mapped[bool] = mapped_column(default=False)
    # 就业困难人员: the rules' verdict (policy.assess) on the seeker's situation.
    jiuye_kunnan: Mapped[bool] = mapped_column(default=False, index=True)
    prefer: Mapped[list] = mapped_column(JSON, default=list)  # channels in order: wechat, sms, email
    source: Mapped[str] = mapped_column(String(20), default="import")  # chat | import | staff
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Employer(Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    openings: Mapped[list[Opening]] = relationship(back_populates="employer")


class Opening(Base):
    __tablename__ = "openings"
    # The natural key an import upserts by: the same file twice changes nothing.
    __table_args__ = (UniqueConstraint("employer_id", "title", "district", "street", name="uq_openings_natural"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    occupation_code: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(20), index=True)
    street: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(255))
    wage_min: Mapped[int | None]
    wage_max: Mapped[int | None]
    hours_per_week: Mapped[int | None]
    education_min: Mapped[str | None] = mapped_column(String(20))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    public_welfare: Mapped[bool] = mapped_column(default=False)
    positions: Mapped[int] = mapped_column(default=1)
    filled: Mapped[int] = mapped_column(default=0)
    valid_until: Mapped[date]
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    employer: Mapped[Employer] = relationship(back_populates="openings")


class Recommendation(Base):
    """One opening recommended to one seeker. It counts in the 112 ledger only once the push
    that carried it was delivered (`delivery_id`, channels.push)."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("seeker_id", "opening_id", name="uq_recommendations_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"), index=True)
    score: Mapped[float]
    reason: Mapped[str] = mapped_column(String(200))
    delivery_id: Mapped[int | None] = mapped_column(index=True)  # deliveries.id once pushed
    pushed_at: Mapped[datetime | None] = mapped_column(index=True)
    response: Mapped[str | None] = mapped_column(String(20))  # interested | not_suitable
    responded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingCourse(Base):
    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(20))
    occupation_code: Mapped[str | None] = mapped_column(String(20))
    starts_on: Mapped[date | None]
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingOffer(Base):
    """A course offered to a seeker: by push (counts once delivered) or in person by staff."""

    __tablename__ = "training_offers"
    __table_args__ = (UniqueConstraint("seeker_id", "course_id", name="uq_training_offers_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"))
    via: Mapped[str] = mapped_column(String(20), default="push")  # push | in_person
    delivery_id: Mapped[int | None]
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeekerVisit(Base):
    """A line of the visits ledger (models.Visit) that was a 112 home visit to this seeker."""

    __tablename__ = "seeker_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("seekers.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
