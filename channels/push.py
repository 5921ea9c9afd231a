"""The one way to reach a person on several channels: WeChat, SMS, email.

`send` records a Delivery (models/delivery.py) and queues its job on the "outbound" queue;
the job (`deliver`) tries the person's channels in their order of preference, skipping one
they opted out of or have no address for, and falls back to the next when one fails. The
record says which channel carried it and, in `trail`, what happened on each before it.

  queued → sent | undeliverable (no channel left, or past valid_until: `reason` says)
         | failed (every usable channel failed)
  queued → deferred (21:00–08:00 Asia/Shanghai: the job is scheduled for 08:00) → queued …

A `dedupe_key` is UNIQUE: a second `send` with the same key returns the first Delivery
(an INSERT … ON CONFLICT DO NOTHING, so two concurrent sends still make one row).

WeChat goes through channels/outbound.py: the push records an OutboundMessage (a
customer-service text, with the status template as its fallback outside the 48-hour window)
and delivers it at once in the same job. Sent, the push is sent; undeliverable or failed
there, the push falls back to its next channel; WeChat busy (retryable), the outbound record
keeps it on its own retries and the push counts as handed over: `delivered()` then follows
the outbound record, so a caller counts the push only once WeChat took it.

Opt-outs are per channel and per push (`channel_opt_outs`, by blind index): 退订 in the chat
stops pushes on WeChat, not the news of the resident's own applications.

Each delivery has at most one live job, `push-<id>` (or `push-<id>-at-<time>` while deferred);
`orphaned` and `requeue` serve the sweep. Logs carry delivery ids and states only.
"""
from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from redis import RedisError
from rq import Callback
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import ChannelOptOut, Delivery, OutboundMessage, Session, pii, utcnow
from models import queues
from models.delivery import CHANNELS

from . import outbound
from .email import EmailError, Mailer, normalize_email
from .sms import SmsClient, SmsError, normalize_phone
from .wechat_api import WeChatAPI, WeChatError

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)

# Named, not imported: channels never import tasks (tasks/push.py calls into this module).
DELIVER_JOB = "tasks.push.deliver"
ON_FAILURE = "tasks.push.on_failure"
# One WeChat send (outbound's own 30 s), one SMS request, one SMTP session, in turn.
JOB_TIMEOUT = 90
ORPHANED_AFTER = timedelta(minutes=2)
BATCH = 500
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
SMS_SUFFIX = " 回TD退订"
WECHAT_SUFFIX = "\n（回复“退订”不再接收此类推送）"
_SALT = "yitang-unsubscribe"
_FINAL = ("sent", "undeliverable", "failed")


@dataclass(frozen=True)
class Contact:
    openid: str | None = None
    phone: str | None = None
    email: str | None = None
    prefer: tuple[str, ...] = ("wechat", "sms", "email")
    name: str | None = None


# ---- recording ----------------------------------------------------------------------------

def send(contact: Contact, *, purpose: str, text: str, subject: str | None = None,
         html: str | None = None, attachments: Sequence[tuple[str, bytes, str]] = (),
         dedupe_key: str | None = None, valid_until: datetime | None = None) -> Delivery:
    """Record a push and queue it; with a `dedupe_key` seen before, the first Delivery and
    nothing queued. Commits. ValueError names what is wrong with the arguments."""
    record = _record(contact, purpose, text, subject, html, attachments, dedupe_key, valid_until)
    conn = Session.connection()
    if dedupe_key is None:
        new_id = conn.execute(insert(Delivery.__table__).returning(Delivery.id), record).scalar_one()
    else:
        stmt = _INSERT_ONCE[conn.dialect.name]
        new_id = conn.execute(stmt.returning(Delivery.__table__.c.id), record).scalar_one_or_none()
    Session.commit()
    if new_id is None:
        return Session.scalars(select(Delivery).where(Delivery.dedupe_key == dedupe_key)).one()
    try:
        queue_delivery(new_id)
    except RedisError:
        # Kept `queued`: the sweep queues it once Redis is back (orphaned / requeue).
        log.warning("push %s recorded; queueing waits for Redis", new_id)
    log.info("push %s queued", new_id)
    return Session.get(Delivery, new_id)


_TABLE = Delivery.__table__
_INSERT_ONCE = {
    "sqlite": sqlite_insert(_TABLE).on_conflict_do_nothing(index_elements=["dedupe_key"]),
    "postgresql": pg_insert(_TABLE).on_conflict_do_nothing(index_elements=["dedupe_key"]),
}


