"""Outbound messages against the fake WeChat server: every fault it can inject ends in a
retry, a fallback or a mark on the record, never in silence."""
import pytest
from rq.job import Job
from rq.rate_limit import RateLimitRegistry
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from channels import outbound
from channels.wechat_api import RetryableError, WeChatAPI
from models import OutboundMessage, Resident, Session, kv
from models.queues import queue

from .conftest import reload
from tests.jobs import send_now

OPENID = "o_resident_1"
CUSTOM = "cgi-bin/message/custom/send"
TEMPLATE = {"template_id": "tpl_progress", "url": "https://example.org/progress",
            "data": {"first": {"value": "您的申请有新进展"}, "keyword1": {"value": "低保"}}}


def record(message_id) -> OutboundMessage:
    return reload(OutboundMessage, message_id)


def test_sent_through_the_outbound_queue(wx, run_worker):
    message = send_now(OPENID, "您好，材料已收到。")
    assert message.state == "queued" and message.kind == "custom"
    assert queue("outbound").count == 1
    run_worker()
    sent = record(message.id)
    assert sent.state == "sent" and sent.sent_at is not None and sent.attempts == 1
    [delivered] = wx.messages(OPENID)
    assert delivered["kind"] == "custom"
    assert delivered["body"]["text"] == {"content": "您好，材料已收到。"}


@pytest.mark.parametrize("msgtype, content", [
    ("news", {"articles": [{"title": "低保办理指南", "description": "一趟办完",
                            "url": "https://example.org/dibao", "picurl": ""}]}),
    ("msgmenu", {"head_content": "请选择", "tail_content": "",
                 "list": [{"id": "101", "content": "查进度"}, {"id": "102", "content": "转人工"}]}),
])
def test_news_and_menus_go_as_they_are(wx, api, msgtype, content):
    message = send_now(OPENID, content, msgtype=msgtype)
    outbound.deliver(message.id, api)
    assert record(message.id).state == "sent"
    [delivered] = wx.messages(OPENID)
    assert delivered["msgtype"] == msgtype and delivered["body"][msgtype] == content


@pytest.mark.parametrize("kwargs", [
    {},
    {"content": ""},
    {"content": "hi", "msgtype": "fax"},
    {"content": "not an object", "msgtype": "news"},
    {"content": "hi", "template": {"data": {}}},
    {"content": "hi", "template": {"template_id": "t", "data": {}, "colour": "red"}},
])
def test_malformed_messages_are_refused_by_the_caller(app, kwargs):
    with pytest.raises(ValueError):
        send_now(OPENID, **kwargs)
    assert Session.scalar(select(OutboundMessage)) is None


def test_delivered_once_even_if_the_job_runs_twice(wx, api):
    message = send_now(OPENID, "您好")
    outbound.deliver(message.id, api)
    outbound.deliver(message.id, api)
    assert len(wx.messages(OPENID)) == 1
    assert record(message.id).attempts == 1


@pytest.mark.parametrize("fault", ["token_expired", "token_invalid"])
def test_refused_token_is_renewed_and_the_message_sent(wx, api, fault):
    api.access_token()
    wx.fail_next(CUSTOM, fault)
    message = send_now(OPENID, "您好")
    outbound.deliver(message.id, api)
    sent = record(message.id)
    assert sent.state == "sent" and sent.attempts == 1
    assert wx.token_fetches == 2 and len(wx.messages(OPENID)) == 1


def test_outside_the_window_the_template_is_sent(wx, api):
    wx.fail_next(CUSTOM, "window_closed")
    message = send_now(OPENID, "您的申请有新进展", template=TEMPLATE)
    outbound.deliver(message.id, api)
    sent = record(message.id)
    assert (sent.state, sent.kind) == ("sent", "template")
    [delivered] = wx.messages(OPENID)
    assert delivered["kind"] == "template"
    assert delivered["body"]["template_id"] == "tpl_progress"
    assert delivered["body"]["data"] == TEMPLATE["data"]


def test_outside_the_window_without_template_is_undeliverable(wx, api):
    wx.close_window(OPENID)
    message = send_now(OPENID, "您好")
    outbound.deliver(message.id, api)
    marked = record(message.id)
    assert marked.state == "undeliverable" and marked.last_errcode == 45015
    assert "48-hour" in marked.last_error
    assert wx.messages(OPENID) == []


def test_template_only_message_skips_the_custom_send(wx, api):
    message = send_now(OPENID, template=TEMPLATE)
    outbound.deliver(message.id, api)
    assert record(message.id).state == "sent"
    assert wx.calls(CUSTOM) == []
    assert [m["kind"] for m in wx.messages(OPENID)] == ["template"]


