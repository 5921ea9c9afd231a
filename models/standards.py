"""Parameter values staff added after a release (policy/overrides.py applies them).

The YAML files under policy/parameters are what the project ships; a row here is a new dated
value of one parameter with its reference document, who added it and when. Rows are never
changed or deleted: the newest dated value wins, so a correction is a new row.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow


class ParameterOverride(Base):
    __tablename__ = "parameter_overrides"
    __table_args__ = (UniqueConstraint("name", "effective_on", name="uq_parameter_overrides_name_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))  # dotted parameter name: dibao.standard
    effective_on: Mapped[date]
    value: Mapped[float] = mapped_column(Float)
    reference: Mapped[str] = mapped_column(Text)  # the document that sets it
    created_by: Mapped[str] = mapped_column(String(80))  # staff username
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
