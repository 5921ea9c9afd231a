"""Encryption at rest for identity and phone numbers.

Values are sealed with AES-GCM under SECURITY_PII_KEY; a keyed HMAC of the normalised
value is stored beside them (a "blind index") so records can be found by identity number
without ever storing it in clear.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

_keys: dict[str, bytes] = {}


def configure(secret: str) -> None:
    if not secret:
        raise ValueError("SECURITY_PII_KEY is empty")
    root = hashlib.sha256(secret.encode()).digest()
    _keys["enc"] = hmac.new(root, b"yitang-pii-encrypt", hashlib.sha256).digest()
    _keys["index"] = hmac.new(root, b"yitang-pii-index", hashlib.sha256).digest()


def _key(name: str) -> bytes:
    if name not in _keys:
        raise RuntimeError("models.pii.configure() has not been called")
    return _keys[name]


def seal(value: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key("enc")).encrypt(nonce, value.encode(), None)
    return "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(token: str) -> str:
    if not token.startswith("v1:"):
        raise ValueError("not a sealed value")
    raw = base64.urlsafe_b64decode(token[3:])
    return AESGCM(_key("enc")).decrypt(raw[:12], raw[12:], None).decode()


def blind_index(value: str) -> str:
    normalised = value.strip().upper()
    return hmac.new(_key("index"), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str | None, keep_start: int = 3, keep_end: int = 4) -> str:
    """What a list shows: 350203********1234 / 138****5678."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class Encrypted(TypeDecorator):
    """A string column stored sealed; Python code sees the clear value."""

    impl = Text  # sealed values are longer than the clear text; no length to outgrow
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else seal(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # Rows written before a column was sealed (migration 0004) read as they were.
        return unseal(value) if value.startswith("v1:") else value


class EncryptedJSON(TypeDecorator):
    """A JSON value stored sealed: messages residents type can hold identity numbers."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else seal(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return json.loads(unseal(value) if value.startswith("v1:") else value)
