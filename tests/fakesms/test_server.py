"""The fake SMS provider over HTTP: SendSms answers, faults, the control API and the CLI."""
from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from channels.sms import SmsClient, SmsError
from fakesms import FakeSMS


@pytest.fixture
def fake():
    with FakeSMS("key", "secret") as server:
        yield server


def client(fake, secret="secret"):
    return SmsClient(fake.url, "key", secret, "一趟", "SMS_1")


def test_sendsms_is_kept_in_the_inbox_and_listed_by_the_control_api(fake):
    client(fake).send("13900000000", "验证")
    listed = requests.get(fake.url + "_fake/messages", params={"phone": "13900000000"}).json()["messages"]
    assert [m["text"] for m in listed] == ["【一趟】验证"]
    requests.post(fake.url + "_fake/reset")
    assert fake.messages() == []


def test_faults_are_served_once_in_order(fake):
    assert requests.post(fake.url + "_fake/faults", json={"fault": "limit"}).status_code == 200
    with pytest.raises(SmsError) as limited:
        client(fake).send("13900000000", "一")
    assert limited.value.code == "isv.BUSINESS_LIMIT_CONTROL"
    client(fake).send("13900000000", "二")
    assert [m["params"]["content"] for m in fake.messages()] == ["二"]
    assert requests.post(fake.url + "_fake/faults", json={"fault": "nope"}).status_code == 400


def test_requests_the_provider_would_refuse(fake):
    with pytest.raises(SmsError, match="SignatureDoesNotMatch"):
        client(fake, secret="wrong").send("13900000000", "x")
    resp = requests.post(fake.url, data={"Action": "SendSms"})
    assert resp.status_code == 400 and resp.json()["Code"] == "MissingParameter"
    assert fake.messages() == []


def test_reply_without_an_inbound_url_is_a_clear_error(fake):
    resp = requests.post(fake.url + "_fake/reply", json={"phone": "13900000000", "text": "TD"})
    assert resp.status_code == 502 and "inbound_url" in resp.json()["error"]


def test_cli_refuses_a_non_loopback_address():
    done = subprocess.run([sys.executable, "-m", "fakesms", "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "loopback" in done.stderr
