"""POST /api/mp/login: wx.login()'s code for an opaque token the server can end."""
from models import MiniProgramUser, Session, kv
from tests.mp.conftest import MiniProgram


def test_a_code_signs_in_and_the_token_opens_the_api(client, mp_wechat):
    mini = MiniProgram(client, mp_wechat)
    answer = mini.login()
    assert answer["expires_in"] > 0 and len(answer["token"]) >= 40
    assert mini.get("/api/mp/applications").status_code == 200
    # Only a hash of the token is kept, and the session_key never leaves the server.
    keys = [k.decode() for k in kv.client().keys("mp:token:*")]
    assert keys and all(answer["token"] not in k for k in keys)
    assert b"session_key" not in client.post("/api/mp/login", json={
        "code": mp_wechat.login_code("o-x")}).data
    user = Session.query(MiniProgramUser).filter_by(mp_openid="o-mp-resident").one()
    assert user.chat_openid == "o-mp-resident"


def test_a_replayed_code_is_401_with_a_message(client, mp_wechat):
    code = mp_wechat.login_code("o-mp-resident")
    assert client.post("/api/mp/login", json={"code": code}).status_code == 200
    again = client.post("/api/mp/login", json={"code": code})
    assert again.status_code == 401 and "重新登录" in again.get_json()["error"]


def test_an_expired_or_unknown_code_is_401(client, mp_wechat):
    code = mp_wechat.login_code("o-mp-resident")
    mp_wechat.expire_login_codes()
    assert client.post("/api/mp/login", json={"code": code}).status_code == 401
    assert client.post("/api/mp/login", json={"code": "made-up"}).status_code == 401


def test_logout_ends_the_token_and_an_expired_one_is_401(client, mp_wechat):
    mini = MiniProgram(client, mp_wechat)
    mini.login()
    assert mini.post("/api/mp/logout").status_code == 200
    assert mini.get("/api/mp/applications").status_code == 401
    mini.login()
    kv.client().delete(*kv.client().keys("mp:token:*"))  # what the TTL does after 2 hours
    assert mini.get("/api/mp/me").status_code == 401


def test_bad_login_bodies_name_the_field(client, mp_wechat):
    assert client.post("/api/mp/login", json={"code": 5}).get_json()["field"] == "code"
    assert client.post("/api/mp/login", json={"code": "x", "extra": 1}).get_json()["field"] == "extra"
    assert client.post("/api/mp/login", data="code=x").status_code == 400


def test_every_call_but_login_needs_a_token(client, mp_wechat):
    calls = [("get", "/api/mp/me"), ("get", "/api/mp/applications"), ("post", "/api/mp/applications"),
             ("get", "/api/mp/applications/dibao"), ("patch", "/api/mp/applications/dibao"),
             ("post", "/api/mp/applications/dibao/verdict"), ("post", "/api/mp/applications/dibao/documents"),
             ("post", "/api/mp/applications/dibao/submit"), ("post", "/api/mp/applications/dibao/withdraw"),
             ("post", "/api/mp/logout")]
    for method, path in calls:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
            response = getattr(client, method)(path, headers=headers, json={})
            assert response.status_code == 401, (method, path, headers)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
