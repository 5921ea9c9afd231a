"""Bot replies to WeChat's passive reply XML (messages become InboundEvents in channels.inbound)."""
from __future__ import annotations

from wechatpy.replies import TextReply

import bot


def render_reply(message, reply: bot.Reply) -> tuple[str, bot.Reply | None]:
    """The passive reply for the first text; the rest, if any, to be pushed."""
    first, *rest = reply.texts
    xml = TextReply(message=message, content=first).render()
    return xml, bot.Reply(rest) if rest else None


# ---- the mini-program's media check verdicts -----------------------------------------------

MEDIA_CHECK = "wxa_media_check"


def is_media_check(message) -> bool:
    """WeChat's verdict on an image sent to mediaCheckAsync (the mini-program's message push)."""
    return getattr(message, "type", None) == "event" and getattr(message, "event", None) == MEDIA_CHECK


def media_check(message) -> None:
    """Apply the verdict (review.moderation holds a flagged image for staff) and commit. v2
    carries result.suggest; v1 isrisky / status_code (a link WeChat could not download is
    held too)."""
    from models import Session
    from review import moderation

    data = getattr(message, "_data", {}) or {}
    trace_id = str(data.get("trace_id") or "")
    if not trace_id:
        return
    result = data.get("result")
    if isinstance(result, dict):
        suggest, label = result.get("suggest"), result.get("label")
    elif str(data.get("status_code") or "0") != "0":
        suggest, label = None, None
    else:
        suggest, label = ("risky" if str(data.get("isrisky")) == "1" else "pass"), None
    label = int(label) if isinstance(label, str) and label.isdigit() else None
    moderation.media_result(trace_id, suggest, label)
    Session.commit()
