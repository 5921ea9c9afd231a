"""The mini-program side: a fake WeChat that knows the mini-program's credentials, and a
resident who signs in through POST /api/mp/login as wx.login() + the app would."""
import pytest

from tests.bot.conftest import Chat

MP_APP_ID, MP_APP_SECRET = "wx_test_miniprogram", "test-mp-secret"


class MiniProgram:
    def __init__(self, client, fake, mp_openid="o-mp-resident", unionid=None):
        self.client, self.fake, self.mp_openid, self.unionid = client, fake, mp_openid, unionid
        self.token = None

    def login(self) -> dict:
        code = self.fake.login_code(self.mp_openid, self.unionid)
        response = self.client.post("/api/mp/login", json={"code": code})
        assert response.status_code == 200, response.get_json()
        self.token = response.get_json()["token"]
        return response.get_json()

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.auth, **kw)

    def post(self, path, **kw):
        return self.client.post(path, headers=self.auth, **kw)

    def patch(self, path, **kw):
        return self.client.patch(path, headers=self.auth, **kw)

    def upload(self, draft_id, slot, content: bytes, name="photo.png"):
        import io

        return self.client.post(f"/api/mp/applications/{draft_id}/documents", headers=self.auth,
                                data={"slot": slot, "file": (io.BytesIO(content), name)},
                                content_type="multipart/form-data")


@pytest.fixture
def mp_wechat(app):
    """The fake WeChat API with the Official Account's and the mini-program's credentials."""
    from fakewechat import FakeWeChat

    fake = FakeWeChat(app_id=app.config["WECHAT_APP_ID"], app_secret=app.config["WECHAT_APP_SECRET"],
                      mp_app_id=MP_APP_ID, mp_app_secret=MP_APP_SECRET).start()
    saved = {key: app.config[key] for key in ("WECHAT_API_BASE_URL", "MINIPROGRAM_APP_ID", "MINIPROGRAM_APP_SECRET")}
    app.config.update(WECHAT_API_BASE_URL=fake.url, MINIPROGRAM_APP_ID=MP_APP_ID, MINIPROGRAM_APP_SECRET=MP_APP_SECRET)
    yield fake
    app.config.update(saved)
    fake.stop()


@pytest.fixture
def fake_wechat(mp_wechat):
    """The chat fixture (tests/bot/conftest.py) talks to the same fake."""
    return mp_wechat


@pytest.fixture
def resident(client, mp_wechat):
    mini = MiniProgram(client, mp_wechat)
    mini.login()
    return mini


@pytest.fixture
def other(client, mp_wechat):
    mini = MiniProgram(client, mp_wechat, mp_openid="o-mp-someone-else")
    mini.login()
    return mini


@pytest.fixture
def chat(app, client, mp_wechat):
    return Chat(app, client, mp_wechat)
