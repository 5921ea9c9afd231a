"""Server-wide behaviour: concurrency, reset, unknown paths, lifecycle."""

import threading

import pytest
import requests

from fakewechat import FakeWeChat
from tests.fakewechat.conftest import get_token, send_text


def test_concurrent_calls_are_all_recorded(wx):
    token = get_token(wx)
    errors = []

    def worker(n):
        with requests.Session() as s:
            for i in range(10):
                r = s.post(wx.url + "cgi-bin/message/custom/send", params={"access_token": token},
                           json={"touser": "o%d" % n, "msgtype": "text", "text": {"content": str(i)}})
                if r.json()["errcode"] != 0:
                    errors.append(r.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    calls = wx.calls("cgi-bin/message/custom/send")
    assert len(calls) == 160 and len({c["id"] for c in calls}) == 160
    assert len(wx.messages()) == 160
    for n in range(16):
        assert [m["body"]["text"]["content"] for m in wx.messages("o%d" % n)] == [str(i) for i in range(10)]


def test_reset_forgets_everything(wx):
    token = get_token(wx)
    send_text(wx, token, "o1")
    wx.unsubscribe("o2")
    wx.fail_next(None, "quota")
    media_id = wx.add_media(b"x", "image/jpeg")
    wx.reset()
    assert wx.calls() == [] and wx.messages() == [] and wx.faults() == []
    assert wx.token_fetches == 0 and wx.menu is None
    # Tokens are forgotten too: a client must fetch a new one.
    assert send_text(wx, token, "o1").json()["errcode"] == 40001
    token = get_token(wx)
    assert send_text(wx, token, "o2").json()["errcode"] == 0
    got = requests.get(wx.url + "cgi-bin/media/get", params={"access_token": token, "media_id": media_id})
    assert got.json()["errcode"] == 40007


def test_unknown_path_is_404_and_recorded(wx):
    r = requests.get(wx.url + "cgi-bin/user/info/batchget_nothing")
    assert r.status_code == 404
    assert wx.calls()[0]["path"] == "cgi-bin/user/info/batchget_nothing"
    assert wx.calls()[0]["status"] == 404


def test_wrong_method_is_refused_like_wechat(wx):
    token = get_token(wx)
    r = requests.get(wx.url + "cgi-bin/message/custom/send", params={"access_token": token})
    assert r.json()["errcode"] == 43002
    r = requests.post(wx.url + "cgi-bin/token")
    assert r.json()["errcode"] == 43001


def test_start_refuses_non_loopback_and_stop_frees_the_port():
    with pytest.raises(ValueError):
        FakeWeChat().start(host="0.0.0.0")
    fake = FakeWeChat().start()
    url = fake.url
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    fake.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "cgi-bin/token", timeout=2)
    with pytest.raises(RuntimeError):
        fake.url
