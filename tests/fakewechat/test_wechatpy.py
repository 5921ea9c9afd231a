"""wechatpy (a real WeChat client) works against the fake unchanged."""

import pytest
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException


@pytest.fixture
def client(wx):
    class FakeClient(WeChatClient):
        API_BASE_URL = wx.url + "cgi-bin/"

        def fetch_access_token(self):
            return self._fetch_access_token(url=wx.url + "cgi-bin/token", params={
                "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})

    return FakeClient("wx_test", "secret")


def test_wechatpy_sends_and_downloads(wx, client):
    client.message.send_text("o1", "您好")
    client.message.send_template("o1", "T1", {"first": {"value": "x"}})
    media_id = wx.add_media(b"JPEG", "image/jpeg")
    assert client.media.download(media_id).content == b"JPEG"
    client.menu.create({"button": [{"type": "click", "name": "申请", "key": "APPLY"}]})
    assert [m["kind"] for m in wx.messages("o1")] == ["custom", "template"]
    assert wx.messages("o1")[0]["body"]["text"]["content"] == "您好"
    assert wx.menu["button"][0]["key"] == "APPLY"
    assert wx.token_fetches == 1


def test_wechatpy_refetches_the_token_after_42001(wx, client):
    client.message.send_text("o1", "一")
    wx.fail_next("cgi-bin/message/custom/send", "token_expired")
    client.message.send_text("o1", "二")
    assert wx.token_fetches == 2
    assert [m["body"]["text"]["content"] for m in wx.messages()] == ["一", "二"]


def test_wechatpy_sees_45015(wx, client):
    wx.close_window("o1")
    with pytest.raises(WeChatClientException) as exc:
        client.message.send_text("o1", "x")
    assert exc.value.errcode == 45015