def _record(contact, purpose, text, subject, html, attachments, dedupe_key, valid_until) -> dict:
    if not isinstance(contact, Contact):
        raise ValueError("contact must be a push.Contact")
    if not purpose or len(purpose) > 40:
        raise ValueError("purpose must be 1 to 40 characters")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a push needs non-empty text")
    prefer = tuple(contact.prefer)
    unknown = [c for c in prefer if c not in CHANNELS]
    if unknown or not prefer or len(set(prefer)) != len(prefer):
        raise ValueError(f"prefer must list channels among {', '.join(CHANNELS)}, each once")
    if dedupe_key is not None and not (0 < len(dedupe_key) <= 128):
        raise ValueError("dedupe_key must be 1 to 128 characters")
    who = {"openid": contact.openid or None, "name": contact.name,
           "phone": normalize_phone(contact.phone) if contact.phone else None,
           "email": normalize_email(contact.email) if contact.email else None}
    files, total = [], 0
    for item in attachments:
        filename, data, mimetype = item
        if not filename or "/" in filename or "\\" in filename:
            raise ValueError("an attachment needs a plain file name")
        total += len(data)
        files.append({"filename": filename, "mimetype": mimetype, "size": len(data),
                      "data": base64.b64encode(bytes(data)).decode()})
    if total > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"attachments over {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    return {"contact": who, "purpose": purpose, "dedupe_key": dedupe_key,
            "content": {"text": text, "subject": subject, "html": html, "attachments": files},
            "prefer": ",".join(prefer), "trail": [], "state": "queued", "attempts": 0,
            "valid_until": _naive_utc(valid_until), "created_at": utcnow()}


def _naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


# ---- jobs ---------------------------------------------------------------------------------

def job_id(delivery_id: int) -> str:
    return f"push-{delivery_id}"


def deferred_job_id(delivery_id: int, until: datetime) -> str:
    return f"push-{delivery_id}-at-{until:%Y%m%d%H%M}"


def queue_delivery(delivery_id: int) -> bool:
    return queues.enqueue_once(DELIVER_JOB, delivery_id, job_id=job_id(delivery_id),
                               queue_name="outbound", job_timeout=JOB_TIMEOUT,
                               on_failure=Callback(ON_FAILURE)) is not None


def _schedule(delivery_id: int, until: datetime) -> None:
    """RQ's scheduler (`flask scheduler`, started by `make run`) queues it at `until`."""
    jid = deferred_job_id(delivery_id, until)
    if queues.live_job(jid) is None:
        queues.queue("outbound").enqueue_at(
            until.replace(tzinfo=timezone.utc), DELIVER_JOB, delivery_id, job_id=jid,
            job_timeout=JOB_TIMEOUT, retry=queues.default_retry(), on_failure=Callback(ON_FAILURE))


def quiet_until(now: datetime) -> datetime | None:
    """During quiet hours (21:00–08:00 Asia/Shanghai), the next 08:00 as naive UTC."""
    local = now.replace(tzinfo=timezone.utc).astimezone(TZ)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, TZ).astimezone(timezone.utc).replace(tzinfo=None)


def deliver(delivery_id: int, *, wechat: WeChatAPI | None = None, sms: SmsClient | None = None,
            mailer: Mailer | None = None, now: datetime | None = None) -> Delivery | None:
    """Deliver one recorded push now, or defer it out of quiet hours. A channel whose client is
    None is not configured and is skipped. A delivery already final is left as it is."""
    now = _naive_utc(now) or utcnow()
    d = Session.get(Delivery, delivery_id)
    if d is None:
        log.warning("push %s: no such record", delivery_id)
        return None
    if d.state not in ("queued", "deferred"):
        return d
    if d.valid_until is not None and now > d.valid_until:
        return _finish(d, "undeliverable", "past its validity before it could be sent")
    until = quiet_until(now)
    if until is not None:
        if d.valid_until is not None and until > d.valid_until:
            return _finish(d, "undeliverable", "quiet hours (21:00–08:00) last past its validity")
        d.state, d.deferred_until = "deferred", until
        Session.commit()
        _schedule(d.id, until)
        log.info("push %s deferred to the end of quiet hours", d.id)
        return d
    # Claim: of two jobs for one record (a retry, the sweep), only one goes on.
    seen = d.attempts
    claimed = Session.execute(
        update(Delivery).where(Delivery.id == d.id, Delivery.attempts == seen,
                               Delivery.state.in_(("queued", "deferred")))
        .values(attempts=seen + 1, state="queued")
        .execution_options(synchronize_session=False)).rowcount == 1
    Session.commit()
    Session.refresh(d)
    if not claimed:
        return d
    contact, trail = d.contact, list(d.trail or [])
    for channel in d.prefer.split(","):
        skip = _skip_reason(channel, contact, {"wechat": wechat, "sms": sms, "email": mailer}[channel])
        if skip:
            trail.append({"channel": channel, "outcome": "skipped", "reason": skip})
            continue
        try:
            if channel == "wechat":
                _via_wechat(d, wechat)
            elif channel == "sms":
                sms.send(contact["phone"], d.content["text"] + SMS_SUFFIX)
            else:
                mailer.send(_compose(mailer, d))
        except _Failed as failed:
            trail.append({"channel": channel, "outcome": "failed", "reason": str(failed)})
            continue
        except (SmsError, EmailError) as err:
            trail.append({"channel": channel, "outcome": "failed", "reason": str(err)[:200]})
            continue
        trail.append({"channel": channel, "outcome": "sent", "reason": None})
        d.trail, d.channel = trail, channel
        return _finish(d, "sent", None)
    d.trail = trail
    if any(step["outcome"] == "failed" for step in trail):
        return _finish(d, "failed", "; ".join(f"{s['channel']}: {s['reason']}" for s in trail))
    return _finish(d, "undeliverable",
                   "no channel left: " + "; ".join(f"{s['channel']}: {s['reason']}" for s in trail))


