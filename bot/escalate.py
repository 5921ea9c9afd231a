"""人工 and urgent words: a case for staff with the conversation so far; and 进度."""
from __future__ import annotations

from sqlalchemy import select

import review
from channels.inbound import InboundEvent
from models import InboundMessage, Session, kv

from .reply import Reply, render

TRANSCRIPT_MESSAGES = 30


def transcript(openid: str) -> list[dict]:
    """The resident's recent messages, oldest first, as staff will read them."""
    rows = Session.execute(
        select(InboundMessage.received_at, InboundMessage.msg_type, InboundMessage.payload)
        .where(InboundMessage.openid == openid).order_by(InboundMessage.id.desc()).limit(TRANSCRIPT_MESSAGES)
    ).all()
    return [{"from": "居民", "at": at.isoformat(timespec="seconds"),
             "text": payload.get("Content") or payload.get("Recognition") or payload.get("Label")
             or payload.get("EventKey") or f"[{kind}]"}
            for at, kind, payload in reversed(rows)]


def to_staff(event: InboundEvent, session: dict, kind: str) -> Reply:
    """Open (or bring up to date) the resident's case for staff; say when to expect contact."""
    reason = (event.text or "")[:500] if kind == "urgent" else "居民请求人工服务"
    case = review.escalate_from_chat(event.openid, kind, reason, transcript(event.openid),
                                     application_id=session.get("application_id"),
                                     district=(session.get("answers") or {}).get("district"))
    return render("escalated", urgent=case.kind == "urgent")


def progress(openid: str) -> Reply:
    return render("progress", rows=[row["text"] for row in review.status_for(openid)])


FLOOD_NOTICE_S = 60


def flooded(event: InboundEvent) -> Reply | None:
    """A resident over the message limit: one case for staff and one notice per minute; the
    messages themselves are kept (and in the case's transcript), not answered one by one."""
    if not kv.client().set(f"bot:flooded:{event.openid}", 1, nx=True, ex=FLOOD_NOTICE_S):
        return None
    review.escalate_from_chat(event.openid, "flood", "一分钟内发来的消息过多，已暂停逐条回复",
                              transcript(event.openid))
    return render("flooded")
