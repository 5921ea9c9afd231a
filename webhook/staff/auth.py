"""Log-in with argon2, locked for 15 minutes after 5 wrong passwords in a row."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import select, update

from models import Session, StaffUser, hash_password, utcnow, verify_password
from review import audit

from . import bp, safe_next

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
WRONG = "用户名或密码不对，请再试一次。"

_dummy_hash: str | None = None


def _spend_like_a_check(password: str) -> None:
    """An unknown user costs as much time as a wrong password: timing tells no names."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("not-a-password-of-anyone")
    verify_password(_dummy_hash, password)


def locked_message(until) -> str:
    minutes = max(1, int((until - utcnow()).total_seconds() // 60) + 1)
    return f"密码连续输错{MAX_FAILURES}次，账号已暂时锁定，请{minutes}分钟后再试。"


def authenticate(username: str, password: str) -> tuple[StaffUser | None, str | None]:
    """(the staff member, None) on success, else (None, what to tell the person)."""
    staff = Session.scalar(select(StaffUser).where(StaffUser.username == username))
    now = utcnow()
    if staff is None or not staff.active:
        _spend_like_a_check(password)
        audit.record(None, "login_failed")  # the name typed may be a password: not kept
        Session.commit()
        return None, WRONG
    if staff.locked_until and staff.locked_until > now:
        audit.record(staff, "login_locked", "staff", staff.id)
        Session.commit()
        return None, locked_message(staff.locked_until)
    if not verify_password(staff.password_hash, password):
        # Counted in the database, so parallel guesses cannot slip past the limit.
        failures = Session.execute(update(StaffUser).where(StaffUser.id == staff.id)
                                   .values(failed_logins=StaffUser.failed_logins + 1)
                                   .returning(StaffUser.failed_logins)).scalar_one()
        if failures >= MAX_FAILURES:
            until = now + LOCK_FOR
            Session.execute(update(StaffUser).where(StaffUser.id == staff.id)
                            .values(failed_logins=0, locked_until=until))
            audit.record(staff, "lockout", "staff", staff.id)
            Session.commit()
            return None, locked_message(until)
        audit.record(staff, "login_failed", "staff", staff.id, failures=failures)
        Session.commit()
        return None, WRONG
    staff.failed_logins, staff.locked_until = 0, None
    audit.record(staff, "login", "staff", staff.id)
    Session.commit()
    return staff, None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("staff/login.html", next=request.args.get("next", ""))
    staff, problem = authenticate(request.form.get("username", "").strip(), request.form.get("password", ""))
    if staff is None:
        return render_template("staff/login.html", error=problem, next=request.form.get("next", ""),
                               username=request.form.get("username", "")), 401
    session.clear()  # a fresh session: nothing from before the log-in carries over
    now = utcnow().timestamp()
    session.update(staff_id=staff.id, since=now, seen=now)
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    audit.record(g.staff, "logout", "staff", g.staff.id)
    Session.commit()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("staff.login"))
