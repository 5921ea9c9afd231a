"""Shared fixtures: one app per test session on the embedded defaults, or on PostgreSQL and
a Redis server when DATABASE_URL / REDIS_URL are set (CI sets both).

Every process a test starts (a worker, a command) reads the same configuration file, which
this module writes and names in YITANG_CONFIG, so a developer's own config.toml never leaks
into the tests.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL_DB = os.environ.get("DATABASE_URL", "")
EXTERNAL_REDIS = os.environ.get("REDIS_URL", "")

TEST_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def config_file(var_dir) -> Path:
    config = {
        "app": {"env": "testing", "var_dir": str(var_dir)},
        "wechat": {"token": "test-token", "app_id": "wx_test_app", "app_secret": "test-secret",
                   "encoding_aes_key": TEST_AES_KEY,
                   # compat takes plaintext and encrypted messages alike; tests of safe mode set it.
                   "mode": "compat",
                   # Conversation tests answer a whole form within seconds; flood tests lower it.
                   "message_rate_limit": "10000 per minute"},
        "database": {"url": EXTERNAL_DB or f"sqlite:///{var_dir / 'test.db'}"},
        "redis": {"url": EXTERNAL_REDIS},
        "security": {"secret_key": "test-secret-key", "pii_key": "test-pii-key"},
        "queue": {"retry_max": 2, "retry_intervals": [0]},
    }
    path = var_dir / "test-config.toml"
    path.write_bytes(tomli_w.dumps(config).encode())
    os.environ["YITANG_CONFIG"] = str(path)
    return path


@pytest.fixture(scope="session")
def app(config_file, var_dir):
    from models import db, migrate
    from webhook import create_app

    application = create_app({"TESTING": True})
    if db.engine().dialect.name == "postgresql":
        reset_postgres_schema(db.engine())
    migrate.upgrade()
    yield application
    if not EXTERNAL_REDIS:
        from models import kv

        kv.stop_embedded(var_dir)


def reset_postgres_schema(engine) -> None:
    """The CI database is the suite's own: start from an empty schema every run."""
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test starts with empty tables and an empty Redis."""
    yield
    if "app" not in request.fixturenames:
        return
    from sqlalchemy import text

    from models import Base, Session, db, kv

    Session.remove()
    with db.engine().begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))
    kv.client().flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


def run_flask(*args: str, timeout: float = 120, input: str | None = None) -> subprocess.CompletedProcess:
    """Run `python -m flask --app webhook ARGS` as a separate process, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webhook", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, input=input,
        env={**os.environ},
    )


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a real loopback port, for concurrent deliveries and the browser."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


@pytest.fixture
def fake_wechat(app):
    """The fake WeChat API server, with the app pointed at it for the test."""
    from fakewechat import FakeWeChat

    fake = FakeWeChat(app_id=app.config["WECHAT_APP_ID"], app_secret=app.config["WECHAT_APP_SECRET"]).start()
    saved = app.config["WECHAT_API_BASE_URL"]
    app.config["WECHAT_API_BASE_URL"] = fake.url
    yield fake
    app.config["WECHAT_API_BASE_URL"] = saved
    fake.stop()


def run_jobs(app) -> None:
    """Run every queued job in this process, as a burst worker would; then read afresh.
    Retries already due (the test configuration retries at once) are moved onto the queues
    first by RQ's scheduler, as the `flask scheduler` process would."""
    from models import Session
    from tasks import worker

    with app.app_context():
        worker.run(burst=True, with_scheduler=True)
    Session.remove()


@pytest.fixture
def run_worker(app):
    return lambda: run_jobs(app)


CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; never a browser a tool downloads."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI, but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def screenshot():
    """Save a page's screenshot under test-artifacts/screenshots/ (gitignored) for review."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
