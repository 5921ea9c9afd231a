"""The 112 service end to end: a seeker registers in the chat, an opening is imported, the
worker runs, and the push arrives on the channel the seeker chose (the fake WeChat server, the
aiosmtpd mailbox, the fake SMS provider); the employer hears of the candidate.

The push job decides by the real clock: in quiet hours (21:00–08:00 Xiamen) it is deferred to
08:00, and `worker` then plays RQ's scheduler at 08:00 for it (a test at 23:00 checks the wait).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from employment import chat as job_chat, data, imports, matching
from models import Delivery, Seeker, Session, utcnow
from models.queues import enqueue
from tasks import employment as jobs
from tests.bot.conftest import chat  # noqa: F401 (the resident's chat over POST /wechat)
from tests.channels.push_fixtures import deliver, fake_sms, smtp_server  # noqa: F401
from tests.conftest import run_jobs

from .builders import OPENINGS_HEADER, id_number, opening_row, write_csv
from .test_chat import PLAN, register

OPENID = "o-jobseeker"
PHONE = "13912345678"
EMAIL = "lin@example.com"
EMPLOYER = "hr@ludao.example"


def worker(app) -> None:
    """A worker run; pushes the real clock put off to 08:00 then go as the scheduler sends them."""
    run_jobs(app)
    with app.app_context():
        waiting = Session.execute(select(Delivery.id, Delivery.deferred_until)
                                  .where(Delivery.state == "deferred")).all()
        Session.remove()
    for delivery_id, until in waiting:
        deliver(app, delivery_id, now=until)


def import_opening(app, tmp_path, name="openings.csv", **row) -> int:
    """What an operator does: `employment import-openings FILE`, then `employment match`."""
    path = write_csv(tmp_path / name, OPENINGS_HEADER, [opening_row(**row)])
    outcome = imports.import_openings(path)
    Session.commit()
    enqueue(jobs.MATCH)
    worker(app)
    return outcome.ids[0]


def wechat_texts(fake, openid=OPENID) -> list[str]:
    return [m["body"]["text"]["content"] for m in fake.messages(openid) if m["msgtype"] == "text"]


def test_a_registered_seeker_gets_an_imported_opening_on_wechat_once_until_they_unsubscribe(app, fake_wechat,
                                                                                          tmp_path):
    register()  # what the chat's finish() calls for 求职登记 (see the xfail test below)
    opening_id = import_opening(app, tmp_path, title="社区保洁员")
    [pushed] = wechat_texts(fake_wechat)
    assert f"【{opening_id}】社区保洁员（鹭岛物业公司）" in pushed and "推荐理由" in pushed and "退订" in pushed
    # The same file again, the night's full matching and the morning's digests: nothing twice.
    import_opening(app, tmp_path, title="社区保洁员")
    enqueue(jobs.PUSH_DUE)
    worker(app)
    assert len(wechat_texts(fake_wechat)) == 1
    # 退订 in the chat (the router calls push.opt_out): the next opening is not pushed on WeChat.
    from channels import push
    push.opt_out("wechat", openid=OPENID)
    Session.commit()
    import_opening(app, tmp_path, name="more.csv", title="商场保洁员", street="中华街道")
    assert len(wechat_texts(fake_wechat)) == 1
    last = Session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    assert last.state == "undeliverable" and "opted out" in last.reason


def test_email_preference_reaches_the_mailbox_and_the_employer_hears_masked_then_in_full(app, smtp_server,
                                                                                       tmp_path):
    register(contact="3", email=EMAIL)
    opening_id = import_opening(app, tmp_path, title="社区保洁员")
    [mail] = smtp_server.to(EMAIL)
    assert "为您推荐1个岗位" in str(mail["Subject"]) and "社区保洁员" in mail.get_body(("plain",)).get_content()
    # The employer's daily email: the candidate masked.
    assert jobs.employer_emails() == 1
    worker(app)
    [daily] = smtp_server.to(EMPLOYER)
    body = daily.get_body(("plain",)).get_content()
    assert "林某" in body and "林芳" not in body and PHONE not in body
    assert [part.get_filename() for part in daily.iter_attachments()] == [
        f"candidates-{datetime.now(ZoneInfo('Asia/Shanghai')).date().isoformat()}.csv"]
    # The seeker says 感兴趣: the employer is told at once, with her name and phone.
    assert "已记下" in job_chat.respond(OPENID, f"感兴趣 {opening_id}")
    Session.commit()
    worker(app)
    told = smtp_server.to(EMPLOYER)[-1]
    assert "林芳" in told.get_body(("plain",)).get_content() and PHONE in told.get_body(("plain",)).get_content()


def test_sms_preference_reaches_the_fake_provider_and_td_stops_it(app, fake_sms, fake_wechat, tmp_path):
    register(contact="2")
    import_opening(app, tmp_path, title="社区保洁员")
    [sms] = fake_sms.messages(PHONE)
    assert "社区保洁员" in sms["text"] and "回TD退订" in sms["text"]
    status, _ = fake_sms.reply(PHONE, "TD")
    assert status == 200
    Session.remove()
    import_opening(app, tmp_path, name="more.csv", title="商场保洁员", street="中华街道")
    assert len(fake_sms.messages(PHONE)) == 1
    # TD stops SMS only: the next choice on her list, WeChat, carries it.
    assert "商场保洁员" in wechat_texts(fake_wechat)[0]


def _coming(hour: int) -> datetime:
    """The next `hour`:00 in Xiamen, as naive UTC."""
    tz = ZoneInfo("Asia/Shanghai")
    local = datetime.now(tz)
    moment = datetime.combine(local.date(), time(hour), tz)
    if moment <= local:
        moment += timedelta(days=1)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def test_a_digest_due_at_23_00_leaves_at_08_00(app, fake_wechat, tmp_path):
    path = write_csv(tmp_path / "o.csv", OPENINGS_HEADER, [opening_row(title="社区保洁员")])
    imports.import_openings(path)
    Session.commit()
    register()  # matched at once; its digest is queued
    [delivery] = Session.scalars(select(Delivery)).all()
    night = _coming(23)
    at_night = deliver(app, delivery.id, now=night)
    assert at_night.state == "deferred" and wechat_texts(fake_wechat) == []
    morning = deliver(app, delivery.id, now=at_night.deferred_until)
    assert morning.state == "sent" and len(wechat_texts(fake_wechat)) == 1
    local = morning.deferred_until.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.hour, local.minute) == (8, 0)


def test_a_jiuye_kunnan_sees_a_public_welfare_post_days_before_others(app, fake_wechat, tmp_path):
    kunnan = register()
    other = register("o-other", id_number=id_number(9, born="19900101"), name="王强", sex="男",
                     age="36", registered_unemployed="否")
    assert kunnan.jiuye_kunnan and not other.jiuye_kunnan
    opening_id = import_opening(app, tmp_path, title="社区巡逻员", public_welfare="是")
    assert "社区巡逻员" in wechat_texts(fake_wechat)[0] and "公益性岗位优先安排" in wechat_texts(fake_wechat)[0]
    assert wechat_texts(fake_wechat, "o-other") == []
    days = int(data.params()["public_welfare_reserved_days"])
    matching.recommend(now=utcnow() + timedelta(days=days - 1))  # still reserved
    Session.commit()
    assert job_chat.current("o-other").count("社区巡逻员") == 0
    matching.recommend(now=utcnow() + timedelta(days=days, hours=1))  # the reservation is over
    Session.commit()
    assert f"【{opening_id}】社区巡逻员" in job_chat.current("o-other")
    enqueue(jobs.PUSH_DUE)
    worker(app)
    assert "社区巡逻员" in wechat_texts(fake_wechat, "o-other")[0]


def test_registering_through_the_chat_then_jobs_interest_and_unsubscribe(chat, tmp_path):
    plan = {k: v for k, v in PLAN.items()}
    assert "好的，我们来办" in chat.click("APPLY_JIUYE")
    assert "请核对" in chat.fill(plan)
    reply = chat.say("确认")
    assert "求职登记好了" in reply and "推荐岗位" in reply and "退订" in reply
    seeker = Session.scalar(select(Seeker))
    assert seeker is not None and seeker.openid == chat.openid
    opening_id = import_opening(chat.app, tmp_path, title="社区保洁员")
    assert any("社区保洁员" in text for text in chat.pushed())
    assert f"【{opening_id}】社区保洁员" in chat.click("JOBS")
    assert "已记下" in chat.say(f"感兴趣 {opening_id}")
    chat.say("退订")
    before = len(chat.pushed())
    import_opening(chat.app, tmp_path, name="more.csv", title="商场保洁员", street="中华街道")
    assert len(chat.pushed()) == before
    assert Session.scalar(select(func.count()).select_from(Seeker)) == 1
