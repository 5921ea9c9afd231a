"""Sessions are registered on the server: log-out, lock-out and deactivation really end them."""
from models import Session, StaffUser, kv
from tests.review.fixtures import make_staff, reload
from tests.staff.conftest import log_in
from webhook.staff import sessions


def copied_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str, **kwargs):
    """The same cookie, sent again from another browser (someone who copied it)."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/staff/queue", **kwargs)


def test_an_old_cookie_is_refused_after_log_out(app, client):
    make_staff("lin")
    log_in(client, "lin")
    stolen = copied_cookie(client)
    assert replay(app, stolen).status_code == 200
    client.post("/staff/logout")
    response = replay(app, stolen)
    assert response.status_code == 302 and "/staff/login" in response.location


def test_a_replayed_cookie_is_told_to_log_in_again(app, client):
    make_staff("lin")
    log_in(client, "lin")
    stolen = copied_cookie(client)
    client.post("/staff/logout")
    page = replay(app, stolen, follow_redirects=True)
    assert "您的登录已失效，请重新登录" in page.get_data(as_text=True)


def test_logging_out_ends_only_that_session(app, client):
    staff = make_staff("lin")
    at_home = app.test_client()
    log_in(client, "lin")
    log_in(at_home, "lin")
    assert sessions.live_count(staff.id) == 2
    client.post("/staff/logout")
    assert client.get("/staff/queue").status_code == 302
    assert at_home.get("/staff/queue").status_code == 200


def test_logging_in_again_replaces_the_session_of_that_browser(app, client):
    staff = make_staff("lin")
    log_in(client, "lin")
    first = copied_cookie(client)
    log_in(client, "lin")
    assert sessions.live_count(staff.id) == 1
    assert replay(app, first).status_code == 302


def test_ending_every_session_of_a_user_logs_them_out_everywhere(app, client):
    lin, wu = make_staff("lin"), make_staff("wu")
    at_home, colleague = app.test_client(), app.test_client()
    log_in(client, "lin")
    log_in(at_home, "lin")
    log_in(colleague, "wu")
    assert sessions.end_all(lin.id) == 2
    assert client.get("/staff/queue").status_code == 302
    assert at_home.get("/staff/queue").status_code == 302
    assert colleague.get("/staff/queue").status_code == 200
    assert sessions.live_count(wu.id) == 1


def test_deactivation_ends_every_session_for_good(app, client):
    staff = make_staff("lin")
    at_home = app.test_client()
    log_in(client, "lin")
    log_in(at_home, "lin")
    reload(StaffUser, staff.id).active = False
    Session.commit()
    assert client.get("/staff/queue").status_code == 302
    assert sessions.live_count(staff.id) == 0
    # Switched back on, the account needs a fresh log-in: the old sessions stay ended.
    reload(StaffUser, staff.id).active = True
    Session.commit()
    assert at_home.get("/staff/queue").status_code == 302


def test_a_session_redis_has_lost_ends(app, client):
    make_staff("lin")
    log_in(client, "lin")
    kv.client().flushdb()
    response = client.get("/staff/queue", follow_redirects=True)
    assert "您的登录已失效，请重新登录" in response.get_data(as_text=True)


def test_an_expired_session_cannot_be_replayed(app, client):
    staff = make_staff("lin")
    log_in(client, "lin")
    fresh = copied_cookie(client)  # copied while the session was still fresh
    with client.session_transaction() as session:
        session["seen"] -= 31 * 60
    assert client.get("/staff/queue").status_code == 302
    assert sessions.live_count(staff.id) == 0
    assert replay(app, fresh).status_code == 302


def test_a_session_record_lives_twelve_hours_at_most(app, client):
    staff = make_staff("lin")
    log_in(client, "lin")
    with client.session_transaction() as session:
        sid = session["sid"]
    assert 11 * 3600 < kv.client().ttl(f"staff:session:{sid}") <= 12 * 3600
    assert kv.client().get(f"staff:session:{sid}") == str(staff.id).encode()
