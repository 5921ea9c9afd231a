"""When a part fails: a worker killed mid-send or mid-download, Redis losing its jobs, a job
run twice. Every message is delivered once and every photo stored once, and nothing else
waits minutes behind the failure.

The killed workers are real `flask --app webhook worker` processes, pointed at the fake WeChat
server through a copy of the test configuration. "A minute later" is the sweep's `now` and
RQ's own maintenance run with the timestamp it would have then: no test sleeps that long.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import tomllib
from datetime import timedelta

import pytest
import tomli_w
from rq.cron import CronScheduler
from rq.job import Job
from rq.registry import StartedJobRegistry
from sqlalchemy import update

from channels import media, outbound, sweep
from channels.wechat_api import WeChatAPI
from models import MediaFile, OutboundMessage, Session, kv, queues, utcnow
from tests.conftest import ROOT
from tests.jobs import send_now

from .conftest import reload
from .test_media import photo

CUSTOM = "cgi-bin/message/custom/send"
MEDIA_GET = "cgi-bin/media/get"
FIRST, SECOND = "o_resident_first", "o_resident_second"
LATER = timedelta(minutes=3)  # past the sweep's threshold and any send's stale claim


def wait_for(predicate, what: str, timeout: float = 60):
    """Poll until `predicate()` is true; the deadline only bounds a broken run."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


class Processes:
    """`flask --app webhook ...` processes reading a configuration that points at the fake."""

    def __init__(self, config, logs):
        self.config, self.logs, self.started = config, logs, []

    def start(self, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{args[0]}-{len(self.started)}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "webhook", *args], cwd=ROOT,
                                env={**os.environ, "YITANG_CONFIG": str(self.config)},
                                stdout=log, stderr=subprocess.STDOUT)
        self.started.append((proc, log))
        return proc

    def stop(self):
        for proc, _ in self.started:
            if proc.poll() is None:
                proc.terminate()
        for proc, log in self.started:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


@pytest.fixture
def processes(app, wx, config_file, tmp_path):
    config = tomllib.loads(config_file.read_text())
    config["wechat"]["api_base_url"] = wx.url
    path = tmp_path / "worker-config.toml"
    path.write_bytes(tomli_w.dumps(config).encode())
    started = Processes(path, tmp_path)
    yield started
    started.stop()


@pytest.fixture
def backoff(app):
    """Retries after a one-second backoff, so that they go through RQ's scheduler."""
    saved = dict(queues._retry)
    queues.configure(2, [1])
    yield
    queues.configure(saved["max"], saved["interval"])


def rq_maintenance_a_minute_later(queue_name: str) -> None:
    """What a worker's maintenance does a minute from now: jobs whose worker died are
    abandoned, retried by RQ's rules."""
    StartedJobRegistry(queue=queues.queue(queue_name)).cleanup(timestamp=time.time() + 60)


def status(job_id: str) -> str:
    return Job.fetch(job_id, connection=kv.client()).get_status()


# ---- a worker killed mid-send -----------------------------------------------------------------

def test_a_worker_killed_mid_send_delivers_once_and_holds_up_nothing(wx, processes, backoff):
    wx.fail_next(CUSTOM, "slow", seconds=3, openid=FIRST)
    wx.fail_next(CUSTOM, "quota", openid=SECOND)  # the second needs a retry, after a backoff
    first = send_now(FIRST, "您的材料已收到。")
    second = send_now(SECOND, "请补充收入证明。")
    doomed = processes.start("worker")
    processes.start("scheduler")
    wait_for(lambda: wx.calls(CUSTOM), "the first send to reach WeChat")
    doomed.kill()  # SIGKILL while WeChat holds the request
    doomed.wait()
    assert reload(OutboundMessage, first.id).state == "sending"

    processes.start("worker")
    # Seconds, not minutes: the dead worker held no scheduler lock and the retry goes out.
    # (WeChat has it a moment before the worker records it: wait for the record.)
    wait_for(lambda: reload(OutboundMessage, second.id).state == "sent", "the message queued behind it",
             timeout=30)
    assert len(wx.messages(SECOND)) == 1

    wait_for(lambda: wx.messages(FIRST), "WeChat to deliver what it was handed")
    # Nobody sends a record whose attempt may still be in flight: neither the sweep...
    assert sweep.run(now=utcnow() + timedelta(seconds=30))["messages"] == 0
    # ...nor RQ, which within a minute finds the job abandoned and runs it again.
    rq_maintenance_a_minute_later("outbound")
    assert status(outbound.job_id(first.id)) != "started"
    wait_for(lambda: status(outbound.job_id(first.id)) == "finished", "RQ's retry of the dead job")
    assert reload(OutboundMessage, first.id).state == "sending"
    # Once stale, the attempt is taken for the delivery it was.
    assert sweep.run(now=utcnow() + LATER)["presumed_sent"] == 1

    settled = reload(OutboundMessage, first.id)
    assert settled.state == "sent" and settled.attempts == 1
    assert settled.last_error.startswith("presumed sent")
    assert len(wx.messages(FIRST)) == 1
    assert [c["json"]["touser"] for c in wx.calls(CUSTOM)].count(FIRST) == 1


