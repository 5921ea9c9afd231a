"""Outbound WeChat messages. Every message is an OutboundMessage row before anything is sent,
and every outcome ends up in that row:

  queued → sending → sent            (sent_at set)
                   → retrying → sending → …  (WeChat busy, over a quota, unreachable; RQ retries)
                   → undeliverable   (opted out, unsubscribed, outside the 48-hour window
                                      with no template to fall back on)
                   → failed          (refused for good, or out of retries; last_error says why)

`sending` is a claim: a delivery sets it (with attempted_at) in one conditional UPDATE before
calling WeChat, so of two jobs for one record only one sends, and a job that finds its record
sent, or being sent, does nothing. A record left `sending` by a worker that died mid-send is
settled once the attempt is stale (see settle_stale): presumed sent, never sent again.

Each record has at most one live job, under the id `outbound-<record id>`; sweep.py queues
again a record whose job Redis lost.

`send` only adds the record to the caller's session: the caller (an HTTP handler, a job, the
chat's turn) commits it with the change it reports, and its delivery is queued right after
that commit (a rolled-back message is never queued, and a queued one is always in the
database for the worker to find).

Logs carry record ids and states only: no openids, no contents.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from redis import RedisError
from rq import Callback, RateLimit
from rq.timeouts import JobTimeoutException
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError

from flask import current_app, has_app_context

from models import MpSubscription, OutboundMessage, Resident, Session, utcnow
from models.queues import enqueue_once

from .wechat_api import WeChatAPI, WeChatError

log = logging.getLogger(__name__)

CUSTOM_MSGTYPES = frozenset({"text", "image", "voice", "video", "music", "news", "mpnews",
                             "msgmenu", "wxcard", "miniprogrampage"})
OUTSIDE_WINDOW = 45015
# subscribeMessage.send refused for want of a grant (the resident refused, or WeChat no longer
# counts one): the message falls back to the Official Account.
SUBSCRIBE_REFUSED = frozenset({43101})
UNSUBSCRIBED = 43004

# Named, not imported: channels never import tasks (tasks.outbound calls into this module).
DELIVER_JOB = "tasks.outbound.deliver"
ON_FAILURE = "tasks.outbound.on_failure"

# RQ's job_timeout for one delivery: the token (normally read from Redis) and one send, each
# HTTP call bounded by the client's timeouts (wechat_api.py), with room for one token renewal.
# A worker that dies mid-send is noticed by RQ soon after this (tasks/worker.py).
SEND_JOB_TIMEOUT = 30
# A `sending` claim older than this belongs to no live attempt: a live worker stops a job at
# its timeout. Until then nobody else sends the record.
SENDING_STALE_AFTER = timedelta(seconds=SEND_JOB_TIMEOUT + 30)
# Records a send claims: a failed one too, as `rq requeue` of its job is an operator asking
# for another try (nothing queues a failed record by itself).
CLAIMABLE = ("queued", "retrying", "failed")

# RQ's RateLimit caps how many sends are queued or running at once across the deployment
# (RQ has no per-second limit). Retries after a backoff re-enter the queue outside the cap.
SEND_CONCURRENCY = 8
SEND_RATE_LIMIT_KEY = "wechat-outbound"

# Template ids are issued per Official Account (公众号 → 模板消息): set in configuration.
_templates = {"status": "yitang-status-update"}


def configure_templates(**ids: str) -> None:
    _templates.update({name: value for name, value in ids.items() if value})


def template_id(name: str) -> str:
    return _templates[name]


# Not "failed": `rq requeue` of a failed job is an operator asking for another try.
FINAL_STATES = ("sent", "undeliverable")


def send(openid: str, content=None, msgtype: str = "text", template: dict | None = None,
         inbound_id: int | None = None, subscribe: dict | None = None) -> OutboundMessage:
    """Record a message for `openid` and queue its delivery.

    `subscribe` ({"data", "page"?}) is a mini-program 订阅消息 of `[miniprogram]
    status_template_id`: when the resident granted one in the mini-program, the grant is
    consumed and the record is of kind "subscribe"; else (and should WeChat refuse it) the
    content / template go through the Official Account.

    `content` is the text for msgtype "text", else the object WeChat expects under the msgtype
    key (news: {"articles": [...]}, msgmenu: {"head_content", "list", "tail_content"}).
    `template` ({"template_id", "data", "url"?}) is sent instead when the resident is outside
    the 48-hour customer-service window; with no `content`, it is sent straight away."""
    _check(content, msgtype, template)
    message = OutboundMessage(
        openid=openid, kind="custom" if content is not None else "template",
        msg_type=msgtype if content is not None else "template",
        payload={"content": content, "template": template}, inbound_id=inbound_id)
    Session.add(message)
    if opted_out(openid):
        message.state, message.last_error = "undeliverable", "the resident opted out of messages"
        return message
    if subscribe is not None:
        _use_grant(message, subscribe)
    Session.flush()  # the record's id, for its job
    Session().info.setdefault(_TO_QUEUE, []).append(message.id)
    return message


_TO_QUEUE = "outbound_to_queue"


@event.listens_for(Session, "after_commit")
def _queue_committed(session) -> None:
    """Queue the deliveries of the messages this commit recorded."""
    for message_id in session.info.pop(_TO_QUEUE, []):
        try:
            queue_delivery(message_id)
        except RedisError:
            # Kept `queued`: the sweep (channels/sweep.py) queues it once Redis is back.
            # Raising here would undo nothing and lose the caller's turn.
            log.warning("outbound %s recorded; queueing waits for Redis", message_id)
            continue
        log.info("outbound %s queued", message_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop(_TO_QUEUE, None)


def mp_template_id() -> str | None:
    return current_app.config.get("MINIPROGRAM_STATUS_TEMPLATE_ID") or None if has_app_context() else None


def _use_grant(message: OutboundMessage, subscribe: dict) -> bool:
    """Consume the resident's oldest unused grant of the template for this message (one
    conditional UPDATE per try, so two sends never spend the same grant)."""
    template_id = mp_template_id()
    if not template_id:
        return False
    Session.flush()  # the message's id, for the grant to point at
    grants = Session.scalars(select(MpSubscription).where(
        MpSubscription.resident_openid == message.openid, MpSubscription.template_id == template_id,
        MpSubscription.used_at.is_(None)).order_by(MpSubscription.id)).all()
    for grant in grants:
        taken = Session.execute(
            update(MpSubscription).where(MpSubscription.id == grant.id, MpSubscription.used_at.is_(None))
            .values(used_at=utcnow(), outbound_id=message.id)
            .execution_options(synchronize_session=False)).rowcount == 1
        if taken:
            message.kind = "subscribe"  # msg_type stays: a fallback sends the content as it is
            body = {"touser": grant.mp_openid, "template_id": template_id, "data": subscribe["data"]}
            if subscribe.get("page"):
                body["page"] = subscribe["page"]
            message.payload = {**message.payload, "subscribe": body}
            return True
    return False


def job_id(message_id: int) -> str:
    return f"outbound-{message_id}"


def queue_delivery(message_id: int) -> bool:
    """Queue the record's delivery unless a job for it is already queued or running."""
    return enqueue_once(DELIVER_JOB, message_id, job_id=job_id(message_id), queue_name="outbound",
                        job_timeout=SEND_JOB_TIMEOUT, on_failure=Callback(ON_FAILURE),
                        rate_limit=RateLimit(SEND_RATE_LIMIT_KEY, SEND_CONCURRENCY)) is not None


