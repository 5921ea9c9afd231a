"""人工 and urgent words: a case for staff with the conversation so far; and 进度."""
from __future__ import annotations

from sqlalchemy import select

import review
from channels.inbound import InboundEvent
from models import InboundMessage, Session

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
