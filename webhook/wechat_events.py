"""WeChat messages (parsed by wechatpy) to plain InboundEvents, and bot replies to XML."""
from __future__ import annotations

from wechatpy import messages as m
from wechatpy import events as e
from wechatpy.replies import TextReply

import bot
from channels.inbound import InboundEvent


def to_event(message) -> InboundEvent:
    raw = {k: v for k, v in message._data.items() if k != "Encrypt"}
    openid = message.source
    if not openid:
        raise ValueError("no FromUserName")
    if message.type == "event":
        key = f"{openid}:{message.time}:{message.event}"
    elif message.id:
        key = str(message.id)
    else:
        key = f"{openid}:{message.time}:{message.type}"
    event = InboundEvent(openid=openid, kind=message.type, dedupe_key=key, raw=raw)

    if isinstance(message, m.TextMessage):
        event.text = message.content
    elif isinstance(message, m.ImageMessage):
        event.media_id = message.media_id
        event.url = message.image
    elif isinstance(message, m.VoiceMessage):
        event.media_id = message.media_id
        event.text = message.recognition or None  # WeChat's own speech recognition, if on
    elif isinstance(message, (m.VideoMessage, m.ShortVideoMessage)):
        event.kind = "video"
        event.media_id = message.media_id
    elif isinstance(message, m.LocationMessage):
        event.latitude, event.longitude = (float(v) for v in message.location)
        event.label = message.label
    elif isinstance(message, m.LinkMessage):
        event.text, event.url = message.title, message.url
    elif message.type == "event":
        event.event = message.event
        if isinstance(message, e.ClickEvent):
            event.key = message.key
        elif isinstance(message, e.ViewEvent):
            event.url = message.url
        elif isinstance(message, (e.SubscribeScanEvent, e.ScanEvent)):
            event.event = "scan" if isinstance(message, e.ScanEvent) else "subscribe"
            event.key = message.scene_id
        elif isinstance(message, e.LocationEvent):
            event.latitude, event.longitude = float(message.latitude), float(message.longitude)
    else:
        event.kind = "unknown"
    return event


def render_reply(message, reply: bot.Reply) -> tuple[str, bot.Reply | None]:
    """The passive reply for the first text; the rest, if any, to be pushed."""
    first, *rest = reply.texts
    xml = TextReply(message=message, content=first).render()
    return xml, bot.Reply(rest) if rest else None
