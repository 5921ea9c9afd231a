"""系统运行状况: an admin sees what is stuck or failed, puts it back on its queue, and every such
action is in the audit log. Nobody else sees the page."""
from datetime import timedelta

import pytest
from rq.job import Job
from sqlalchemy import select

from models import AuditEntry, InboundMessage, MediaFile, OutboundMessage, Session, kv, utcnow
from models.queues import enqueue, queue
from tests import jobs
from tests.jobs import send_now
from tests.review.fixtures import make_staff, reload, texts
from tests.staff.conftest import log_in, log_in_page, token

RESIDENT = "o-abcdefghijklmnxy"


def stuck_message(minutes_ago: float = 10, content: str = "我家断粮了", key: str = "1001") -> InboundMessage:
    """A message stored but never handled: every delivery of it died."""
    at = utcnow() - timedelta(minutes=minutes_ago)
    message = InboundMessage(
        dedupe_key=key, openid=RESIDENT, msg_type="text", state="received", received_at=at,
        create_time=int(at.timestamp()),
        payload={"ToUserName": "gh_test", "FromUserName": RESIDENT, "CreateTime": str(int(at.timestamp())),
                 "MsgType": "text", "Content": content, "MsgId": key})
    Session.add(message)
    Session.commit()
    return message


def failed_job(run_worker, key: str = "attempts") -> Job:
    """A job that raised on every try and is now in RQ's failed-job registry."""
    job = enqueue(jobs.fail_always, key)
    run_worker()
    assert job.id in queue("default").failed_job_registry
    return job


def audited(action: str) -> list[AuditEntry]:
    Session.remove()
    return Session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.fixture
def admin(app, client):
    staff = make_staff("chen", role="admin", district="厦门市")
    log_in(client, "chen")
    return staff


def test_an_admin_sees_a_stuck_message_and_a_failed_job(admin, client, run_worker):
    stuck_message()
    job = failed_job(run_worker)
    page = client.get("/staff/operations").get_data(as_text=True)
    assert "收到未处理的消息（1）" in page and "居民发来的消息还没有回复" in page
    assert "o-ab…xy" in page and "文字" in page and "10 分钟" in page
    assert RESIDENT not in page and "断粮" not in page  # who, shortened; never what they wrote
    assert "失败的任务（1）" in page
    assert "tests.jobs.fail_always" in page and job.id in page
    assert "RuntimeError: this job always fails" in page
    assert "系统运行状况" in page  # in the navigation too


def test_a_quiet_system_says_so(admin, client):
    stuck_message(minutes_ago=0.2)  # WeChat may still be delivering it: not stuck
    page = client.get("/staff/operations").get_data(as_text=True)
    assert "收到未处理的消息（0）" in page and "没有卡住的消息。" in page
    assert "没有失败的任务。" in page


def test_requeue_one_failed_job(admin, client, run_worker, csrf):
    job = failed_job(run_worker)
    page = client.get("/staff/operations").get_data(as_text=True)
    response = client.post("/staff/operations/jobs/requeue", follow_redirects=True,
                           data={"csrf_token": token(page), "queue": "default", "job_id": job.id})
    assert "这个任务已重新排队" in response.get_data(as_text=True)
    assert job.id not in queue("default").failed_job_registry
    assert job.id in queue("default").get_job_ids()
    [entry] = audited("requeue_job")
    assert (entry.staff_id, entry.detail) == (admin.id, {"queue": "default", "job_id": job.id, "requeued": True})

    run_worker()  # it runs once more (and, this one, fails again)
    assert int(kv.client().get("attempts")) == 4
    assert job.id in queue("default").failed_job_registry


def test_requeue_every_failed_job_of_a_queue(admin, client, run_worker):
    first, second = failed_job(run_worker, "a"), failed_job(run_worker, "b")
    page = client.get("/staff/operations").get_data(as_text=True)
    assert "「常规任务」全部重新排队（2 个）" in page
    response = client.post("/staff/operations/jobs/requeue-all", data={"queue": "default"}, follow_redirects=True)
    assert "2 个失败的任务已重新排队" in response.get_data(as_text=True)
    assert queue("default").failed_job_registry.count == 0
    assert set(queue("default").get_job_ids()) == {first.id, second.id}
    [entry] = audited("requeue_failed_jobs")
    assert entry.detail == {"queue": "default", "requeued": 2}


def test_requeue_a_job_no_longer_failed_is_explained(admin, client, run_worker):
    job = failed_job(run_worker)
    client.post("/staff/operations/jobs/requeue", data={"queue": "default", "job_id": job.id})
    response = client.post("/staff/operations/jobs/requeue", data={"queue": "default", "job_id": job.id},
                           follow_redirects=True)
    assert "已经不在失败列表里了" in response.get_data(as_text=True)
    assert client.post("/staff/operations/jobs/requeue-all", data={"queue": "nope"}).status_code == 404


