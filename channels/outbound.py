"""Outbound WeChat messages. Every message is an OutboundMessage row before anything is sent,
and every outcome ends up in that row:

  queued → sent                      (sent_at set)
         → retrying → sent | failed  (WeChat busy, over a quota, unreachable; RQ retries)
         → undeliverable             (opted out, unsubscribed, outside the 48-hour window
                                      with no template to fall back on)
         → failed                    (refused for good, or out of retries; last_error says why)

Logs carry record ids and states only: no openids, no contents.
"""
from __future__ import annotations

import logging

from redis import RedisError
from rq import Callback, RateLimit
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import OutboundMessage, Resident, Session, utcnow
from tasks.queues import enqueue

from .wechat_api import WeChatAPI, WeChatError

log = logging.getLogger(__name__)

CUSTOM_MSGTYPES = frozenset({"text", "image", "voice", "video", "music", "news", "mpnews",
                             "msgmenu", "wxcard", "miniprogrampage"})
OUTSIDE_WINDOW = 45015
UNSUBSCRIBED = 43004

# Named, not imported: tasks.outbound imports this module.
DELIVER_JOB = "tasks.outbound.deliver"
ON_FAILURE = "tasks.outbound.on_failure"

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
         inbound_id: int | None = None) -> OutboundMessage:
    """Record a message for `openid` and queue its delivery.

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
        _finish(message, "undeliverable", reason="the resident opted out of messages")
        return message
    Session.commit()
    try:
        enqueue(DELIVER_JOB, message.id, queue_name="outbound", on_failure=Callback(ON_FAILURE),
                rate_limit=RateLimit(SEND_RATE_LIMIT_KEY, SEND_CONCURRENCY))
    except RedisError:
        # Not queued means never sent: say so in the record rather than leave it "queued".
        _finish(message, "failed", reason="could not be queued (Redis unavailable)")
        raise
    log.info("outbound %s queued", message.id)
    return message


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
    may succeed; every other outcome is final and recorded."""
    message = Session.get(OutboundMessage, message_id)
    if message is None:
        log.warning("outbound %s: no such record", message_id)
        return None
    if message.state in FINAL_STATES:
        # A job can run twice (a worker lost mid-job, a manual requeue): never send twice.
        return message
    if opted_out(message.openid):
        return _finish(message, "undeliverable", reason="the resident opted out of messages")
    message.attempts += 1
    Session.commit()  # the attempt counts even if this process dies during the call
    try:
        _send(message, api)
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
    return _finish(message, "sent")


def _send(message: OutboundMessage, api: WeChatAPI) -> None:
    template = message.payload["template"]
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
    if message is None or message.state in FINAL_STATES + ("failed",):
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
