"""Pushes over WeChat, SMS and email: preference order, fallback with its trail, opt-outs,
quiet hours, validity and the dedupe key, each against a real loopback fake."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.channels.push_fixtures import (DAY, EMAIL, NEXT_8AM, NIGHT, OPENID, PHONE, deliver,  # noqa: F401
                                          fake_sms, push_one, smtp_server)


def test_sms_first_reaches_the_sms_inbox(app, fake_sms, smtp_server):
    from channels import push

    delivery = deliver(app, push_one(app))
    assert (delivery.state, delivery.channel) == ("sent", "sms")
    [sms] = fake_sms.messages(PHONE)
    assert sms["text"] == "【一趟】新岗位：保洁员（思明区），月薪3200元。 回TD退订"
    assert smtp_server.messages == []
    with app.app_context():
        assert push.delivered(delivery.id)


def test_a_failing_sms_provider_falls_back_to_email_and_the_trail_says_so(app, fake_sms, smtp_server):
    fake_sms.fail_next("system_error")
    csv = "岗位,街道\n保洁员,鹭江街道\n".encode("utf-8-sig")
    delivery = deliver(app, push_one(app, subject="新的岗位推荐", attachments=[("jobs.csv", csv, "text/csv")]))
    assert (delivery.state, delivery.channel) == ("sent", "email")
    assert [(s["channel"], s["outcome"]) for s in delivery.trail] == [("sms", "failed"), ("email", "sent")]
    assert "isp.SYSTEM_ERROR" in delivery.trail[0]["reason"]
    assert fake_sms.messages(PHONE) == []
    [mail] = smtp_server.to(EMAIL)
    assert mail["Subject"] == "新的岗位推荐"
    assert mail["List-Unsubscribe"].startswith("<http://yitang.test/unsubscribe/")
    body = mail.get_body(("plain",)).get_content()
    assert "保洁员" in body and "http://yitang.test/unsubscribe/" in body
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "jobs.csv" and attachment.get_payload(decode=True) == csv


def test_every_channel_failing_ends_failed_with_each_reason(app, fake_sms, smtp_server):
    fake_sms.fail_next("http_500")
    smtp_server.stop()  # nobody answers SMTP any more
    delivery = deliver(app, push_one(app))
    assert delivery.state == "failed"
    assert "sms:" in delivery.reason and "email:" in delivery.reason


def test_an_opted_out_email_is_skipped(app, fake_sms, smtp_server):
    from channels import push
    from models import Session

    with app.app_context():
        push.opt_out("email", email="Seeker@Example.com ", source="staff")
        Session.commit()
    delivery = deliver(app, push_one(app, prefer=("email", "sms")))
    assert (delivery.state, delivery.channel) == ("sent", "sms")
    assert delivery.trail[0] == {"channel": "email", "outcome": "skipped", "reason": "opted out"}
    assert smtp_server.messages == []


def test_the_unsubscribe_link_in_a_mail_stops_email_at_once(app, client, smtp_server):
    first = deliver(app, push_one(app, phone=None, prefer=("email",)))
    assert first.state == "sent"
    [mail] = smtp_server.to(EMAIL)
    link = mail["List-Unsubscribe"].strip("<>")
    page = client.get(link.removeprefix("http://yitang.test"))
    assert page.status_code == 200 and "已为您退订邮件推送" in page.get_data(as_text=True)

    second = deliver(app, push_one(app, phone=None, prefer=("email",), text="另一个岗位"))
    assert second.state == "undeliverable"
    assert "email: opted out" in second.reason
    assert len(smtp_server.messages) == 1


def test_a_forged_unsubscribe_link_changes_nothing(app, client, smtp_server):
    page = client.get("/unsubscribe/eyJjIjoiZW1haWwiLCJrIjoiYWJjIn0.forged")
    assert page.status_code == 400 and "退订链接无效" in page.get_data(as_text=True)
    assert deliver(app, push_one(app, phone=None, prefer=("email",))).state == "sent"


def test_a_push_at_23_00_waits_for_08_00_then_goes(app, fake_sms):
    from rq.registry import ScheduledJobRegistry

    from channels import push
    from models import kv

    delivery_id = push_one(app)
    night = deliver(app, delivery_id, now=NIGHT)
    assert (night.state, night.deferred_until) == ("deferred", NEXT_8AM)
    assert fake_sms.messages(PHONE) == []
    with app.app_context():
        registry = ScheduledJobRegistry("outbound", connection=kv.client())
        job = push.deferred_job_id(delivery_id, NEXT_8AM)
        assert job in registry.get_job_ids()
        assert registry.get_scheduled_time(job).replace(tzinfo=None) == NEXT_8AM

    morning = deliver(app, delivery_id, now=NEXT_8AM)
    assert (morning.state, morning.channel) == ("sent", "sms")
    assert len(fake_sms.messages(PHONE)) == 1


def test_quiet_hours_past_its_validity_make_it_undeliverable(app, fake_sms):
    delivery = deliver(app, push_one(app, valid_until=NIGHT + timedelta(hours=2)), now=NIGHT)
    assert delivery.state == "undeliverable"
    assert "quiet hours" in delivery.reason
    assert fake_sms.messages() == []


def test_a_push_past_valid_until_is_undeliverable_with_the_reason(app, fake_sms):
    delivery = deliver(app, push_one(app, valid_until=DAY - timedelta(minutes=1)), now=DAY)
    assert delivery.state == "undeliverable"
    assert delivery.reason == "past its validity before it could be sent"
    assert fake_sms.messages() == []


def test_the_same_dedupe_key_twice_is_one_delivery(app, fake_sms):
    from models import Delivery, Session

    first = push_one(app, dedupe_key="rec:7:42")
    second = push_one(app, dedupe_key="rec:7:42", text="同一条推荐再来一次")
    assert first == second
    deliver(app, first)
    deliver(app, second)
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(Delivery)) == 1
    assert len(fake_sms.messages(PHONE)) == 1


def test_send_queues_one_job_on_the_outbound_queue(app):
    from models import queues

    delivery_id = push_one(app)
    with app.app_context():
        job = queues.live_job(f"push-{delivery_id}")
        assert job is not None and job.origin == "outbound"


def test_wechat_within_the_window_goes_through_the_fake_wechat_server(app, fake_wechat, fake_sms):
    from channels import push

    delivery = deliver(app, push_one(app, openid=OPENID, prefer=("wechat", "sms")))
    assert (delivery.state, delivery.channel) == ("sent", "wechat")
    [message] = fake_wechat.messages(OPENID)
    assert message["kind"] == "custom" and "保洁员" in message["body"]["text"]["content"]
    assert fake_sms.messages() == []
    with app.app_context():
        assert push.delivered(delivery.id)


def test_wechat_outside_the_window_sends_the_template(app, fake_wechat):
    fake_wechat.close_window(OPENID)
    delivery = deliver(app, push_one(app, openid=OPENID, prefer=("wechat",)))
    assert (delivery.state, delivery.channel) == ("sent", "wechat")
    [message] = fake_wechat.messages(OPENID)
    assert message["kind"] == "template"


def test_a_resident_who_unfollowed_gets_the_sms_instead(app, fake_wechat, fake_sms):
    fake_wechat.unsubscribe(OPENID)
    delivery = deliver(app, push_one(app, openid=OPENID, prefer=("wechat", "sms")))
    assert (delivery.state, delivery.channel) == ("sent", "sms")
    assert delivery.trail[0]["channel"] == "wechat" and delivery.trail[0]["outcome"] == "failed"
    assert len(fake_sms.messages(PHONE)) == 1


def test_wechat_opt_out_from_the_chat_skips_wechat(app, fake_wechat, fake_sms):
    from channels import push
    from models import Session

    with app.app_context():
        push.opt_out("wechat", openid=OPENID)
        Session.commit()
    delivery = deliver(app, push_one(app, openid=OPENID, prefer=("wechat", "sms")))
    assert delivery.channel == "sms"
    assert fake_wechat.messages(OPENID) == []


def test_nobody_to_reach_is_undeliverable_not_dropped(app):
    delivery = deliver(app, push_one(app, phone=None, email=None, prefer=("wechat", "sms", "email")))
    assert delivery.state == "undeliverable"
    assert delivery.reason.startswith("no channel left: wechat: no WeChat openid")


def test_orphaned_deliveries_are_found_and_queued_again(app):
    from channels import push
    from models import kv

    delivery_id = push_one(app)
    with app.app_context():
        kv.client().flushdb()  # Redis lost the job
        later = datetime.utcnow() + timedelta(minutes=5)
        assert push.orphaned(later) == [delivery_id]
        assert push.requeue([delivery_id]) == 1
        assert push.orphaned(later) == []


@pytest.mark.parametrize("kw, message", [
    ({"prefer": ("fax",)}, "prefer must list channels"),
    ({"phone": "12345"}, "11-digit mainland mobile"),
    ({"email": "not an address"}, "email address"),
    ({"text": "  "}, "non-empty text"),
])
def test_bad_input_is_refused_naming_what_is_wrong(app, kw, message):
    with pytest.raises(ValueError, match=message):
        push_one(app, **kw)


def test_the_worker_runs_the_queued_push(app, fake_sms, run_worker):
    from channels import push
    from models import Delivery, Session, utcnow

    delivery_id = push_one(app)
    run_worker()
    with app.app_context():
        delivery = Session.get(Delivery, delivery_id)
        # The job itself decides by the real clock: sent by day, deferred in quiet hours.
        expected = "deferred" if push.quiet_until(utcnow()) else "sent"
        assert delivery.state == expected
    assert len(fake_sms.messages(PHONE)) == (1 if expected == "sent" else 0)
