"""The console's session registry in Redis, so a session can be ended from the server side.

Flask's session is a signed cookie: on its own it stays valid until it expires, whatever
happens on the server. So the cookie also carries a random session id, and a session is live
only while Redis holds `staff:session:<sid>` (→ the staff id, for 12 hours at most). Each
staff member's ids are listed in the set `staff:sessions:<staff_id>`, so every session of one
person can be ended at once (lock-out, deactivation, a password change). A record Redis has
lost ends the session: the registry fails closed.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from models import kv

# Staff are logged out after this long without a request, and after a working day at most.
IDLE_TIMEOUT = timedelta(minutes=30)
MAX_SESSION = timedelta(hours=12)

_TTL = int(MAX_SESSION.total_seconds())


def _session_key(sid: str) -> str:
    return f"staff:session:{sid}"


def _user_key(staff_id: int) -> str:
    return f"staff:sessions:{staff_id}"


def start(staff_id: int) -> str:
    """Register a new session for the staff member; the id goes into the cookie."""
    sid = secrets.token_urlsafe(32)
    redis = kv.client()
    _forget_expired(staff_id)
    with redis.pipeline() as pipe:
        pipe.set(_session_key(sid), staff_id, ex=_TTL)
        pipe.sadd(_user_key(staff_id), sid)
        # Every member expires within 12 hours, so the list need not outlive the newest one.
        pipe.expire(_user_key(staff_id), _TTL)
        pipe.execute()
    return sid


def is_live(sid: str | None, staff_id: int) -> bool:
    """Whether the session is still registered, and for this staff member."""
    if not sid:
        return False
    owner = kv.client().get(_session_key(sid))
    return owner is not None and int(owner) == staff_id


def end(sid: str | None) -> None:
    """End one session (log-out, a session that timed out)."""
    if not sid:
        return
    redis = kv.client()
    owner = redis.get(_session_key(sid))
    with redis.pipeline() as pipe:
        pipe.delete(_session_key(sid))
        if owner is not None:
            pipe.srem(_user_key(int(owner)), sid)
        pipe.execute()


def end_all(staff_id: int) -> int:
    """End every session of the staff member, wherever it was opened; how many were live."""
    redis = kv.client()
    sids = [sid.decode() for sid in redis.smembers(_user_key(staff_id))]
    if not sids:
        return 0
    with redis.pipeline() as pipe:
        pipe.delete(*(_session_key(sid) for sid in sids))
        # Only the ids read above: a log-in racing this one keeps its own entry.
        pipe.srem(_user_key(staff_id), *sids)
        ended, _ = pipe.execute()
    return ended


def live_count(staff_id: int) -> int:
    """How many sessions of the staff member are live."""
    _forget_expired(staff_id)
    return kv.client().scard(_user_key(staff_id))


def _forget_expired(staff_id: int) -> None:
    """Drop ids whose record has expired, so the list stays as short as the live sessions."""
    redis = kv.client()
    sids = list(redis.smembers(_user_key(staff_id)))
    if not sids:
        return
    with redis.pipeline(transaction=False) as pipe:
        for sid in sids:
            pipe.exists(_session_key(sid.decode()))
        alive = pipe.execute()
    gone = [sid for sid, exists in zip(sids, alive) if not exists]
    if gone:
        redis.srem(_user_key(staff_id), *gone)
