"""Log-in, lock-out after five wrong passwords, session expiry and cookie settings."""
from datetime import timedelta

from sqlalchemy import select

from models import AuditEntry, Session, StaffUser, utcnow
from tests.review.fixtures import make_staff, reload
from tests.staff.conftest import log_in


def test_pages_need_a_log_in(app, client):
    response = client.get("/staff/queue")
    assert response.status_code == 302 and "/staff/login?next=/staff/queue" in response.location


def test_log_in_and_out(app, client):
    make_staff("lin")
    response = log_in(client, "lin")
    assert response.status_code == 302 and response.location.endswith("/staff/queue")
    assert "lin" in client.get("/staff/queue").get_data(as_text=True)
    response = client.post("/staff/logout", follow_redirects=True)
    assert "您已安全退出" in response.get_data(as_text=True)
    assert client.get("/staff/queue").status_code == 302
    assert Session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == ["login", "logout"]


def test_wrong_password_and_unknown_user_read_the_same(app, client):
    make_staff("lin")
    wrong = log_in(client, "lin", "not-the-password")
    unknown = log_in(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不对" in wrong.get_data(as_text=True)
    assert "用户名或密码不对" in unknown.get_data(as_text=True)
    entries = Session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.staff_name) for e in entries] == [("login_failed", "lin"), ("login_failed", None)]
    assert all("nobody" not in str(e.detail) for e in entries)


def test_five_wrong_passwords_lock_the_account_for_15_minutes(app, client):
    staff = make_staff("lin")
    for _ in range(4):
        assert "用户名或密码不对" in log_in(client, "lin", "guess").get_data(as_text=True)
    fifth = log_in(client, "lin", "guess").get_data(as_text=True)
    assert "账号已暂时锁定，请15分钟后再试" in fifth
    # Locked: even the right password is refused.
    right = log_in(client, "lin")
    assert right.status_code == 401 and "账号已暂时锁定" in right.get_data(as_text=True)
    locked = reload(StaffUser, staff.id)
    assert timedelta(minutes=14) < locked.locked_until - utcnow() <= timedelta(minutes=15)
    actions = Session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["login_failed"] * 4 + ["lockout", "login_locked"]

    locked.locked_until = utcnow() - timedelta(seconds=1)  # fifteen minutes later
    Session.commit()
    assert log_in(client, "lin").status_code == 302
    assert reload(StaffUser, staff.id).failed_logins == 0


def test_a_success_clears_the_count_of_failures(app, client):
    staff = make_staff("lin")
    for _ in range(4):
        log_in(client, "lin", "guess")
    log_in(client, "lin")
    log_in(client, "lin", "guess")
    assert reload(StaffUser, staff.id).failed_logins == 1


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(app, client):
    staff = make_staff("lin")
    log_in(client, "lin")
    reload(StaffUser, staff.id).active = False
    Session.commit()
    assert client.get("/staff/queue").status_code == 302
    assert log_in(client, "lin").status_code == 401


def test_idle_sessions_expire(app, client):
    make_staff("lin")
    log_in(client, "lin")
    with client.session_transaction() as session:
        session["seen"] -= 31 * 60
    response = client.get("/staff/queue", follow_redirects=True)
    assert "已自动退出" in response.get_data(as_text=True)
    assert client.get("/staff/queue").status_code == 302
    assert Session.scalar(select(AuditEntry).where(AuditEntry.action == "session_expired")) is not None


def test_a_session_lasts_a_working_day_at_most(app, client):
    make_staff("lin")
    log_in(client, "lin")
    with client.session_transaction() as session:
        session["since"] -= 13 * 3600
    assert client.get("/staff/queue").status_code == 302


def test_after_log_in_back_to_the_page_asked_for_but_never_elsewhere(app, client):
    make_staff("lin")
    response = client.post("/staff/login", data={"username": "lin", "password": "a-long-test-password",
                                                 "next": "/staff/dashboard"})
    assert response.location.endswith("/staff/dashboard")
    for target in ("https://evil.example/", "//evil.example/staff/", "/staff/\\evil"):
        client.post("/staff/logout")
        response = client.post("/staff/login", data={"username": "lin", "password": "a-long-test-password",
                                                     "next": target})
        assert response.location.endswith("/staff/queue")


def test_session_cookie_is_http_only_and_same_site(app, client):
    make_staff("lin")
    cookie = log_in(client, "lin").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_are_neither_cached_nor_framed(app, client):
    make_staff("lin")
    log_in(client, "lin")
    response = client.get("/staff/queue")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
