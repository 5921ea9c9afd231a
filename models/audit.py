"""The append-only audit log: every staff view of personal data and every decision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # The log is read newest first by one filter: an object's trail, a member of staff, an action.
    __table_args__ = (
        Index("ix_audit_object", "object_type", "object_id", "id"),
        Index("ix_audit_staff", "staff_id", "id"),
        Index("ix_audit_action", "action", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    staff_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))  # view_pii, approve, login_failed, …
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    district: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # never personal data
