"""Issue 9: forged messages, floods, sealed replies, and a typed identity number.

Each test is one attack that worked before: a copied query signature with a new body, a
plaintext post in safe mode, one resident flooding the door, reply bodies in clear.
"""
import time

import pytest
from sqlalchemy import func, select, text

from fakewechat.sender import WeChatSender
from models import Escalation, InboundMessage, Session, db, kv
from tests.conftest import TEST_AES_KEY


@pytest.fixture
def mode(app):
    """Set the Official Account's 消息加解密方式 for one test."""
    saved = app.config["WECHAT_MODE"]

    def set_mode(value):
        app.config["WECHAT_MODE"] = value
    yield set_mode
    app.config["WECHAT_MODE"] = saved


def stored() -> int:
    return Session.scalar(select(func.count(InboundMessage.id)))


def test_plaintext_post_is_refused_in_safe_mode(client, mode):
    """The downgrade: a valid query signature (from any logged URL) and a plaintext body."""
    mode("safe")
    plain = WeChatSender("test-token", mode="plain")
    query, body = plain.envelope(plain.text("o-victim", "进度"))
    response = client.post("/wechat", query_string=query, data=body)
    assert response.status_code == 403
    assert "safe mode" in response.get_json()["error"]
    assert stored() == 0


def test_safe_mode_takes_encrypted_messages(client, mode):
    mode("safe")
    safe = WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode="safe")
    query, body = safe.envelope(safe.text("o-safe", "帮助"))
    response = client.post("/wechat", query_string=query, data=body)
    assert response.status_code == 200
    assert safe.open_reply(response.data, query)["MsgType"] == "text"


def test_encrypted_post_without_msg_signature_is_refused(client):
    safe = WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode="safe")
    query, body = safe.envelope(safe.text("o-x", "你好"))
    del query["msg_signature"]
    assert client.post("/wechat", query_string=query, data=body).status_code == 403
    assert stored() == 0


def test_a_logged_signature_cannot_carry_another_body(client, mode):
    """Access logs hold signature/timestamp/nonce: reusing them for a new message fails."""
    mode("compat")
    plain = WeChatSender("test-token", mode="plain")
    query, body = plain.envelope(plain.text("o-resident", "你好", msg_id=9100001))
    first = client.post("/wechat", query_string=query, data=body)
    assert first.status_code == 200

    _, forged = plain.envelope(plain.text("o-victim", "进度", msg_id=9100002))
    response = client.post("/wechat", query_string=query, data=forged)
    assert response.status_code == 403
    assert "already used" in response.get_json()["error"]
    assert Session.scalar(select(InboundMessage.openid).where(InboundMessage.openid == "o-victim")) is None

    # WeChat's own retry repeats the body byte for byte: still welcome, same reply.
    again = client.post("/wechat", query_string=query, data=body)
    assert again.status_code == 200 and again.data == first.data
    assert stored() == 1


def test_two_hundred_forged_urgent_messages_open_no_case(client, mode):
    mode("compat")
    plain = WeChatSender("test-token", mode="plain")
    query, body = plain.envelope(plain.text("o-real", "你好"))
    assert client.post("/wechat", query_string=query, data=body).status_code == 200
    codes = set()
    for i in range(200):
        _, forged = plain.envelope(plain.text(f"o-forged-{i}", "家里断粮了，急"))
        codes.add(client.post("/wechat", query_string=query, data=forged).status_code)
    assert codes == {403}
    assert Session.scalar(select(func.count(Escalation.id))) == 0


def test_a_flood_from_one_resident_becomes_one_case(app, wechat, sender):
    saved = app.config["WECHAT_MESSAGE_RATE_LIMIT"]
    app.config["WECHAT_MESSAGE_RATE_LIMIT"] = "5 per minute"
    try:
        replies = [wechat.post(sender.text("o-flood", f"家里断粮了，急 {i}")) for i in range(12)]
    finally:
        app.config["WECHAT_MESSAGE_RATE_LIMIT"] = saved
    assert [r.status_code for r in replies] == [200] * 12
    # The first five are answered as usual; the sixth says why the bot goes quiet; the rest
    # are kept without a reply each.
    assert "12345" in replies[0].opened["Content"]
    assert "太快" in replies[5].opened["Content"]
    assert all(r.opened is None for r in replies[6:])
    assert stored() == 12  # nothing is lost
    states = Session.scalars(select(InboundMessage.state).order_by(InboundMessage.id)).all()
    assert states[:5] == ["handled"] * 5 and set(states[5:]) == {"throttled"}
    cases = Session.scalars(select(Escalation).where(Escalation.openid == "o-flood")).all()
    assert len(cases) == 1  # one case, and staff can read the flood in its transcript
    assert sum("断粮" in line["text"] for line in cases[0].transcript) >= 6


def test_flood_limit_is_checked_at_start(tmp_path):
    from webhook.config import ConfigError, load

    with pytest.raises(ConfigError, match="WECHAT_MESSAGE_RATE_LIMIT"):
        load({"WECHAT_MESSAGE_RATE_LIMIT": "lots", "APP_VAR_DIR": str(tmp_path)})


@pytest.mark.parametrize("wechat_mode", ["plain", "compat", "safe"])
def test_reply_bodies_are_sealed_in_every_mode(client, mode, wechat_mode):
    mode(wechat_mode)
    sender = WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode=wechat_mode)
    query, body = sender.envelope(sender.text("o-sealed", "我叫陈小明，想申请低保", msg_id=9200001))
    response = client.post("/wechat", query_string=query, data=body)
    assert response.status_code == 200
    with db.engine().connect() as conn:
        raw = conn.execute(text("SELECT reply FROM inbound_messages")).scalar_one()
    assert raw.startswith("v1:") and "<xml>" not in raw
    assert not any(b"<xml>" in (kv.client().get(key) or b"") for key in kv.client().keys("*")
                   if kv.client().type(key) == b"string")
    # Sealed at rest, yet a redelivery (a new envelope, the same MsgId) gets the very same bytes.
    retry_query, retry_body = sender.envelope(sender.text("o-sealed", "我叫陈小明，想申请低保", msg_id=9200001))
    retry = client.post("/wechat", query_string=retry_query, data=retry_body)
    assert retry.data == response.data


def test_old_timestamps_are_still_refused(client):
    plain = WeChatSender("test-token", mode="plain")
    query, body = plain.envelope(plain.text("o-old", "你好"), timestamp=int(time.time()) - 600)
    assert client.post("/wechat", query_string=query, data=body).status_code == 403


def test_a_create_time_beyond_any_clock_is_400_not_500(client):
    """Found by the fuzz test: CreateTime 2**63 overflowed the database column."""
    plain = WeChatSender("test-token", mode="plain")
    query, body = plain.envelope(plain.text("o-time", "你好", create_time=2**63))
    response = client.post("/wechat", query_string=query, data=body)
    assert response.status_code == 400 and stored() == 0
