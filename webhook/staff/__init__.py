"""/staff: the console where staff review applications and work their cases.

Server-rendered pages that work without JavaScript. Every page needs a log-in; every form
carries a CSRF token; every query goes through review.access, so a case outside the staff
member's scope is a 404 exactly like a case that does not exist. The work is in review/.
"""
from __future__ import annotations

from datetime import timezone
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, send_file, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from models import Session, StaffUser, utcnow
from review import NotAllowed, ReviewError, audit, labels
from review.routing import CST

from . import sessions
from .format import register as register_filters
from .sessions import IDLE_TIMEOUT, MAX_SESSION

bp = Blueprint("staff", __name__, url_prefix="/staff")
register_filters(bp)  # money, yes/no, options, dates: webhook/staff/format.py

# Surfaces that are not cookie-authenticated: WeChat signs its requests, the JSON API and
# the development simulator carry no staff session. CSRF tokens are for everything else.
CSRF_EXEMPT_PREFIXES = ("/wechat", "/api/", "/simulator")


class _CSRF(CSRFProtect):
    def protect(self):
        if request.path.startswith(CSRF_EXEMPT_PREFIXES):
            return None
        return super().protect()


csrf = _CSRF()


def init_app(app: Flask) -> None:
    # Tests switch CSRF on where they test it (tests/staff/conftest.py `csrf` fixture).
    app.config.setdefault("WTF_CSRF_ENABLED", not app.testing)
    csrf.init_app(app)
    app.register_blueprint(bp)


@bp.app_template_filter("local")
def local_time(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (naive UTC) moment as Xiamen time."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=timezone.utc).astimezone(CST).strftime(fmt)


@bp.context_processor
def template_names():
    return {"labels": labels, "staff": g.get("staff")}


@bp.before_request
def require_login():
    g.staff = None
    if request.endpoint in ("staff.login",):
        return None
    staff_id = session.get("staff_id")
    if not staff_id:
        session.clear()
        return redirect(url_for("staff.login", next=request.full_path if request.method == "GET" else None))
    sid = session.get("sid")
    if not sessions.is_live(sid, staff_id):
        # Logged out elsewhere, ended by a lock-out or deactivation, or lost by Redis: the
        # signed cookie alone is never enough.
        session.clear()
        flash("您的登录已失效，请重新登录。", "info")
        return redirect(url_for("staff.login"))
    staff = Session.get(StaffUser, staff_id)
    if staff is None or not staff.active:
        sessions.end_all(staff_id)
        session.clear()
        return redirect(url_for("staff.login"))
    now = utcnow().timestamp()
    if now - session.get("seen", 0) > IDLE_TIMEOUT.total_seconds() or \
            now - session.get("since", 0) > MAX_SESSION.total_seconds():
        sessions.end(sid)
        session.clear()
        audit.record(staff, "session_expired", "staff", staff.id)
        Session.commit()
        flash("您已经很久没有操作，为了安全已自动退出，请重新登录。", "info")
        return redirect(url_for("staff.login"))
    session["seen"] = now
    g.staff = staff
    return None


@bp.after_request
def private_pages(response):
    """Console pages carry personal data: never cached, never framed by another site."""
    response.headers.setdefault("Cache-Control", "private, no-store")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.errorhandler(CSRFError)
def stale_form(err: CSRFError):
    return render_template("error.html", code=400,
                           message="这个页面已经失效了，请返回、刷新页面后再提交一次。"), 400


@bp.errorhandler(NotAllowed)
def not_allowed(err: NotAllowed):
    return render_template("error.html", code=403, message=err.message), 403


def found(obj):
    """The object, or 404: out of scope and missing look the same."""
    if obj is None:
        abort(404)
    return obj


def act(work, done: str, back: str):
    """Run a review action and commit it (the edge owns the transaction: the parts below only
    add rows); flash its outcome and go back (post/redirect/get)."""
    try:
        work()
        Session.commit()
    except NotAllowed:
        Session.rollback()
        raise
    except ReviewError as err:
        Session.rollback()
        flash(err.message, "error")
    else:
        flash(done, "ok")
    return redirect(back)


def safe_next(target: str | None) -> str:
    """Only paths inside the console: a log-in link cannot send staff elsewhere."""
    if target and target.startswith("/staff/") and not urlsplit(target).netloc and "//" not in target \
            and "\\" not in target:
        return target
    return url_for("staff.queue")


def private_file(stored):
    """A resident's stored photo or PDF (or 404): never cached, never run, never framed."""
    path, content_type = found(stored)
    Session.commit()  # the audit entry of the view
    response = send_file(path, mimetype=content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox"
    return response


def form_list(name: str) -> list[str]:
    return [value for value in request.form.getlist(name) if value]


from . import applications, auth, casework, operations, reports  # noqa: E402,F401  (routes on bp)
from . import employment  # noqa: E402,F401  (the 112 pages, on bp)
from . import moderation  # noqa: E402,F401  (待阅读内容: content held for staff, on bp)
from . import registries  # noqa: E402,F401  (部门数据导入, 主动发现待办, on bp)
from . import annual, standards  # noqa: E402,F401  (年度复核, 标准调整, on bp)
