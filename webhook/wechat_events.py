"""Bot replies to WeChat's passive reply XML (messages become InboundEvents in channels.inbound)."""
from __future__ import annotations

from wechatpy.replies import TextReply

import bot


def render_reply(message, reply: bot.Reply) -> tuple[str, bot.Reply | None]:
    """The passive reply for the first text; the rest, if any, to be pushed."""
    first, *rest = reply.texts
    xml = TextReply(message=message, content=first).render()
    return xml, bot.Reply(rest) if rest else None