def _check(content, msgtype: str, template: dict | None) -> None:
    """Refuse a malformed message here, in the caller, rather than later in a worker."""
    if content is None and template is None:
        raise ValueError("nothing to send: give content, a template, or both")
    if content is not None:
        if msgtype not in CUSTOM_MSGTYPES:
            raise ValueError(f"unknown msgtype {msgtype!r}")
        if msgtype == "text" and not (isinstance(content, str) and content.strip()):
            raise ValueError("a text message needs non-empty text")
        if msgtype != "text" and not isinstance(content, dict):
            raise ValueError(f"a {msgtype} message needs the object WeChat expects under {msgtype!r}")
    if template is not None:
        if not template.get("template_id") or not isinstance(template.get("data"), dict):
            raise ValueError("a template needs template_id and data")
        unknown = set(template) - {"template_id", "data", "url"}
        if unknown:
            raise ValueError(f"unknown template keys: {', '.join(sorted(unknown))}")


def deliver(message_id: int, api: WeChatAPI) -> OutboundMessage | None:
    """Send one recorded message. Raises RetryableError (state `retrying`) when a later try
    may succeed; every other outcome is final and recorded. A record already sent, or being
    sent by another attempt, is left as it is: a job can run twice (RQ retrying a job whose
    worker died, the sweep, a manual requeue), a message is sent once."""
    message = Session.get(OutboundMessage, message_id)
    if message is None:
        log.warning("outbound %s: no such record", message_id)
        return None
    if message.state == "sending":
        settle_stale([message_id])
        return _reload(message)
    if message.state not in CLAIMABLE:
        return message
    if opted_out(message.openid):
        return _finish(message, "undeliverable", reason="the resident opted out of messages")
    try:
        # The token first (it may mean waiting for another process to fetch it): the claim
        # then covers little more than the send itself, so a stale claim almost surely means
        # WeChat had the request.
        api.access_token()
        if not _claim(message_id):
            return _reload(message)  # another attempt claimed it first
        message = _reload(message)
        _send(message, api)
    except JobTimeoutException:
        raise  # cut short mid-call: WeChat may have it; the claim is settled once stale
    except WeChatError as err:
        if err.retryable:
            _finish(message, "retrying", err)
            raise
        if err.errcode == UNSUBSCRIBED:
            return _finish(message, "undeliverable", err, "the resident has unfollowed the account")
        if err.errcode == OUTSIDE_WINDOW:
            return _finish(message, "undeliverable", err,
                           "outside the 48-hour customer-service window and no template given")
        return _finish(message, "failed", err)
    except Exception as exc:
        # Our own failure before WeChat answered (a malformed record): release the claim so
        # RQ's retry, or give_up after the last one, can decide.
        Session.rollback()
        _finish(message, "retrying", reason=f"{type(exc).__name__}: {exc}")
        raise
    return _finish(message, "sent")