class _Failed(Exception):
    pass


def _skip_reason(channel: str, contact: dict, client) -> str | None:
    key = {"wechat": "openid", "sms": "phone", "email": "email"}[channel]
    if not contact.get(key):
        return {"wechat": "no WeChat openid", "sms": "no phone number", "email": "no email address"}[channel]
    if opted_out(channel, **{key: contact[key]}):
        return "opted out"
    if channel == "wechat" and outbound.opted_out(contact["openid"]):
        return "unfollowed the Official Account"
    if client is None:
        return "channel not configured"
    return None


def _via_wechat(d: Delivery, api: WeChatAPI) -> None:
    """Through channels/outbound.py, delivered at once; _Failed when WeChat will not take it."""
    message = Session.get(OutboundMessage, d.outbound_id) if d.outbound_id else None
    if message is None:  # a retried job reuses its record rather than sending twice
        delivery_id = d.id
        message = outbound.send(d.contact["openid"], content=d.content["text"] + WECHAT_SUFFIX,
                                template=_template(d))
        d = Session.get(Delivery, delivery_id)
        d.outbound_id = message.id
        Session.commit()
    if message.state == "queued":
        try:
            message = outbound.deliver(message.id, api) or message
        except WeChatError as err:
            if not err.retryable:
                raise
            return  # WeChat busy: outbound's own retries carry it (see the module docstring)
    if message.state in ("undeliverable", "failed"):
        raise _Failed(message.last_error or message.state)


def _template(d: Delivery) -> dict:
    content = d.content
    remark = content["text"]
    if len(remark) > 100:
        remark = remark[:99] + "…"
    today = utcnow().replace(tzinfo=timezone.utc).astimezone(TZ).date()
    return {"template_id": outbound.template_id("status"), "data": {
        "first": {"value": content.get("subject") or "您有一条新的推送"},
        "keyword1": {"value": content.get("subject") or "消息推送"},
        "keyword2": {"value": "新消息"},
        "keyword3": {"value": f"{today.year}年{today.month}月{today.day}日"},
        "remark": {"value": remark}}}


def _compose(mailer: Mailer, d: Delivery):
    content, email = d.content, d.contact["email"]
    files = [(a["filename"], base64.b64decode(a["data"]), a["mimetype"]) for a in content["attachments"]]
    return mailer.compose(email, content.get("subject") or "一趟：新消息", content["text"],
                          html=content.get("html"), attachments=files,
                          unsubscribe_url=unsubscribe_url(email))


def _finish(d: Delivery, state: str, reason: str | None) -> Delivery:
    d.state, d.reason = state, (reason[:255] if reason else None)
    if state == "sent":
        d.sent_at = utcnow()
    Session.commit()
    log.info("push %s %s via %s (attempt %s)", d.id, state, d.channel, d.attempts)
    return d


def give_up(delivery_id: int, error: BaseException) -> Delivery | None:
    """The job crashed past its retries: the record ends `failed`, never left queued."""
    Session.rollback()
    d = Session.get(Delivery, delivery_id)
    if d is None or d.state in _FINAL:
        return d
    return _finish(d, "failed", f"{type(error).__name__}: {error}")


