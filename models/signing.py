"""Signatures taken on the resident's phone, and what is known about a kept document.

A SigningLink is one adult member's single-use link to sign one declaration of one
application (review/signing.py). Only a hash of its token is stored: the link itself lives in
the resident's chat. Once signed it keeps who signed (name sealed), when, the hash of the exact
text signed and the stored signature image.

A DocumentExpiry records a document's own expiry date when it is known (an ID card's 有效期),
so a household's kept document is reused until then rather than for the default period
(review/document_validity.yaml).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .household import utcnow
from .pii import Encrypted


class SigningLink(Base):
    __tablename__ = "signing_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(40))  # property_declaration | econ_check_authorisation
    member: Mapped[int] = mapped_column(default=0)  # the signer's position among the members
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    # open → signed | revoked (a newer link replaced it) | locked (too many wrong names or digits)
    state: Mapped[str] = mapped_column(String(20), default="open")
    expires_at: Mapped[datetime]
    failed_attempts: Mapped[int] = mapped_column(default=0)
    signer_name: Mapped[str | None] = mapped_column(Encrypted)
    # True when name and digits matched what the household record holds; False when there was
    # nothing to check them against (a member whose identity number was never given).
    checked: Mapped[bool | None]
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    signature_media_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id"))
    signed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocumentExpiry(Base):
    __tablename__ = "document_expiries"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("application_documents.id", ondelete="CASCADE"), primary_key=True)
    valid_until: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
