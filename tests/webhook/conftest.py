import pytest

from fakewechat.sender import WeChatSender
from tests.conftest import TEST_AES_KEY


@pytest.fixture
def sender():
    return WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode="safe")


class Delivery:
    """One POST /wechat as WeChat would make it, and the reply opened again."""

    def __init__(self, client, sender):
        self.client, self.sender = client, sender

    def post(self, xml: str, query: dict | None = None, body: bytes | None = None, **envelope):
        q, b = self.sender.envelope(xml, **envelope)
        q.update(query or {})
        response = self.client.post("/wechat", query_string=q, data=body if body is not None else b,
                                    content_type="text/xml")
        response.opened = (self.sender.open_reply(response.data, q)
                           if response.status_code == 200 else None)
        return response


@pytest.fixture
def wechat(client, sender):
    return Delivery(client, sender)