def test_a_message_redis_lost_is_sent_after_re_queueing(admin, client, fake_wechat, run_worker):
    from channels import outbound

    message = send_now(RESIDENT, "您的申请已受理")
    # Redis restarted without its data: the record's job is gone.
    Job.fetch(outbound.job_id(message.id), connection=kv.client()).delete()
    Session.execute(OutboundMessage.__table__.update().values(created_at=utcnow() - timedelta(minutes=10)))
    Session.commit()
    page = client.get("/staff/operations").get_data(as_text=True)
    assert "待发送的消息（1）" in page and "排队中" in page and "客服消息" in page

    response = client.post("/staff/operations/sweep", follow_redirects=True)
    assert "消息 1 条" in response.get_data(as_text=True)
    [entry] = audited("requeue_stuck_work")
    assert entry.detail["messages"] == 1
    run_worker()
    assert texts(fake_wechat, RESIDENT) == ["您的申请已受理"]
    assert reload(OutboundMessage, message.id).state == "sent"
    assert "待发送的消息（0）" in client.get("/staff/operations").get_data(as_text=True)


def test_a_pending_photo_is_listed_and_re_queued(admin, client):
    photo = MediaFile(openid=RESIDENT, media_id="m-lost", created_at=utcnow() - timedelta(minutes=5))
    Session.add(photo)
    Session.commit()
    page = client.get("/staff/operations").get_data(as_text=True)
    assert "待下载的照片（1）" in page and "下载中" in page
    response = client.post("/staff/operations/sweep", follow_redirects=True)
    assert "照片 1 张" in response.get_data(as_text=True)
    assert Job.fetch(f"media-{photo.id}", connection=kv.client()).get_status() == "queued"
    # Asked again at once: its job is still queued, so nothing is queued twice.
    response = client.post("/staff/operations/sweep", follow_redirects=True)
    assert "照片 0 张" in response.get_data(as_text=True)
    assert len(audited("requeue_stuck_work")) == 2


def test_stuck_messages_are_handled_by_the_queued_sweep(admin, client, fake_wechat, run_worker):
    message = stuck_message(content="帮助")
    response = client.post("/staff/operations/inbound-sweep", follow_redirects=True)
    assert "已安排后台处理这些消息" in response.get_data(as_text=True)
    [entry] = audited("requeue_inbound")
    assert entry.detail == {"queued": True}
    run_worker()
    assert reload(InboundMessage, message.id).state != "received"
    assert texts(fake_wechat, RESIDENT)  # the resident got their answer
    assert "收到未处理的消息（0）" in client.get("/staff/operations").get_data(as_text=True)


@pytest.mark.parametrize("role", ["reviewer", "caseworker"])
def test_only_admins_see_the_page_or_act(app, client, run_worker, role):
    make_staff("lin", role=role)
    job = failed_job(run_worker)
    log_in(client, "lin")
    assert "系统运行状况" not in client.get("/staff/queue").get_data(as_text=True)
    assert client.get("/staff/operations").status_code == 403
    for path, data in (("jobs/requeue", {"queue": "default", "job_id": job.id}),
                       ("jobs/requeue-all", {"queue": "default"}), ("sweep", {}), ("inbound-sweep", {})):
        assert client.post(f"/staff/operations/{path}", data=data).status_code == 403
    assert job.id in queue("default").failed_job_registry
    Session.remove()
    assert not Session.scalars(select(AuditEntry).where(AuditEntry.action.like("requeue%"))).all()


@pytest.mark.browser
def test_the_page_in_a_browser(app, live_server, page, screenshot, run_worker):
    make_staff("chen", role="admin", district="厦门市")
    stuck_message()
    failed_job(run_worker)
    log_in_page(page, live_server.url, "chen")
    page.click("header.top a:has-text('系统运行状况')")
    screenshot(page, "operations-stuck-and-failed")
    inbound = page.locator("#inbound").inner_text()
    assert "收到未处理的消息（1）" in inbound and "o-ab…xy" in inbound and "断粮" not in inbound
    jobs_section = page.locator("#jobs").inner_text()
    assert "失败的任务（1）" in jobs_section and "this job always fails" in jobs_section

    page.locator("#jobs tbody button:has-text('重新排队')").click()
    assert "这个任务已重新排队" in page.inner_text(".flash")
    assert "没有失败的任务。" in page.locator("#jobs").inner_text()
