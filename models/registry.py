"""What other departments told us (notice 四㈢ 信息共享) and what discovery did with it.

- `RegistryImport`: one file imported (kind, file name, who, when, its counts).
- `RegistryFact`: one person's row of one registry, found by the blind index of the identity
  number and tied to that person's household. The row is sealed (it names the person); the
  fact records its source (kind), file and date. One fact per (kind, person, key), so importing
  the same file again changes nothing.
- `DiscoveryItem`: a caseworker's worklist entry: a household that looks eligible but has not
  applied, or a linked programme to check after an approval. Never a decision by itself.
- `AutoCase`: the marker of an application opened without one (education aid found in the
  registries or after an approval): one per programme, student and year.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, Session
from .household import utcnow
from .pii import EncryptedJSON

KINDS = ("dibao_roll", "disability", "students", "unemployment", "medical")


class RegistryImport(Base):
    __tablename__ = "registry_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    imported_on: Mapped[date]
    imported_by: Mapped[str] = mapped_column(String(120))  # cli | staff:<username>
    rows: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    households_added: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RegistryFact(Base):
    __tablename__ = "registry_facts"
    __table_args__ = (UniqueConstraint("kind", "person_index", "key", name="uq_registry_facts_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    person_index: Mapped[str] = mapped_column(String(64), index=True)  # pii.blind_index(id_number)
    # What makes two rows of one person different facts: the medical year; else "".
    key: Mapped[str] = mapped_column(String(20), default="")
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    data: Mapped[dict] = mapped_column(EncryptedJSON)  # the checked row, identity number left out
    file_name: Mapped[str] = mapped_column(String(255))
    imported_on: Mapped[date]
    import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DiscoveryItem(Base):
    __tablename__ = "discovery_items"
    __table_args__ = (UniqueConstraint("household_id", "kind", "programme", name="uq_discovery_items_what"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    # likely_eligible (found by `discover`) | linked (after an approval in another programme)
    kind: Mapped[str] = mapped_column(String(20))
    programme: Mapped[str] = mapped_column(String(20))  # dibao, dishouru, tekun, yiliao, weifang, jiaoyu
    reason: Mapped[str] = mapped_column(Text)  # plain Chinese, for the caseworker
    district: Mapped[str] = mapped_column(String(20), index=True)  # "" while the district is unknown
    street: Mapped[str | None] = mapped_column(String(40))
    source_application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | done | dismissed
    closed_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AutoCase(Base):
    __tablename__ = "auto_cases"
    __table_args__ = (UniqueConstraint("programme", "person_key", "year", name="uq_auto_cases_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    programme: Mapped[str] = mapped_column(String(20))
    # The student: the blind index of the identity number, or "app<id>:<position>" for a member
    # known only from an application's answers.
    person_key: Mapped[str] = mapped_column(String(80))
    year: Mapped[int]
    trigger: Mapped[str] = mapped_column(String(20))  # registry | linked
    # {"student": name, "stage": label, "grounds": why, in Chinese}: sealed, it names a child.
    note: Mapped[dict] = mapped_column(EncryptedJSON, default=dict)
    notified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def facts_of(kind: str, indexes: set[str], chunk: int = 500) -> list[RegistryFact]:
    """The facts of registry `kind` about these people (pii.blind_index of their identity
    numbers), asked for in chunks a database's parameter limit takes."""
    ordered, found = sorted(indexes), []
    for start in range(0, len(ordered), chunk):
        found += Session.scalars(select(RegistryFact).where(
            RegistryFact.kind == kind, RegistryFact.person_index.in_(ordered[start:start + chunk]))).all()
    return found
