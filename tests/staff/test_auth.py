"""Log-in, throttles and lock-out that tell no names, session expiry and cookie settings."""
import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from models import AuditEntry, Session, StaffUser
from tests.review.fixtures import PASSWORD, make_staff, reload
from webhook.limits import limiter
from webhook.staff import auth
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


def failed_page(response) -> str:
    """A refused log-in page without what legitimately differs: the CSRF token and the name typed."""
    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
    return re.sub(r'id="username" name="username" value="[^"]*"', 'id="username" name="username" value=""', html)


@pytest.fixture
def verifications(monkeypatch):
    """How many argon2 verifications ran: a counter on the library's own call, which still runs."""
    calls = []
    real = PasswordHasher.verify

    def counted(self, stored_hash, password):
        calls.append(stored_hash)
        return real(self, stored_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return calls


def from_address(client, address: str, username: str, password: str = PASSWORD):
    return client.post("/staff/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def lock_by_many_addresses(client, username: str) -> None:
    """Enough wrong passwords to lock the account, each address staying under its own limit."""
    for n in range(4):
        for _ in range(5):
            assert from_address(client, f"10.1.0.{n}", username, "guess").status_code == 401


def test_unknown_user_wrong_password_and_locked_account_read_the_same(app, client, verifications):
    make_staff("lin")
    make_staff("wu")
    make_staff("gone").active = False
    Session.commit()
    lock_by_many_addresses(client, "wu")
    verifications.clear()
    before = Session.scalar(select(func.max(AuditEntry.id)))

    answers = {
        "wrong password": from_address(client, "10.0.0.1", "lin", "not-the-password"),
        "unknown user": from_address(client, "10.0.0.2", "nobody", "not-the-password"),
        "locked, right password": from_address(client, "10.0.0.3", "wu"),
        "locked, wrong password": from_address(client, "10.0.0.4", "wu", "not-the-password"),
        "deactivated": from_address(client, "10.0.0.5", "gone"),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 401)
    pages = {failed_page(r) for r in answers.values()}
    assert len(pages) == 1 and "用户名或密码不对" in pages.pop()
    assert all("锁定" not in r.get_data(as_text=True) for r in answers.values())
    # The same argon2 work each time: one verification per attempt, whoever was named.
    assert len(verifications) == len(answers)

    entries = Session.scalars(select(AuditEntry).where(AuditEntry.id > before).order_by(AuditEntry.id)).all()
    assert [(e.action, e.staff_name) for e in entries] == [
        ("login_failed", "lin"), ("login_failed", None), ("login_locked", "wu"), ("login_locked", "wu"),
        ("login_failed", None)]
    assert all("nobody" not in str(e.detail) for e in entries)


def test_one_address_is_throttled_after_five_wrong_passwords_for_a_name(app, client):
    make_staff("lin")
    for username in ("lin", "nobody"):  # a real name and an unknown one alike
        for _ in range(5):
            assert from_address(client, "10.0.0.9", username, "guess").status_code == 401
        throttled = from_address(client, "10.0.0.9", username)  # even the right password now waits
        assert throttled.status_code == 429
        assert "操作太频繁了，请稍后再试" in throttled.get_data(as_text=True)
        assert int(throttled.headers["Retry-After"]) > 0


def test_the_real_user_logs_in_from_elsewhere_while_an_address_hammers_their_name(app, client):
    make_staff("lin")
    for _ in range(10):
        from_address(client, "10.0.0.9", "lin", "guess")
    assert from_address(client, "10.0.0.9", "lin", "guess").status_code == 429
    response = from_address(client, "10.0.0.7", "lin")
    assert response.status_code == 302 and response.location.endswith("/staff/queue")
    assert "lin" in client.get("/staff/queue").get_data(as_text=True)


def test_one_address_trying_many_names_is_throttled(app, client):
    for n in range(20):
        assert from_address(client, "10.0.0.9", f"name{n}", "guess").status_code == 401
    assert from_address(client, "10.0.0.9", "another", "guess").status_code == 429
    assert from_address(client, "10.0.0.8", "another", "guess").status_code == 401


def test_only_failures_count_so_an_office_behind_one_address_can_log_in(app, client):
    make_staff("lin")
    for _ in range(6):
        assert from_address(client, "10.0.0.9", "lin").status_code == 302
        client.post("/staff/logout")
    for _ in range(5):
        assert from_address(client, "10.0.0.9", "lin", "guess").status_code == 401
    assert from_address(client, "10.0.0.9", "lin", "guess").status_code == 429


def test_wrong_passwords_from_many_addresses_lock_the_account_and_end_its_sessions(app, client):
    staff = make_staff("lin")
    at_work = app.test_client()
    assert from_address(at_work, "10.0.0.7", "lin").status_code == 302
    lock_by_many_addresses(client, "lin")

    # Someone may have guessed it: the session open at work ends too.
    response = at_work.get("/staff/queue", follow_redirects=True)
    assert "登录已失效，请重新登录" in response.get_data(as_text=True)
    # Locked: even the right password, from anywhere, is refused, and it reads like a wrong one.
    assert from_address(at_work, "10.0.0.7", "lin").status_code == 401
    actions = Session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["login"] + ["login_failed"] * 19 + ["lockout", "login_locked"]
    assert reload(StaffUser, staff.id).active

    # Fifteen minutes later the lock has run out by itself.
    limiter.limiter.clear(auth.ACCOUNT_LOCK, "staff-login-account", auth._name_key("lin"))
    assert from_address(at_work, "10.0.0.7", "lin").status_code == 302


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
