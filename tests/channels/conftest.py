"""Fixtures for the channels: a client of the fake WeChat API server. Queued jobs run with the
shared in-process `run_worker` (a worker process would read the test config file, which
cannot know the fake's port)."""
from __future__ import annotations

import os

import pytest

# The test configuration's Official Account (tests/conftest.py).
APP_ID, APP_SECRET = "wx_test_app", "test-secret"



@pytest.fixture
def wx(fake_wechat):
    """The shared fake WeChat server (tests/conftest.py), by the short name these tests use."""
    return fake_wechat


@pytest.fixture
def api(app, wx):
    from channels.wechat_api import WeChatAPI
    from models import kv

    with WeChatAPI.from_config(app.config, kv.client()) as client:
        yield client


def redis_url() -> str:
    """The URL of the Redis the app uses, for processes the tests start themselves."""
    from models import kv

    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    kwargs = kv.client().connection_pool.connection_kwargs
    return f"unix://{kwargs['path']}?db={kwargs.get('db', 0)}"


def reload(model, id_):
    """The row as the database has it now, not as this session last saw it."""
    from models import Session

    Session.remove()
    return Session.get(model, id_)


@pytest.fixture
def uploads(app, tmp_path):
    """Each test stores into its own var/ so files from other tests cannot look like duplicates."""
    saved = app.config["APP_VAR_DIR"]
    app.config["APP_VAR_DIR"] = str(tmp_path)
    yield tmp_path / "uploads"
    app.config["APP_VAR_DIR"] = saved
