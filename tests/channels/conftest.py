"""Fixtures for the channels: the fake WeChat API server with the test app's credentials,
and an in-process worker that reaches it (a worker process would read the test config file,
which cannot know the fake's port)."""
from __future__ import annotations

import os

import pytest

from fakewechat import FakeWeChat

APP_ID, APP_SECRET = "wx_test_app", "test-secret"


@pytest.fixture
def wx(app):
    fake = FakeWeChat(APP_ID, APP_SECRET).start()
    saved = app.config["WECHAT_API_BASE_URL"]
    app.config["WECHAT_API_BASE_URL"] = fake.url
    yield fake
    app.config["WECHAT_API_BASE_URL"] = saved
    fake.stop()


@pytest.fixture
def api(app, wx):
    from channels.wechat_api import WeChatAPI
    from models import kv

    with WeChatAPI.from_config(app.config, kv.client()) as client:
        yield client


@pytest.fixture
def run_worker(app):
    """Run what is queued (retries included) in this process, then return."""
    from tasks import worker

    def run():
        with app.app_context():
            worker.run(burst=True)

    return run


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