def _claim(message_id: int) -> bool:
    """Mark the record `sending` if nobody else has: one conditional UPDATE, so of two
    concurrent attempts exactly one sees its row changed. The attempt counts even if this
    process dies during the call."""
    claimed = Session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id, OutboundMessage.state.in_(CLAIMABLE))
        .values(state="sending", attempted_at=utcnow(), attempts=OutboundMessage.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount == 1
    Session.commit()
    return claimed


def settle_stale(message_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Records left `sending` past SENDING_STALE_AFTER (their worker died mid-send) end `sent`,
    presumed delivered; the number settled.

    WeChat's custom and template sends take no idempotency key and cannot be asked whether a
    message arrived. The claim is taken just before the HTTP call, so a worker that died
    holding it almost surely died while WeChat had the request, which WeChat then delivers:
    sending again would deliver the message twice (as a killed worker once did, 12 minutes
    later). So the attempt is recorded as the delivery and never repeated: at most once,
    with last_error saying it is presumed. A read timeout is different: WeChat answered
    nothing within the client's timeout, and that send is retried."""
    cutoff = (now or utcnow()) - SENDING_STALE_AFTER
    stale = (OutboundMessage.state == "sending") & (OutboundMessage.attempted_at < cutoff)
    if message_ids is not None:
        stale &= OutboundMessage.id.in_(message_ids)
    settled = Session.execute(
        update(OutboundMessage).where(stale)
        .values(state="sent", sent_at=OutboundMessage.attempted_at,
                last_error="presumed sent: the worker stopped while WeChat had the request")
        .execution_options(synchronize_session=False)).rowcount
    Session.commit()
    if settled:
        log.warning("outbound: %s record(s) left sending by a stopped worker, presumed sent", settled)
    return settled


def _reload(message: OutboundMessage) -> OutboundMessage:
    Session.refresh(message)
    return message


def _send(message: OutboundMessage, api: WeChatAPI) -> None:
    template = message.payload["template"]
    if message.kind == "subscribe":
        try:
            with WeChatAPI.for_miniprogram(current_app.config, api.redis, timeout=api.timeout) as mp:
                mp.send_subscribe(**message.payload["subscribe"])
            return
        except WeChatError as err:
            if err.errcode not in SUBSCRIBE_REFUSED:
                raise
        # No grant after all: the Official Account carries it, and the record says so.
        message.kind = "custom" if message.payload["content"] is not None else "template"
        message.last_error = "subscribe message refused (43101): sent through the Official Account"
    if message.kind == "custom":
        try:
            api.send_custom(message.openid, message.msg_type, message.payload["content"])
            return
        except WeChatError as err:
            if err.errcode != OUTSIDE_WINDOW or template is None:
                raise
        # Outside the window only a template message still reaches the resident; the record
        # keeps kind "template" so a retry goes straight there.
        message.kind = "template"
    api.send_template(message.openid, **template)


def give_up(message_id: int, error: BaseException) -> OutboundMessage | None:
    """Out of retries (or the job crashed): the record ends `failed`, never left `retrying`."""
    Session.rollback()  # the failed job may have left the session mid-transaction
    message = Session.get(OutboundMessage, message_id)
    # `sending`: the outcome is unknown, not a failure; settle_stale decides once it is stale.
    if message is None or message.state in FINAL_STATES + ("failed", "sending"):
        return message
    if isinstance(error, WeChatError):
        return _finish(message, "failed", error)
    # Not WeChat's answer but our own failure: record what it was.
    return _finish(message, "failed", reason=f"{type(error).__name__}: {error}")


def _finish(message: OutboundMessage, state: str, error: WeChatError | None = None,
            reason: str | None = None) -> OutboundMessage:
    message.state = state
    if error is not None:
        message.last_errcode = error.errcode
    if error is not None or reason is not None:
        message.last_error = (reason or error.errmsg)[:255]
    if state == "sent":
        message.sent_at = utcnow()
    Session.commit()
    log.info("outbound %s %s (attempt %s, errcode %s)", message.id, state, message.attempts,
             message.last_errcode)
    return message


# ---- opt-out ---------------------------------------------------------------------------------

def opted_out(openid: str) -> bool:
    return Session.scalar(select(Resident.subscribed).where(Resident.openid == openid)) is False


def opt_out(openid: str) -> Resident:
    """No more messages to `openid`: later sends are recorded undeliverable, WeChat not called."""
    return _set_subscribed(openid, False)


def opt_in(openid: str) -> Resident:
    return _set_subscribed(openid, True)


def _set_subscribed(openid: str, subscribed: bool) -> Resident:
    resident = Session.scalar(select(Resident).where(Resident.openid == openid))
    if resident is None:
        resident = Resident(openid=openid, subscribed=subscribed)
        Session.add(resident)
        try:
            Session.commit()
            return resident
        except IntegrityError:
            # Another request created the row between our read and our write: update that one.
            Session.rollback()
            resident = Session.scalar(select(Resident).where(Resident.openid == openid))
    resident.subscribed = subscribed
    Session.commit()
    return resident
