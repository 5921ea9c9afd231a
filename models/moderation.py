"""Content security: text residents write and images they upload in the mini-program, as
WeChat's checks (msgSecCheck, mediaCheckAsync) judged them, and the ones held for staff.

A row is written for every image sent to the media check (its verdict comes later) and for
every text the check did not pass; a text that passes leaves no row. States:
checking → cleared (WeChat passed it) | held → released | rejected (by staff).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow
from .pii import EncryptedJSON


class ContentCheck(Base):
    __tablename__ = "content_checks"
    # The staff page: held items of a district, oldest first.
    __table_args__ = (Index("ix_content_checks_state_district", "state", "district"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # text | image
    openid: Mapped[str] = mapped_column(String(64), index=True)  # whose: the chat openid
    mp_openid: Mapped[str] = mapped_column(String(64))  # whom WeChat's check is about
    form_id: Mapped[str | None] = mapped_column(String(20))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    media_file_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id"))
    item_id: Mapped[str | None] = mapped_column(String(40))  # the checklist item an image is for
    district: Mapped[str | None] = mapped_column(String(20))
    # SHA-256 of the text checked: the same words are not sent to WeChat twice.
    digest: Mapped[str | None] = mapped_column(String(64), index=True)
    # The texts by field ({"what": "…"}), and a clue's whole answers (filed on release); sealed.
    content: Mapped[dict | None] = mapped_column(EncryptedJSON)
    trace_id: Mapped[str | None] = mapped_column(String(64), index=True)  # mediaCheckAsync's
    state: Mapped[str] = mapped_column(String(20), default="checking")
    # WeChat's suggest: pass | risky | review; "unavailable" when WeChat could not be asked.
    suggest: Mapped[str | None] = mapped_column(String(20))
    label: Mapped[int | None]
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))  # filed on release
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
