"""Exclusive locks by name across processes and hosts, released the moment the holder ends,
also when its process is killed: a resident's next message never waits for a dead request.

PostgreSQL: an advisory lock on a connection of its own (the server drops it with the
connection). The embedded SQLite default runs on one machine: an flock on a file beside the
database, which the kernel drops with the process.
"""
from __future__ import annotations

import fcntl
import functools
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


_TRY_LOCK = text("SELECT pg_try_advisory_lock(:n)")
_UNLOCK = text("SELECT pg_advisory_unlock(:n)")


@contextmanager
def _advisory(engine, number: int, deadline: float) -> Iterator[bool]:
    # Autocommit: the lock is the session's, not a transaction's, so there is nothing to
    # commit after each attempt (a round trip each) and the connection never sits idle in one.
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = _until(deadline, lambda: bool(conn.execute(_TRY_LOCK, {"n": number}).scalar()))
        try:
            yield got
        finally:
            if got:
                try:
                    conn.execute(_UNLOCK, {"n": number})
                except Exception:
                    conn.invalidate()  # never hand a connection still holding the lock to the pool
                    raise
    finally:
        conn.close()


@functools.cache
def _lock_dir(database: str | None) -> Path:
    """Made once per database file, not once per lock."""
    base = Path(database).resolve().parent if database and database != ":memory:" else Path("/tmp")
    folder = base / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _flock(engine, name: str, deadline: float) -> Iterator[bool]:
    path = _lock_dir(engine.url.database) / hashlib.sha256(name.encode()).hexdigest()[:32]
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


@contextmanager
def sqlite_writer(dbapi_connection=None) -> Iterator[None]:
    """The embedded SQLite file takes one write transaction at a time: queue this one behind
    those of every process on the machine, woken the moment the last one commits.

    SQLite's own busy handler polls with sleeps of up to 100 ms, so under a steady stream of
    short writes most writers sleep while the file is free (p50 110 ms in bench/webhook.py).
    Nothing on PostgreSQL; skipped when `dbapi_connection` is inside a write already (it
    holds SQLite's lock, and waiting here could wait on itself). Only a speed-up: writers
    outside it still take turns through SQLite's lock."""
    engine = db.engine()
    if engine.dialect.name != "sqlite" or getattr(dbapi_connection, "in_transaction", False):
        yield
        return
    fd = os.open(_lock_dir(engine.url.database) / "sqlite-writer", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # the holder only ever waits on SQLite, which times out
        yield
    finally:
        os.close(fd)  # releases the lock
