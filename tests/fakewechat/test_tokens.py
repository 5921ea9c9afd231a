import time

import requests

from fakewechat import FakeWeChat
from tests.fakewechat.conftest import APP_ID, APP_SECRET, get_token, send_text


def fetch(fake, **params):
    base = {"grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET}
    return requests.get(fake.url + "cgi-bin/token", params={**base, **params}).json()


def stable(fake, **body):
    base = {"grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET}
    return requests.post(fake.url + "cgi-bin/stable_token", json={**base, **body}).json()


def test_token_shape_and_count(wx):
    answer = fetch(wx)
    assert set(answer) == {"access_token", "expires_in"}
    assert answer["expires_in"] == 7200
    assert len(answer["access_token"]) > 100
    assert wx.token_fetches == 1
    assert fetch(wx)["access_token"] != answer["access_token"]
    assert wx.token_fetches == 2


def test_token_refuses_wrong_credentials(wx):
    assert fetch(wx, secret="nope")["errcode"] == 40125
    assert fetch(wx, appid="wx_other")["errcode"] == 40013
    assert fetch(wx, grant_type="password")["errcode"] == 40002
    assert fetch(wx, secret="")["errcode"] == 41004
    assert wx.token_fetches == 0


def test_expires_in_is_configurable():
    with FakeWeChat(APP_ID, APP_SECRET, token_ttl=60) as fake:
        assert fetch(fake)["expires_in"] == 60


def test_stable_token_same_until_force_refresh(wx):
    first = stable(wx)
    assert first["expires_in"] <= 7200 and first["expires_in"] > 7000
    assert stable(wx)["access_token"] == first["access_token"]
    assert stable(wx, force_refresh=False)["access_token"] == first["access_token"]
    refreshed = stable(wx, force_refresh=True)
    assert refreshed["access_token"] != first["access_token"]
    assert stable(wx)["access_token"] == refreshed["access_token"]
    assert wx.token_fetches == 5
    # The forced refresh kills the previous token at once.
    assert send_text(wx, first["access_token"], "o1").json()["errcode"] == 40001
    assert send_text(wx, refreshed["access_token"], "o1").json()["errcode"] == 0


def test_stable_token_refuses_wrong_credentials_and_get(wx):
    assert stable(wx, secret="nope")["errcode"] == 40125
    assert stable(wx, appid="wx_other")["errcode"] == 40013
    r = requests.get(wx.url + "cgi-bin/stable_token")
    assert r.json()["errcode"] == 43002
    assert wx.token_fetches == 0


def test_api_refuses_missing_unknown_and_malformed_tokens(wx):
    r = requests.post(wx.url + "cgi-bin/message/custom/send",
                      json={"touser": "o1", "msgtype": "text", "text": {"content": "x"}})
    assert r.json()["errcode"] == 41001
    assert send_text(wx, "12_" + "A" * 120, "o1").json()["errcode"] == 40001
    assert send_text(wx, "not a token", "o1").json()["errcode"] == 40014
    assert wx.messages() == []


def test_token_expires_after_ttl():
    with FakeWeChat(APP_ID, APP_SECRET, token_ttl=0.3) as fake:
        token = get_token(fake)
        assert send_text(fake, token, "o1").json()["errcode"] == 0
        time.sleep(0.4)
        assert send_text(fake, token, "o1").json()["errcode"] == 42001
        assert stable(fake)["access_token"] != stable(fake, force_refresh=True)["access_token"]


def test_expire_tokens_now(wx):
    token = get_token(wx)
    wx.expire_tokens()
    assert send_text(wx, token, "o1").json()["errcode"] == 42001
    assert send_text(wx, get_token(wx), "o1").json()["errcode"] == 0


def test_old_token_lives_during_grace_then_is_not_latest():
    with FakeWeChat(APP_ID, APP_SECRET, old_token_grace=0.3) as fake:
        old = get_token(fake)
        new = get_token(fake)
        assert send_text(fake, old, "o1").json()["errcode"] == 0
        time.sleep(0.4)
        assert send_text(fake, old, "o1").json()["errcode"] == 40001
        assert send_text(fake, new, "o1").json()["errcode"] == 0
