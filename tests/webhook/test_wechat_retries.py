"""WeChat redelivers when it gets no answer in time: nothing is handled twice."""
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from models import InboundMessage, Session


def test_three_identical_deliveries_at_once(live_server, sender):
    query, body = sender.envelope(sender.text("o-dup", "同时到达", msg_id=777001))

    def deliver(_):
        return requests.post(f"{live_server.url}/wechat", params=query, data=body, timeout=10)

    with ThreadPoolExecutor(3) as pool:
        responses = list(pool.map(deliver, range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[0].content == responses[1].content == responses[2].content
    assert "同时到达" in sender.open_reply(responses[0].content, query)["Content"]
    assert Session.scalar(select(func.count(InboundMessage.id))) == 1
    assert Session.scalar(select(InboundMessage.state)) == "handled"


def test_later_redelivery_gets_the_same_reply(wechat, sender):
    xml = sender.text("o-dup2", "第一次", msg_id=777002)
    first = wechat.post(xml)
    again = wechat.post(xml)  # a new envelope (timestamp, nonce), the same message
    assert again.status_code == 200 and again.data == first.data


def test_events_are_deduplicated_by_sender_and_time(wechat, sender):
    xml = sender.event("o-dup3", "CLICK", key="APPLY_DIBAO", create_time=1700000000)
    first, second = wechat.post(xml), wechat.post(xml)
    assert first.data == second.data
    assert Session.scalar(select(func.count(InboundMessage.id))) == 1
    other_time = wechat.post(sender.event("o-dup3", "CLICK", key="APPLY_DIBAO", create_time=1700000009))
    assert other_time.status_code == 200
    assert Session.scalar(select(func.count(InboundMessage.id))) == 2
