"""One household record per family, shared by every programme (notice 四㈢)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .pii import Encrypted, EncryptedJSON


# Xiamen's six districts; staff of the city level (admins) use CITY.
DISTRICTS = ("思明区", "湖里区", "集美区", "海沧区", "同安区", "翔安区")
CITY = "厦门市"


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(String(20), index=True)  # 区, e.g. 思明区
    street: Mapped[str | None] = mapped_column(String(40), index=True)  # 街道 / 镇
    address: Mapped[str | None] = mapped_column(Encrypted)
    hukou_xiamen: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # What the family told us, in the forms' own answer shape, sealed (it holds names and
    # numbers): {"answers": {...}, "updated_at": {"members.0.monthly_income": ISO, ...}}.
    # review/profile.py reads and writes it; forms/definitions stay the one list of fields.
    profile: Mapped[dict | None] = mapped_column(EncryptedJSON)

    members: Mapped[list[Member]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Member.position"
    )
    residents: Mapped[list[Resident]] = relationship(back_populates="household")


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str | None] = mapped_column(Encrypted)
    relation: Mapped[str | None] = mapped_column(String(20))  # 户主, 配偶, 子女 …
    id_number: Mapped[str | None] = mapped_column(Encrypted)
    id_number_index: Mapped[str | None] = mapped_column(String(64), index=True)
    sex: Mapped[str | None] = mapped_column(String(10))
    birth_year: Mapped[int | None]

    household: Mapped[Household] = relationship(back_populates="members")


class Resident(Base):
    """A WeChat identity (one openid) and, once known, the household it belongs to."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    phone: Mapped[str | None] = mapped_column(Encrypted)
    subscribed: Mapped[bool] = mapped_column(default=True)
    # The 48-hour customer-service window is counted from the resident's last message.
    last_inbound_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household | None] = relationship(back_populates="residents")


class HouseholdChange(Base):
    """One answer of the household profile changed: what, from what to what, who and when."""

    __tablename__ = "household_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))  # "financial_assets", "members.1.monthly_income"
    old: Mapped[object | None] = mapped_column(EncryptedJSON)
    new: Mapped[object | None] = mapped_column(EncryptedJSON)
    who: Mapped[str] = mapped_column(String(120))  # resident:<openid> | staff:<username>
    at: Mapped[datetime] = mapped_column(default=utcnow)


class HouseholdLink(Base):
    """A WeChat user asking to be a member's account of a household: pending until verified
    (name, identity number and the household's phone all match) or confirmed by staff."""

    __tablename__ = "household_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    # What the user typed, for staff to check when they call the family.
    name: Mapped[str | None] = mapped_column(Encrypted)
    phone: Mapped[str | None] = mapped_column(Encrypted)
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending | confirmed
    attempts: Mapped[int] = mapped_column(default=0)  # failed checks: past the limit only staff can link
    confirmed_by: Mapped[str | None] = mapped_column(String(120))  # resident:<openid> | staff:<username>
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
