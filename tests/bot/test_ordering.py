"""Two quick messages from one resident are handled one after the other, never interleaved."""
import threading
import time

import requests

from bot import session as sessions
from fakewechat.sender import WeChatSender
from tests.conftest import TEST_AES_KEY


def test_quick_answers_are_both_taken_in_order(live_server, fake_wechat):
    sender = WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode="safe")
    openid = "o-quick"

    def send(xml):
        query, body = sender.envelope(xml)
        return requests.post(f"{live_server.url}/wechat", params=query, data=body, timeout=10)

    assert send(sender.text(openid, "低保")).status_code == 200
    replies = {}

    def answer(text, key):
        replies[key] = send(sender.text(openid, text))

    first = threading.Thread(target=answer, args=("是", "first"))  # 户口在厦门吗？
    second = threading.Thread(target=answer, args=("否", "second"))  # 有没有人已经是特困？
    first.start()
    time.sleep(0.02)
    second.start()
    first.join()
    second.join()
    answers = sessions.load(openid)["answers"]
    # Had the two read the same session, one answer would have overwritten the other.
    assert answers == {"hukou_xiamen": True, "any_tekun": False}
    opened = [sender.open_reply(replies[k].content, {"encrypt_type": "aes"}) for k in ("first", "second")]
    assert "特困" in opened[0]["Content"] and "几口人" in opened[1]["Content"]