@pytest.mark.parametrize("fault, errcode", [
    ({"fault": "quota"}, 45009),
    ({"fault": "response_limit"}, 45047),
    ({"fault": "errcode", "errcode": 45011}, 45011),
    ({"fault": "system_error"}, -1),
])
def test_quota_errors_mark_retrying_and_a_retry_sends(wx, api, fault, errcode):
    wx.fail_next(CUSTOM, **fault)
    message = send_now(OPENID, "您好")
    with pytest.raises(RetryableError):
        outbound.deliver(message.id, api)
    waiting = record(message.id)
    assert (waiting.state, waiting.last_errcode, waiting.attempts) == ("retrying", errcode, 1)
    outbound.deliver(message.id, api)
    sent = record(message.id)
    assert (sent.state, sent.attempts) == ("sent", 2)
    assert len(wx.messages(OPENID)) == 1


@pytest.mark.parametrize("fault", ["http_500", "http_502", "quota"])
def test_the_worker_retries_until_sent(wx, run_worker, fault):
    wx.fail_next(CUSTOM, fault)
    message = send_now(OPENID, "您好")
    run_worker()
    sent = record(message.id)
    assert (sent.state, sent.attempts) == ("sent", 2)
    assert [m["body"]["text"]["content"] for m in wx.messages(OPENID)] == ["您好"]


def test_slow_answer_beyond_the_timeout_is_retried(app, wx):
    wx.fail_next(CUSTOM, "slow", seconds=0.5)
    message = send_now(OPENID, "您好")
    with WeChatAPI.from_config(app.config, kv.client(), timeout=0.2) as api:
        with pytest.raises(RetryableError):
            outbound.deliver(message.id, api)
        waiting = record(message.id)
        assert waiting.state == "retrying" and "timeout" in waiting.last_error
        outbound.deliver(message.id, api)
    assert record(message.id).state == "sent"


def test_retries_exhausted_the_record_ends_failed(wx, run_worker):
    # retry_max = 2 in the test configuration: three attempts in all.
    wx.fail_next(CUSTOM, "http_500", times=3)
    message = send_now(OPENID, "您好")
    run_worker()
    failed = record(message.id)
    assert (failed.state, failed.attempts) == ("failed", 3)
    assert "HTTP 500" in failed.last_error
    assert len(wx.calls(CUSTOM)) == 3 and wx.messages(OPENID) == []
    assert len(FailedJobRegistry(queue=queue("outbound"))) == 1


def test_a_crashing_delivery_ends_failed_too(wx, run_worker):
    message = send_now(OPENID, "您好")
    # A record no code of ours writes: the job raises something that is not WeChat's answer.
    Session.get(OutboundMessage, message.id).payload = {}
    Session.commit()
    run_worker()
    failed = record(message.id)
    assert failed.state == "failed" and failed.last_error.startswith("KeyError")
    assert failed.attempts == 3


def test_unsubscribed_is_undeliverable_and_not_retried(wx, run_worker):
    wx.unsubscribe(OPENID)
    message = send_now(OPENID, "您好")
    [job_id] = queue("outbound").job_ids
    run_worker()
    marked = record(message.id)
    assert (marked.state, marked.last_errcode, marked.attempts) == ("undeliverable", 43004, 1)
    assert len(wx.calls(CUSTOM)) == 1
    assert Job.fetch(job_id, connection=kv.client()).get_status() == "finished"


def test_opted_out_resident_gets_nothing_and_wechat_is_not_called(wx, run_worker):
    outbound.opt_out(OPENID)
    assert Session.scalar(select(Resident).where(Resident.openid == OPENID)).subscribed is False
    message = send_now(OPENID, "您好")
    assert record(message.id).state == "undeliverable"
    assert queue("outbound").count == 0
    run_worker()
    assert wx.calls() == []


def test_opting_out_after_sending_stops_the_delivery(wx, run_worker):
    message = send_now(OPENID, "您好")
    outbound.opt_out(OPENID)
    run_worker()
    marked = record(message.id)
    assert marked.state == "undeliverable" and "opted out" in marked.last_error
    assert wx.calls() == []


def test_opting_back_in_delivers_again(wx, run_worker):
    outbound.opt_out(OPENID)
    resident = outbound.opt_in(OPENID)
    assert resident.subscribed is True
    assert Session.scalars(select(Resident)).all() == [resident]
    message = send_now(OPENID, "欢迎回来")
    run_worker()
    assert record(message.id).state == "sent"


def test_sends_wait_for_a_slot_then_all_go(wx, run_worker):
    count = outbound.SEND_CONCURRENCY + 3
    messages = [send_now(f"o_resident_{n}", "您好") for n in range(count)]
    limiter = RateLimitRegistry(outbound.SEND_RATE_LIMIT_KEY, connection=kv.client())
    assert limiter.get_allowed_job_count() == outbound.SEND_CONCURRENCY
    assert limiter.get_rate_limited_job_count() == 3
    run_worker()
    assert {record(m.id).state for m in messages} == {"sent"}
    assert len(wx.messages()) == count
