"""The Official Account's door: verification, the three modes, and every refusal."""
import time

import pytest
from sqlalchemy import func, select

from fakewechat.sender import WeChatSender
from models import InboundMessage, Session
from tests.conftest import TEST_AES_KEY


def verification_query(token="test-token", age_s=0, echostr="hello-echo"):
    sender = WeChatSender(token, mode="plain")
    query, _ = sender.envelope("<xml><FromUserName><![CDATA[x]]></FromUserName></xml>",
                               timestamp=int(time.time()) - age_s)
    query["echostr"] = echostr
    return query


def test_url_verification_echoes(client):
    response = client.get("/wechat", query_string=verification_query())
    assert response.status_code == 200 and response.data == b"hello-echo"


@pytest.mark.parametrize("query", [
    verification_query(token="wrong-token"),
    {"timestamp": "1", "nonce": "n", "echostr": "e"},
    verification_query(age_s=400),
])
def test_url_verification_refused(client, query):
    assert client.get("/wechat", query_string=query).status_code == 403


@pytest.mark.parametrize("mode", ["plain", "compat", "safe"])
def test_text_in_every_mode_gets_a_reply(client, mode):
    sender = WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode=mode)
    query, body = sender.envelope(sender.text("o-mode", "你好"))
    response = client.post("/wechat", query_string=query, data=body)
    assert response.status_code == 200
    if mode != "plain":
        assert b"<Encrypt>" in response.data and "你好".encode() not in response.data
    reply = sender.open_reply(response.data, query)
    assert reply["MsgType"] == "text" and reply["ToUserName"] == "o-mode"
    assert "你好" in reply["Content"]


def test_message_is_stored(wechat, sender):
    wechat.post(sender.text("o-store", "想申请低保", msg_id=424242))
    row = Session.scalar(select(InboundMessage).where(InboundMessage.dedupe_key == "424242"))
    assert row.openid == "o-store" and row.msg_type == "text"
    assert row.payload["Content"] == "想申请低保"
    assert row.state == "handled" and row.reply.startswith("<xml>")


def test_forged_signature_is_403(wechat, sender):
    response = wechat.post(sender.text("o-x", "hi"), query={"signature": "0" * 40})
    assert response.status_code == 403
    assert Session.scalar(select(func.count(InboundMessage.id))) == 0


def test_forged_msg_signature_is_403(wechat, sender):
    response = wechat.post(sender.text("o-x", "hi"), query={"msg_signature": "f" * 40})
    assert response.status_code == 403


def test_replayed_old_timestamp_is_403(wechat, sender):
    response = wechat.post(sender.text("o-x", "hi"), timestamp=int(time.time()) - 301)
    assert response.status_code == 403
    assert "5-minute" in response.get_json()["error"]


def test_message_for_another_appid_is_403(client):
    other = WeChatSender("test-token", TEST_AES_KEY, "wx_someone_else", mode="safe")
    query, body = other.envelope(other.text("o-x", "hi"))
    response = client.post("/wechat", query_string=query, data=body)
    assert response.status_code == 403
    assert "AppId" in response.get_json()["error"]


XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<xml><ToUserName>a</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>'
       '<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + ']><xml><Content>&lol9;</Content></xml>')


@pytest.mark.parametrize("xml", [XXE, LAUGHS, "<xml><unclosed></xml>", "not xml at all", "<xml></xml>"])
def test_hostile_or_malformed_xml_is_400(client, xml):
    plain = WeChatSender("test-token", mode="plain")
    query, _ = plain.envelope("<xml><FromUserName><![CDATA[o]]></FromUserName></xml>")
    response = client.post("/wechat", query_string=query, data=xml.encode())
    assert response.status_code == 400
    assert "error" in response.get_json()


def test_hostile_xml_inside_the_encryption_is_400(client, sender):
    query, body = sender.envelope(XXE)
    assert client.post("/wechat", query_string=query, data=body).status_code == 400


def test_oversized_body_is_413(wechat, sender):
    big = sender.text("o-big", "长" * 30000)  # 90 KB of UTF-8
    response = wechat.post(big)
    assert response.status_code == 413


def test_unknown_message_type_gets_a_polite_reply(wechat, sender):
    response = wechat.post(sender.message("o-new", "miniprogrampage", {"Title": "x"}))
    assert response.status_code == 200
    assert "看不懂" in response.opened["Content"]


def test_database_down_is_503_so_wechat_delivers_again(app, sender, tmp_path):
    from tests.foundation.test_health import restore
    from webhook import create_app

    try:
        down = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir/x.db"})
        query, body = sender.envelope(sender.text("o-down", "你好"))
        response = down.test_client().post("/wechat", query_string=query, data=body)
        assert response.status_code == 503
        assert response.get_json()["error"] == "系统正在维护，请稍后再试。"
    finally:
        restore(app)
