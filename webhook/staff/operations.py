"""系统运行状况 (admins): stuck and failed messages, photos and jobs, and putting them back on
their queues. The queries are channels/backlog.py; the re-queueing is channels/sweep.py, the
inbound sweep job and RQ's failed-job registry."""
from __future__ import annotations

import functools

from flask import abort, flash, g, redirect, render_template, request, url_for
from redis import RedisError

from channels import backlog, sweep
from models import Session
from models.queues import NAMES, enqueue_once
from review import NotAllowed, access, audit

from . import bp

# The cron job's own function (tasks/cron.py); a click queues it once, never a pile of them.
INBOUND_SWEEP_JOB = "tasks.inbound.sweep"
INBOUND_SWEEP_NOW = "inbound-sweep-now"

JOBS = {"tasks.outbound.deliver": "发送消息",
        "tasks.moderation.check_media": "图片内容安全检查", "tasks.moderation.hold_overdue": "超时未检查的图片交工作人员", "tasks.media.download": "下载照片",
        "tasks.review.overdue_report": "每天的逾期报告", "tasks.sweep.orphaned_work": "补排队卡住的照片和消息",
        "tasks.inbound.sweep": "补处理收到的消息", "tasks.push.deliver": "推送（微信、短信、邮件）",
        "tasks.employment.match": "112岗位匹配", "tasks.employment.push_due": "112岗位推送",
        "tasks.employment.employer_emails": "给用人单位的每日邮件",
        "tasks.employment.training_offers": "112培训机会推送", "tasks.employment.worklists": "112待办名单"}
QUEUES = {"default": "常规任务", "outbound": "发送消息", "batch": "批量任务"}
MSG_TYPES = {"text": "文字", "image": "图片", "voice": "语音", "video": "视频", "shortvideo": "小视频",
             "location": "位置", "link": "链接", "event": "事件", "file": "文件"}
OUTBOUND_KINDS = {"custom": "客服消息", "template": "模板消息", "subscribe": "订阅消息", "sms": "短信",
                  "email": "邮件"}
STATES = {"received": "未处理", "failed": "失败", "pending": "下载中", "rejected": "不是可用的图片",
          "queued": "排队中", "retrying": "等待重试", "sending": "发送中"}


def _queue_action(view):
    """Admins only; Redis away is a message to try again shortly, not an error page."""
    @functools.wraps(view)
    def wrapped():
        _admins_only()
        try:
            return view()
        except RedisError:
            Session.rollback()
            flash("暂时连不上任务队列，请稍后再试。", "error")
            return _back()
    return wrapped


@bp.get("/operations")
def operations():
    _admins_only()
    records = backlog.overview()
    try:
        failed, jobs = backlog.failed_counts(), backlog.failed_jobs()
    except RedisError:  # the database rows still help while Redis is away
        failed, jobs = None, []
    return render_template("staff/operations.html", records=records, failed=failed, jobs=jobs, queues=QUEUES,
                           job_names=JOBS, msg_types=MSG_TYPES, kinds=OUTBOUND_KINDS, states=STATES)


@bp.post("/operations/jobs/requeue")
@_queue_action
def operations_requeue_job():
    name, job_id = _queue_name(), request.form.get("job_id", "")
    done = backlog.requeue(name, job_id)
    audit.record(g.staff, "requeue_job", queue=name, job_id=job_id, requeued=done)
    Session.commit()
    if done:
        flash("这个任务已重新排队，稍后会再执行一次。", "ok")
    else:
        flash("这个任务已经不在失败列表里了，不用再处理。", "info")
    return _back()


@bp.post("/operations/jobs/requeue-all")
@_queue_action
def operations_requeue_queue():
    name = _queue_name()
    count = backlog.requeue_all(name)
    audit.record(g.staff, "requeue_failed_jobs", queue=name, requeued=count)
    Session.commit()
    flash(f"「{QUEUES[name]}」里 {count} 个失败的任务已重新排队。", "ok")
    return _back()


@bp.post("/operations/sweep")
@_queue_action
def operations_sweep():
    counts = sweep.run()  # idempotent: a record that still has a live job is left to it
    audit.record(g.staff, "requeue_stuck_work", **counts)
    Session.commit()
    presumed = f"另有 {counts['presumed_sent']} 条在发送中途中断的消息按已发出处理。" if counts["presumed_sent"] else ""
    flash(f"已重新排队：照片 {counts['downloads']} 张，消息 {counts['messages']} 条。"
          f"其余的已经在队列里，稍后会完成。{presumed}", "ok")
    return _back()


@bp.post("/operations/inbound-sweep")
@_queue_action
def operations_inbound_sweep():
    # Replaying many residents' turns is the worker's job, not a web request's.
    queued = enqueue_once(INBOUND_SWEEP_JOB, job_id=INBOUND_SWEEP_NOW, job_timeout=60) is not None
    audit.record(g.staff, "requeue_inbound", queued=queued)
    Session.commit()
    flash("已安排后台处理这些消息，一两分钟后刷新本页查看。" if queued else
          "这些消息已经在排队处理了，一两分钟后刷新本页查看。", "ok")
    return _back()


def _admins_only() -> None:
    if not access.city_wide(g.staff):
        raise NotAllowed("您的账号没有这项操作的权限。")


def _queue_name() -> str:
    name = request.form.get("queue", "")
    if name not in NAMES:
        abort(404)
    return name


def _back():
    return redirect(url_for("staff.operations"))
