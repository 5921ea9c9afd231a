"""The /_fake/ control API, driven over HTTP as another process would."""

import requests

from tests.fakewechat.conftest import get_token, send_text


def ctl(fake, method, path, **kw):
    return requests.request(method, fake.url + "_fake/" + path, **kw)


def test_calls_and_messages_over_http(wx):
    token = get_token(wx)
    send_text(wx, token, "o1", "一")
    send_text(wx, token, "o2", "二")
    calls = ctl(wx, "GET", "calls").json()["calls"]
    assert [c["path"] for c in calls] == ["cgi-bin/token", "cgi-bin/message/custom/send",
                                          "cgi-bin/message/custom/send"]
    assert calls[1]["json"]["touser"] == "o1" and calls[1]["errcode"] == 0
    assert calls[0]["query"]["appid"] == "wx_test"
    sends = ctl(wx, "GET", "calls", params={"path": "cgi-bin/message/custom/send",
                                            "since": calls[1]["id"]}).json()["calls"]
    assert [c["json"]["touser"] for c in sends] == ["o2"]
    # Control requests themselves are not recorded.
    assert len(ctl(wx, "GET", "calls").json()["calls"]) == 3

    msgs = ctl(wx, "GET", "messages", params={"openid": "o2"}).json()["messages"]
    assert [m["body"]["text"]["content"] for m in msgs] == ["二"]
    first = ctl(wx, "GET", "messages").json()["messages"][0]
    later = ctl(wx, "GET", "messages", params={"since": first["id"]}).json()["messages"]
    assert [m["openid"] for m in later] == ["o2"]


def test_faults_over_http(wx):
    token = get_token(wx)
    r = ctl(wx, "POST", "faults", json={"path": "cgi-bin/message/custom/send",
                                        "fault": "quota", "times": 2})
    assert r.status_code == 200
    assert ctl(wx, "GET", "faults").json()["faults"][0]["times"] == 2
    assert [send_text(wx, token, "o1").json()["errcode"] for _ in range(3)] == [45009, 45009, 0]
    assert ctl(wx, "GET", "faults").json()["faults"] == []
    ctl(wx, "POST", "faults", json={"fault": "slow", "seconds": 0.01, "openid": "o9"})
    assert ctl(wx, "GET", "faults").json()["faults"][0]["openid"] == "o9"


def test_bad_fault_is_400(wx):
    assert ctl(wx, "POST", "faults", json={"fault": "gremlins"}).status_code == 400
    assert ctl(wx, "POST", "faults", json={"path": "x"}).status_code == 400
    assert ctl(wx, "POST", "faults", json={"fault": "slow"}).status_code == 400
    assert ctl(wx, "GET", "faults").json()["faults"] == []


def test_media_over_http_multipart_and_raw(wx):
    token = get_token(wx)
    multi = ctl(wx, "POST", "media", files={"media": ("p.png", b"PNGBYTES", "image/png")}).json()
    raw = ctl(wx, "POST", "media", data=b"AMRBYTES", headers={"Content-Type": "audio/amr"}).json()
    assert multi["content_type"] == "image/png" and multi["size"] == 8
    for answer, data, ctype in [(multi, b"PNGBYTES", "image/png"), (raw, b"AMRBYTES", "audio/amr")]:
        got = requests.get(wx.url + "cgi-bin/media/get",
                           params={"access_token": token, "media_id": answer["media_id"]})
        assert got.content == data and got.headers["Content-Type"] == ctype
    assert ctl(wx, "POST", "media", data=b"").status_code == 400


def test_token_fetches_reset_and_expire(wx):
    token = get_token(wx)
    assert ctl(wx, "GET", "token_fetches").json() == {"token_fetches": 1}
    assert ctl(wx, "POST", "expire_tokens").json() == {"ok": True}
    assert send_text(wx, token, "o1").json()["errcode"] == 42001
    assert ctl(wx, "POST", "reset").json() == {"ok": True}
    assert ctl(wx, "GET", "token_fetches").json() == {"token_fetches": 0}
    assert ctl(wx, "GET", "calls").json()["calls"] == []


def test_user_actions_over_http(wx):
    token = get_token(wx)
    assert ctl(wx, "POST", "users/o1/unsubscribe").json() == {"ok": True}
    assert send_text(wx, token, "o1").json()["errcode"] == 43004
    ctl(wx, "POST", "users/o1/subscribe")
    ctl(wx, "POST", "users/o1/close_window")
    assert send_text(wx, token, "o1").json()["errcode"] == 45015
    ctl(wx, "POST", "users/o1/interact")
    assert send_text(wx, token, "o1").json()["errcode"] == 0
    assert ctl(wx, "POST", "users/o1/explode").status_code == 404


def test_login_code_and_menu_over_http(wx):
    code = ctl(wx, "POST", "login_code", json={"openid": "o_mp", "unionid": "u"}).json()["code"]
    answer = requests.get(wx.url + "sns/jscode2session", params={
        "appid": "wx_test", "secret": "secret", "js_code": code,
        "grant_type": "authorization_code"}).json()
    assert answer["openid"] == "o_mp" and answer["unionid"] == "u"
    assert ctl(wx, "POST", "login_code", json={}).status_code == 400
    assert ctl(wx, "GET", "menu").json() == {"menu": None}


def test_cors_for_a_page_on_another_port(wx):
    origin = {"Origin": "http://127.0.0.1:5000"}
    r = ctl(wx, "GET", "messages", headers=origin)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    pre = ctl(wx, "OPTIONS", "faults", headers={**origin, "Access-Control-Request-Method": "POST",
                                                "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