def delivered(delivery_id: int) -> bool:
    """True once a channel took the push: SMS and email when the provider accepted it, WeChat
    when its outbound record is sent."""
    d = Session.get(Delivery, delivery_id)
    if d is None or d.state != "sent":
        return False
    if d.channel == "wechat" and d.outbound_id is not None:
        return Session.scalar(select(OutboundMessage.state)
                              .where(OutboundMessage.id == d.outbound_id)) == "sent"
    return True


# ---- the sweep ------------------------------------------------------------------------------

def orphaned(now: datetime | None = None) -> list[int]:
    """Deliveries still to do with no live job: queued for over ORPHANED_AFTER, or deferred
    and past due by as much. For channels/sweep.py, with `requeue`."""
    now = _naive_utc(now) or utcnow()
    cutoff = now - ORPHANED_AFTER
    rows = Session.execute(
        select(Delivery.id, Delivery.state, Delivery.deferred_until)
        .where(((Delivery.state == "queued") & (Delivery.created_at < cutoff))
               | ((Delivery.state == "deferred") & (Delivery.deferred_until < cutoff)))
        .order_by(Delivery.id).limit(BATCH)).all()
    Session.rollback()
    lost = []
    for delivery_id, state, until in rows:
        if queues.live_job(job_id(delivery_id)) is not None:
            continue
        if state == "deferred" and queues.live_job(deferred_job_id(delivery_id, until)) is not None:
            continue
        lost.append(delivery_id)
    return lost


def requeue(ids: Iterable[int]) -> int:
    """Queue these deliveries' jobs again (each under its own id); how many were queued."""
    return sum(queue_delivery(delivery_id) for delivery_id in ids)


# ---- opt-out --------------------------------------------------------------------------------

def _key(channel: str, openid: str | None, phone: str | None, email: str | None) -> str:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; channels are {', '.join(CHANNELS)}")
    if channel == "wechat" and openid:
        return pii.blind_index(f"wechat:{openid}")
    if channel == "sms" and phone:
        return pii.blind_index(f"phone:{normalize_phone(phone)}")
    if channel == "email" and email:
        return pii.blind_index(f"email:{normalize_email(email)}")
    raise ValueError({"wechat": "opting out of WeChat needs openid=", "sms": "opting out of SMS needs phone=",
                      "email": "opting out of email needs email="}[channel])


def opt_out(channel: str, *, openid: str | None = None, phone: str | None = None,
            email: str | None = None, source: str = "chat") -> None:
    """No more pushes to this person on this channel, from the next delivery on. Adds the row;
    the caller commits (the chat's turn, the HTTP handler)."""
    _add_opt_out(channel, _key(channel, openid, phone, email), source)


def _add_opt_out(channel: str, key_hash: str, source: str) -> None:
    conn = Session.connection()
    conn.execute(_OPT_OUT[conn.dialect.name], {"channel": channel, "key_hash": key_hash,
                                               "source": source, "created_at": utcnow()})


_OPT_OUT = {
    "sqlite": sqlite_insert(ChannelOptOut.__table__).on_conflict_do_nothing(index_elements=["channel", "key_hash"]),
    "postgresql": pg_insert(ChannelOptOut.__table__).on_conflict_do_nothing(index_elements=["channel", "key_hash"]),
}


def opted_out(channel: str, *, openid: str | None = None, phone: str | None = None,
              email: str | None = None) -> bool:
    key_hash = _key(channel, openid, phone, email)
    return Session.scalar(select(ChannelOptOut.id).where(
        ChannelOptOut.channel == channel, ChannelOptOut.key_hash == key_hash)) is not None


def unsubscribe_url(email: str) -> str:
    """A signed link that stops email to `email` at once. It carries only the address's blind
    index (no address in a URL), and never expires: old mails' links keep working."""
    token = URLSafeSerializer(current_app.secret_key, salt=_SALT).dumps(
        {"c": "email", "k": _key("email", None, None, email)})
    base = current_app.config.get("EMAIL_PUBLIC_URL", "").rstrip("/")
    if base:
        return f"{base}/unsubscribe/{token}"
    return url_for("unsubscribe.page", token=token, _external=True)


def unsubscribe(token: str) -> bool:
    """Apply an unsubscribe link; False when the token is not one of ours. Caller commits."""
    try:
        data = URLSafeSerializer(current_app.secret_key, salt=_SALT).loads(token)
    except BadSignature:
        return False
    if not isinstance(data, dict) or data.get("c") != "email" or not isinstance(data.get("k"), str):
        return False
    _add_opt_out("email", data["k"], "link")
    return True
