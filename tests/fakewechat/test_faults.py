import time

import pytest
import requests

from tests.fakewechat.conftest import APP_ID, APP_SECRET, get_token, send_text

SEND = "cgi-bin/message/custom/send"


@pytest.mark.parametrize("fault, errcode", [
    ("token_expired", 42001), ("token_invalid", 40001), ("window_closed", 45015),
    ("quota", 45009), ("response_limit", 45047), ("unsubscribed", 43004),
    ("refused", 43101), ("system_error", -1),
])
def test_errcode_fault_served_exactly_times_then_normal(wx, fault, errcode):
    token = get_token(wx)
    wx.fail_next(SEND, fault, times=2)
    answers = [send_text(wx, token, "o1", str(i)).json()["errcode"] for i in range(3)]
    assert answers == [errcode, errcode, 0]
    assert [m["body"]["text"]["content"] for m in wx.messages()] == ["2"]
    assert [c["fault"] for c in wx.calls(SEND)] == [fault, fault, None]
    assert wx.faults() == []


@pytest.mark.parametrize("status", [500, 502])
def test_http_fault(wx, status):
    token = get_token(wx)
    wx.fail_next(SEND, "http_%d" % status, times=2)
    statuses = [send_text(wx, token, "o1").status_code for _ in range(3)]
    assert statuses == [status, status, 200]
    assert len(wx.messages()) == 1


def test_generic_errcode_fault(wx):
    token = get_token(wx)
    wx.fail_next(SEND, "errcode", errcode=45011, errmsg="api minute-quota reach limit")
    answer = send_text(wx, token, "o1").json()
    assert answer["errcode"] == 45011 and answer["errmsg"].startswith("api minute-quota")
    assert send_text(wx, token, "o1").json()["errcode"] == 0


def test_slow_fault_is_slow_then_answers_normally(wx):
    token = get_token(wx)
    wx.fail_next(SEND, "slow", seconds=0.5)
    started = time.monotonic()
    assert send_text(wx, token, "o1").json()["errcode"] == 0
    assert time.monotonic() - started >= 0.5
    started = time.monotonic()
    assert send_text(wx, token, "o1").json()["errcode"] == 0
    assert time.monotonic() - started < 0.5
    assert len(wx.messages()) == 2


def test_slow_fault_times_out_a_client(wx):
    token = get_token(wx)
    wx.fail_next(SEND, "slow", seconds=1)
    with pytest.raises(requests.Timeout):
        requests.post(wx.url + SEND, params={"access_token": token}, timeout=0.2,
                      json={"touser": "o1", "msgtype": "text", "text": {"content": "x"}})


def test_faults_are_served_in_order_and_only_on_their_path(wx):
    token = get_token(wx)
    wx.fail_next(SEND, "quota")
    wx.fail_next(None, "token_expired")
    wx.fail_next(SEND, "window_closed")
    # A template send only matches the path-less fault.
    tpl = requests.post(wx.url + "cgi-bin/message/template/send", params={"access_token": token},
                        json={"touser": "o1", "template_id": "T", "data": {}}).json()
    assert tpl["errcode"] == 42001
    answers = [send_text(wx, token, "o1").json()["errcode"] for _ in range(3)]
    assert answers == [45009, 45015, 0]


def test_path_less_fault_spares_the_token_endpoints(wx):
    wx.fail_next(None, "token_expired")
    token = get_token(wx)
    assert send_text(wx, token, "o1").json()["errcode"] == 42001
    assert send_text(wx, token, "o1").json()["errcode"] == 0


def test_token_endpoint_can_fail_when_named(wx):
    wx.fail_next("/cgi-bin/token", "http_502")
    params = {"grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET}
    assert requests.get(wx.url + "cgi-bin/token", params=params).status_code == 502
    assert wx.token_fetches == 0
    assert "access_token" in requests.get(wx.url + "cgi-bin/token", params=params).json()
    assert wx.token_fetches == 1


def test_per_openid_fault(wx):
    token = get_token(wx)
    wx.fail_next(SEND, "unsubscribed", openid="o_gone")
    assert send_text(wx, token, "o_other").json()["errcode"] == 0
    assert send_text(wx, token, "o_gone").json()["errcode"] == 43004
    assert send_text(wx, token, "o_gone").json()["errcode"] == 0


def test_bad_fault_specs_are_refused(wx):
    with pytest.raises(ValueError):
        wx.fail_next(SEND, "gremlins")
    with pytest.raises(ValueError):
        wx.fail_next(SEND, "quota", times=0)
    with pytest.raises(ValueError):
        wx.fail_next(SEND, "quota", colour="red")
    assert wx.faults() == []