def test_a_send_claimed_by_another_attempt_is_not_sent_again(app, wx, api):
    wx.fail_next(CUSTOM, "slow", seconds=1.5)
    message = send_now(FIRST, "您好")

    def first_attempt():
        with app.app_context(), WeChatAPI.from_config(app.config, kv.client()) as own:
            outbound.deliver(message.id, own)
        Session.remove()

    attempt = threading.Thread(target=first_attempt)
    attempt.start()
    wait_for(lambda: wx.calls(CUSTOM), "the first attempt to reach WeChat")
    assert outbound.deliver(message.id, api).state == "sending"
    attempt.join()
    sent = reload(OutboundMessage, message.id)
    assert (sent.state, sent.attempts) == ("sent", 1)
    assert len(wx.calls(CUSTOM)) == 1 and len(wx.messages(FIRST)) == 1


def test_a_sent_message_whose_job_runs_again_sends_nothing(wx, run_worker):
    message = send_now(FIRST, "您好")
    run_worker()
    # As a retry of a job whose worker died after sending would, or `rq requeue`.
    queues.enqueue(outbound.DELIVER_JOB, message.id, queue_name="outbound")
    run_worker()
    sent = reload(OutboundMessage, message.id)
    assert (sent.state, sent.attempts) == ("sent", 1)
    assert len(wx.messages(FIRST)) == 1


def test_a_job_finding_a_stale_claim_settles_it_without_sending(wx, run_worker):
    message_id = send_now(FIRST, "您好").id
    # What a worker that died mid-send five minutes ago left behind.
    Session.execute(update(OutboundMessage).where(OutboundMessage.id == message_id)
                    .values(state="sending", attempts=1, attempted_at=utcnow() - timedelta(minutes=5)))
    Session.commit()
    run_worker()
    settled = reload(OutboundMessage, message_id)
    assert (settled.state, settled.attempts) == ("sent", 1)
    assert wx.calls(CUSTOM) == []


# ---- Redis lost the jobs -------------------------------------------------------------------------

def test_a_message_whose_job_redis_lost_is_sent_once(wx, run_worker):
    message = send_now(FIRST, "您好")
    kv.client().flushdb()  # Redis restarted without persistence: the row stays, the job is gone
    assert sweep.run()["messages"] == 0  # just created: not yet anyone's to call lost
    assert sweep.run(now=utcnow() + LATER)["messages"] == 1
    assert sweep.run(now=utcnow() + LATER)["messages"] == 0  # one live job per record
    assert queues.queue("outbound").count == 1
    run_worker()
    assert reload(OutboundMessage, message.id).state == "sent"
    assert sweep.run(now=utcnow() + LATER)["messages"] == 0  # done is never redone
    run_worker()
    assert len(wx.messages(FIRST)) == 1


def test_a_download_whose_job_redis_lost_is_stored_once(wx, run_worker, uploads):
    content = photo("jpeg")
    requested = media.request_download(FIRST, wx.add_media(content, "image/jpeg"))
    kv.client().flushdb()
    assert sweep.run()["downloads"] == 0
    assert sweep.run(now=utcnow() + LATER)["downloads"] == 1
    assert sweep.run(now=utcnow() + LATER)["downloads"] == 0
    run_worker()
    stored = reload(MediaFile, requested.id)
    assert stored.state == "stored" and (uploads / stored.path).read_bytes() == content
    assert sweep.run(now=utcnow() + LATER)["downloads"] == 0
    run_worker()
    assert len(wx.calls(MEDIA_GET)) == 1


def test_a_retry_waiting_for_its_backoff_is_left_to_it(wx, run_worker):
    saved = dict(queues._retry)
    queues.configure(2, [600])
    try:
        wx.fail_next(CUSTOM, "quota")
        message = send_now(FIRST, "您好")
        run_worker()
    finally:
        queues.configure(saved["max"], saved["interval"])
    assert reload(OutboundMessage, message.id).state == "retrying"
    assert sweep.run(now=utcnow() + LATER)["messages"] == 0
    assert status(outbound.job_id(message.id)) == "scheduled"


def test_the_sweep_runs_every_minute_through_the_queue(wx, run_worker):
    scheduler = CronScheduler(connection=kv.client())
    scheduler.load_config_from_file("tasks.cron")
    [job] = [j for j in scheduler.get_jobs() if j.func_name == "tasks.sweep.orphaned_work"]
    assert job.interval == 60
    message_id = send_now(FIRST, "您好").id
    kv.client().flushdb()
    # Queued five minutes ago, before Redis lost its data.
    Session.execute(update(OutboundMessage).values(created_at=utcnow() - timedelta(minutes=5)))
    Session.commit()
    job.enqueue(kv.client())
    run_worker()
    assert reload(OutboundMessage, message_id).state == "sent"
    assert len(wx.messages(FIRST)) == 1


# ---- a worker killed mid-download ------------------------------------------------------------

def test_a_worker_killed_mid_download_stores_the_photo_once(wx, processes, run_worker, uploads):
    content = photo("png")
    wx.fail_next(MEDIA_GET, "slow", seconds=3)
    requested = media.request_download(FIRST, wx.add_media(content, "image/png"))
    doomed = processes.start("worker")
    wait_for(lambda: wx.calls(MEDIA_GET), "the download to start")
    doomed.kill()
    doomed.wait()
    assert reload(MediaFile, requested.id).state == "pending"
    # The job is RQ's (started, its worker dead): the sweep does not queue a second one...
    assert sweep.run(now=utcnow() + LATER)["downloads"] == 0
    # ...RQ's maintenance, within a minute of the kill, retries it.
    rq_maintenance_a_minute_later("default")
    run_worker()
    stored = reload(MediaFile, requested.id)
    assert stored.state == "stored" and (uploads / stored.path).read_bytes() == content
    assert sweep.run(now=utcnow() + LATER)["downloads"] == 0
    run_worker()
    assert len(wx.calls(MEDIA_GET)) == 2  # the killed one and the one that stored it
