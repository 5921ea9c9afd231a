"""Exclusive locks by name across processes and hosts, released the moment the holder ends,
also when its process is killed: a resident's next message never waits for a dead request.

PostgreSQL: an advisory lock on a connection of its own (the server drops it with the
connection). The embedded SQLite default runs on one machine: an flock on a file beside the
database, which the kernel drops with the process.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import text

from . import db

POLL_S = 0.01


def _number(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def _until(deadline: float, attempt) -> bool:
    while True:
        if attempt():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)


@contextmanager
def held(name: str, wait_s: float) -> Iterator[bool]:
    """Hold the lock `name` for the block; yields False if it could not be had in `wait_s`."""
    engine = db.engine()
    deadline = time.monotonic() + wait_s
    if engine.dialect.name == "postgresql":
        with _advisory(engine, _number(name), deadline) as got:
            yield got
    else:
        with _flock(engine, name, deadline) as got:
            yield got


@contextmanager
def _advisory(engine, number: int, deadline: float) -> Iterator[bool]:
    conn = engine.connect()
    try:
        def attempt() -> bool:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:n)"), {"n": number}).scalar()
            conn.commit()  # the lock is the session's, not the transaction's: don't sit idle in one
            return bool(got)

        got = _until(deadline, attempt)
        try:
            yield got
        finally:
            if got:
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(:n)"), {"n": number})
                    conn.commit()
                except Exception:
                    conn.invalidate()  # never hand a connection still holding the lock to the pool
                    raise
    finally:
        conn.close()


def _lock_dir(engine) -> Path:
    database = engine.url.database
    base = Path(database).resolve().parent if database and database != ":memory:" else Path("/tmp")
    folder = base / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _flock(engine, name: str, deadline: float) -> Iterator[bool]:
    path = _lock_dir(engine) / hashlib.sha256(name.encode()).hexdigest()[:32]
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        def attempt() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False

        got = _until(deadline, attempt)
        try:
            yield got
        finally:
            if got:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
