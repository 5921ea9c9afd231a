"""Log-in with argon2, throttled per address and per username; log-out ends the session.

Every failed log-in looks and costs the same: an unknown name, a deactivated or locked
account and a wrong password all run one argon2 verification, write one audit entry and
answer 401 with the same sentence. Every count below is keyed on what the client sent (its
address, the name typed), never on whether the account exists, so a 429 tells no names either.

Why these limits, rather than locking an account after 5 wrong passwords as before: anyone
could then keep any member of staff out with 5 requests. Now
- one address gets 5 tries per name per 15 minutes and 20 per day (then 429, for that
  address and name only), and 20 failures of any names per 15 minutes, 100 per day
  (password spraying): each wait longer than the one before;
- the account itself is only locked after ACCOUNT_LOCK failures from all addresses together,
  which one address can never reach (at most 10 in any 15 minutes): holding a colleague out
  takes several addresses at once, and while one address is throttled the real user logs in
  from their own. A lock refuses even the right password, still answering like a wrong one,
  and ends every session of the account (someone may have guessed it).
Only failures count (401 answers), so an office behind one address can log in all morning.
"""
from __future__ import annotations

import hashlib

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from limits import parse
from sqlalchemy import select

from models import Session, StaffUser, hash_password, utcnow, verify_password
from review import audit

from ..limits import limiter
from . import bp, safe_next, sessions

WRONG = "用户名或密码不对，请再试一次。"

PER_ADDRESS = "20 per 15 minutes; 100 per day"
PER_NAME_AND_ADDRESS = "5 per 15 minutes; 20 per day"
ACCOUNT_LOCK = parse("20 per 15 minutes")

_dummy_hash: str | None = None


def _typed_name() -> str:
    return request.form.get("username", "").strip()


def _name_key(username: str) -> str:
    # Hashed: the name typed may be a password, and it should not sit in Redis in clear.
    return hashlib.sha256(username.encode()).hexdigest()[:32]


def _name_at_address() -> str:
    return f"{_name_key(_typed_name())}@{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code == 401


def _spend_like_a_check(password: str) -> None:
    """No account to check: spend the same argon2 work as a wrong password does."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("not-a-password-of-anyone")
    verify_password(_dummy_hash, password)


def _locked(username: str) -> bool:
    return limiter.enabled and not limiter.limiter.test(ACCOUNT_LOCK, "staff-login-account", _name_key(username))


def _count_failure(username: str) -> bool:
    """Count a failure against the name; True when this one locks it."""
    if not limiter.enabled:
        return False
    limiter.limiter.hit(ACCOUNT_LOCK, "staff-login-account", _name_key(username))
    return _locked(username)


def authenticate(username: str, password: str) -> StaffUser | None:
    """The staff member, or None: the caller answers WRONG whatever the reason."""
    staff = Session.scalar(select(StaffUser).where(StaffUser.username == username))
    if staff is None or not staff.active:
        staff = None
    locked = _locked(username)
    # One verification on every path: the time taken tells nothing about the account.
    if staff is None:
        _spend_like_a_check(password)
        right = False
    else:
        right = verify_password(staff.password_hash, password)
    if right and not locked:
        audit.record(staff, "login", "staff", staff.id)
        Session.commit()
        return staff
    if locked:
        action = "login_locked"
    elif _count_failure(username) and staff is not None:
        action = "lockout"
        sessions.end_all(staff.id)
    else:
        action = "login_failed"
    # The name typed may be a password: only a real account is named.
    audit.record(staff, action, "staff" if staff else None, staff.id if staff else None)
    Session.commit()
    return None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS, key_func=get_remote_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(PER_NAME_AND_ADDRESS, key_func=_name_at_address, methods=["POST"], deduct_when=_failed)
def login():
    if request.method == "GET":
        return render_template("staff/login.html", next=request.args.get("next", ""))
    staff = authenticate(_typed_name(), request.form.get("password", ""))
    if staff is None:
        return render_template("staff/login.html", error=WRONG, next=request.form.get("next", ""),
                               username=request.form.get("username", "")), 401
    sessions.end(session.get("sid"))  # a log-in over an earlier one replaces it
    session.clear()  # a fresh session: nothing from before the log-in carries over
    now = utcnow().timestamp()
    session.update(staff_id=staff.id, sid=sessions.start(staff.id), since=now, seen=now)
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    audit.record(g.staff, "logout", "staff", g.staff.id)
    Session.commit()
    sessions.end(session.get("sid"))
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("staff.login"))
