"""The shared WeChat API client against the fake WeChat server: one token for the deployment,
fetched by one process at a time, renewed early, and at most one renewal per refused call."""
import subprocess
import sys
import time
import uuid

import pytest

from channels.wechat_api import RetryableError, WeChatAPI, WeChatError
from models import kv
from tests.conftest import ROOT

from .conftest import APP_ID, APP_SECRET, redis_url

CUSTOM = "cgi-bin/message/custom/send"


def stable_token_calls(wx):
    return [call["json"] for call in wx.calls("cgi-bin/stable_token")]


def test_ten_processes_fetch_the_token_once(wx):
    barrier = f"test-barrier-{uuid.uuid4().hex}"
    # A slow token endpoint keeps the first fetch in flight while the others arrive.
    wx.fail_next("cgi-bin/stable_token", "slow", seconds=0.3)
    procs = [subprocess.Popen(
        [sys.executable, "-m", "tests.channels.fetch_token", wx.url, APP_ID, APP_SECRET,
         redis_url(), barrier], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(10)]
    try:
        deadline = time.monotonic() + 30
        while int(kv.client().get(f"{barrier}:ready") or 0) < 10:
            assert time.monotonic() < deadline, "the processes did not start"
            assert all(p.poll() is None for p in procs), [p.stderr.read() for p in procs if p.poll()]
            time.sleep(0.01)
        kv.client().set(f"{barrier}:go", 1)
        results = [p.communicate(timeout=30) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    tokens = {out.strip() for out, _ in results}
    assert len(tokens) == 1 and "" not in tokens
    assert wx.token_fetches == 1


def test_token_is_shared_through_redis_and_uses_stable_token(app, wx, api):
    token = api.access_token()
    with WeChatAPI.from_config(app.config, kv.client()) as other:
        assert other.access_token() == token
    assert wx.token_fetches == 1
    assert stable_token_calls(wx) == [{"grant_type": "client_credential", "appid": APP_ID,
                                       "secret": APP_SECRET, "force_refresh": False}]
    assert wx.calls("cgi-bin/token") == []


def test_token_is_renewed_before_it_expires(app, wx):
    # The fake's tokens live 7200 s: renewing 7199.9 s early means "renew after 0.1 s".
    with WeChatAPI.from_config(app.config, kv.client(), refresh_margin=7199.9) as api:
        api.access_token()
        assert wx.token_fetches == 1
        time.sleep(0.15)
        api.access_token()
    assert wx.token_fetches == 2
    # The normal mode: WeChat itself hands out the next token in the last minutes.
    assert [body["force_refresh"] for body in stable_token_calls(wx)] == [False, False]


def test_expired_token_is_renewed_once_and_the_call_retried_once(wx, api):
    old = api.access_token()
    wx.expire_tokens()
    api.send_custom("o_resident", "text", "您好")
    assert wx.token_fetches == 2
    assert len(wx.calls(CUSTOM)) == 2
    assert [call["errcode"] for call in wx.calls(CUSTOM)] == [42001, 0]
    assert stable_token_calls(wx)[-1]["force_refresh"] is True
    assert api.access_token() != old
    assert len(wx.messages("o_resident")) == 1


@pytest.mark.parametrize("fault, errcode", [
    ({"fault": "token_expired"}, 42001),
    ({"fault": "token_invalid"}, 40001),
    ({"fault": "errcode", "errcode": 40014}, 40014),
])
def test_refused_token_is_renewed_once(wx, api, fault, errcode):
    wx.fail_next(CUSTOM, **fault)
    api.send_custom("o_resident", "text", "您好")
    assert [call["errcode"] for call in wx.calls(CUSTOM)] == [errcode, 0]
    assert wx.token_fetches == 2


def test_a_second_refusal_is_not_retried_endlessly(wx, api):
    wx.fail_next(CUSTOM, "token_expired", times=5)
    with pytest.raises(RetryableError) as raised:
        api.send_custom("o_resident", "text", "您好")
    assert raised.value.errcode == 42001
    assert len(wx.calls(CUSTOM)) == 2  # the call and one retry
    assert wx.token_fetches == 2  # the first token and one renewal
    assert wx.faults()[0]["times"] == 3
    assert wx.messages() == []


def test_no_renewal_when_another_process_already_renewed(app, wx, api):
    refused = api.access_token()
    with WeChatAPI.from_config(app.config, kv.client()) as other:
        renewed = other.refresh_token(failed=refused)
    assert renewed != refused
    assert wx.token_fetches == 2
    # This client's call failed with the same token: it takes the renewed one from Redis.
    assert api.refresh_token(failed=refused) == renewed
    assert wx.token_fetches == 2


@pytest.mark.parametrize("fault", ["http_500", "http_502", "http_503"])
def test_server_errors_are_retryable(wx, api, fault):
    wx.fail_next(CUSTOM, fault)
    with pytest.raises(RetryableError) as raised:
        api.send_custom("o_resident", "text", "您好")
    assert raised.value.errcode is None
    assert fault[-3:] in str(raised.value)


def test_slow_answer_is_a_retryable_timeout_that_does_not_show_the_token(app, wx):
    wx.fail_next(CUSTOM, "slow", seconds=0.6)
    with WeChatAPI.from_config(app.config, kv.client(), timeout=0.2) as api:
        token = api.access_token()
        started = time.monotonic()
        with pytest.raises(RetryableError) as raised:
            api.send_custom("o_resident", "text", "您好")
    assert time.monotonic() - started < 0.5
    assert "timeout" in str(raised.value)
    assert token not in str(raised.value) and raised.value.__suppress_context__


def test_other_refusals_are_final(wx, api):
    wx.fail_next(CUSTOM, "unsubscribed")
    with pytest.raises(WeChatError) as raised:
        api.send_custom("o_resident", "text", "您好")
    assert raised.value.errcode == 43004
    assert not raised.value.retryable
    assert len(wx.calls(CUSTOM)) == 1


def test_wrong_secret_is_reported_not_retried(app, wx):
    with WeChatAPI(wx.url, APP_ID, "not-the-secret", redis=kv.client()) as api:
        with pytest.raises(WeChatError) as raised:
            api.access_token()
    assert raised.value.errcode == 40125 and not raised.value.retryable
