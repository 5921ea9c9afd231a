"""SMS: the Aliyun-shaped client against the fake provider, and residents' TD replies."""
from __future__ import annotations

import pytest
import requests

from tests.channels.push_fixtures import INBOUND_SECRET, PHONE, deliver, fake_sms, push_one, smtp_server  # noqa: F401


def test_the_client_signs_as_the_provider_checks(app, fake_sms):
    from channels.sms import SmsClient

    client = SmsClient.from_config(app.config)
    biz_id = client.send("+86 138-1234-5678", "您好")
    [sms] = fake_sms.messages(PHONE)
    assert sms["biz_id"] == biz_id and sms["template_code"] == "SMS_000000001"
    assert sms["params"] == {"content": "您好"}


def test_a_wrong_secret_is_refused_by_the_provider(app, fake_sms):
    from channels.sms import SmsClient, SmsError

    client = SmsClient(fake_sms.url, app.config["SMS_ACCESS_KEY_ID"], "not-the-secret", "一趟", "SMS_1")
    with pytest.raises(SmsError) as refused:
        client.send(PHONE, "您好")
    assert refused.value.code == "SignatureDoesNotMatch"
    assert fake_sms.messages() == []


def test_a_td_reply_stops_sms_at_once(app, fake_sms, smtp_server):
    status, body = fake_sms.reply("8613812345678", " td ")
    assert status == 200, body
    delivery = deliver(app, push_one(app, prefer=("sms", "email")))
    assert (delivery.state, delivery.channel) == ("sent", "email")
    assert delivery.trail[0] == {"channel": "sms", "outcome": "skipped", "reason": "opted out"}
    assert fake_sms.messages() == []


def test_other_replies_change_nothing(app, fake_sms):
    assert fake_sms.reply(PHONE, "好的谢谢")[0] == 200
    assert deliver(app, push_one(app, prefer=("sms",))).channel == "sms"


def test_inbound_without_the_shared_secret_is_refused(app, live_server, fake_sms):
    url = f"{live_server.url}/sms/inbound"
    body = [{"phone_number": PHONE, "content": "TD"}]
    assert requests.post(url, json=body, headers={"X-Yitang-Inbound-Secret": "guess"}).status_code == 403
    assert requests.post(url, json=body).status_code == 403
    assert deliver(app, push_one(app, prefer=("sms",))).channel == "sms"


@pytest.mark.parametrize("body, message", [
    ({"nothing": True}, "phone_number and content"),
    ("TD", "JSON list"),
    ([{"phone_number": "123", "content": "TD"}], "11-digit"),
])
def test_malformed_inbound_is_a_400_naming_the_problem(app, live_server, fake_sms, body, message):
    resp = requests.post(f"{live_server.url}/sms/inbound", json=body,
                         headers={"X-Yitang-Inbound-Secret": INBOUND_SECRET})
    assert resp.status_code == 400 and message in resp.json()["msg"]
