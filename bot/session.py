"""Each resident's conversation, kept in Redis for 7 days, and handled one message at a time.

Messages from one resident are served in the order they reached us: each takes a ticket and
waits for the one before it, so two quick messages never interleave their answers.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager

from models import kv, pii

TTL_S = 7 * 24 * 3600
# After this long without a message, coming back starts with "继续上次的申请？".
RESUME_AFTER_S = 30 * 60
# A crashed handler must not block the resident forever.
TURN_WAIT_S = 10.0


def _key(openid: str, what: str) -> str:
    return f"bot:{what}:{openid}"


def load(openid: str) -> dict | None:
    raw = kv.client().get(_key(openid, "session"))
    return json.loads(pii.unseal(raw.decode())) if raw else None


def save(openid: str, session: dict) -> None:
    session["updated_at"] = time.time()
    pipe = kv.client().pipeline()
    # Sealed: the answers hold identity and phone numbers, and Redis may persist to disk.
    pipe.set(_key(openid, "session"), pii.seal(json.dumps(session, ensure_ascii=False)), ex=TTL_S)
    # Remember for longer that there was one, to say politely that it expired.
    pipe.set(_key(openid, "had"), session.get("title", ""), ex=5 * TTL_S)
    pipe.execute()


def clear(openid: str) -> None:
    kv.client().delete(_key(openid, "session"), _key(openid, "had"))


def expired_title(openid: str) -> str | None:
    """The title of an application left unfinished past 7 days, said once."""
    redis = kv.client()
    title = redis.get(_key(openid, "had"))
    if title is None or redis.exists(_key(openid, "session")):
        return None
    redis.delete(_key(openid, "had"))
    return title.decode()


@contextmanager
def turn(openid: str):
    """Serve this resident's messages one at a time, in arrival order."""
    redis = kv.client()
    tickets, serving = _key(openid, "ticket"), _key(openid, "serving")
    ticket = redis.incr(tickets)
    redis.expire(tickets, 3600)
    deadline = time.monotonic() + TURN_WAIT_S
    while True:
        served = redis.get(serving)
        # Nothing served lately (or counters restarted): this message may go at once.
        if served is None or int(served) >= ticket - 1 or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    try:
        yield
    finally:
        redis.set(serving, ticket, ex=3600)
