"""人工 and urgent words: a case for staff with the conversation so far; the case's thread
while it is open; and 进度.

Once a resident has asked for a person (人工, the menu's 人工服务, words of urgency), the case
is their conversation with staff until staff close it: `follow_up` puts every message into
the case's thread and tells the resident it was passed on, asks a resident nobody can place
which 区 / 街道 they live in, and lets them step back into an application ("继续申请").
"""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

import review
from channels import media
from channels.inbound import InboundEvent
from models import DISTRICTS, InboundMessage, OutboundMessage, Session, kv, utcnow
from review import escalations

from . import intents
from . import session as sessions
from .reply import Reply, render

TRANSCRIPT_MESSAGES = 30

# Words with which a resident with an open case goes back to an application. `follow_up`
# lets such a message through (None) and the router answers it with where they were.
RESUME_WORDS = frozenset({"继续申请", "接着申请", "继续填", "接着填", "继续办", "接着办", "继续填表"})
# After "继续申请" the chat has the resident's messages for as long as they keep writing;
# after this long quiet (or on 人工, urgent words, a staff message) the case has them again.
PAUSE_LASTS = timedelta(minutes=30)

EVENTS = {"subscribe": "关注了公众号", "unsubscribe": "取消关注了公众号", "view": "打开了菜单里的链接",
          "scan": "扫码进入公众号"}
KINDS = {"image": "[照片]", "video": "[视频]", "voice": "[语音，没能转成文字]", "unknown": "[不支持的消息]"}


def _menu_name(key: str | None) -> str | None:
    from .router import menu_names  # the router imports this module

    return menu_names().get(key or "")


def said(kind: str, event: str | None, payload: dict) -> str | None:
    """What the resident sent, as staff read it: a menu click by the menu's own name, an
    event in words, never a raw key. None for what the phone does by itself (location
    reports)."""
    if kind == "event":
        event = (event or payload.get("Event") or "").lower()
        if event == "click":
            name = _menu_name(payload.get("EventKey"))
            return f"点击菜单「{name}」" if name else "点击了菜单"
        return EVENTS.get(event)
    if kind == "text":
        return payload.get("Content") or ""
    if kind == "voice" and payload.get("Recognition"):
        return payload["Recognition"]
    if kind == "location":
        return f"[位置] {payload.get('Label') or ''}".strip()
    if kind == "link":
        return f"[链接] {payload.get('Title') or ''}".strip()
    return KINDS.get(kind, KINDS["video"] if kind == "shortvideo" else KINDS["unknown"])


def transcript(openid: str) -> list[dict]:
    """The conversation before the case, oldest first, as staff will read it: the resident's
    last messages and what was pushed to them meanwhile (late replies, notices). Passive
    replies are kept only as the XML WeChat was given, so they are not in it; from the case
    on, the thread holds both sides. Both reads walk an index backwards from the newest
    ((openid, id) and (openid, created_at)) and stop after TRANSCRIPT_MESSAGES: a resident
    with years of messages costs what one with a day's does."""
    rows = Session.execute(
        select(InboundMessage.received_at, InboundMessage.msg_type, InboundMessage.event, InboundMessage.payload)
        .where(InboundMessage.openid == openid).order_by(InboundMessage.id.desc()).limit(TRANSCRIPT_MESSAGES)
    ).all()
    lines = [(at, 0, "居民", text) for at, kind, event, payload in rows
             if (text := said(kind, event, payload or {})) is not None]
    if rows:
        pushed = Session.execute(
            select(OutboundMessage.created_at, OutboundMessage.payload).where(
                OutboundMessage.openid == openid, OutboundMessage.msg_type == "text",
                OutboundMessage.created_at >= rows[-1].received_at)
            .order_by(OutboundMessage.created_at.desc()).limit(TRANSCRIPT_MESSAGES)).all()
        lines += [(at, 1, "公众号", payload["content"]) for at, payload in pushed
                  if isinstance((payload or {}).get("content"), str)]
    lines.sort(key=lambda line: (line[0], line[1]))
    return [{"from": who, "at": at.isoformat(timespec="seconds"), "text": text} for at, _, who, text in lines]


def to_staff(event: InboundEvent, session: dict, kind: str) -> Reply:
    """Open (or bring up to date) the resident's case for staff; say when to expect contact.
    `session` is the form the resident is in (its answers may name the district)."""
    reason = (event.text or "")[:500] if kind == "urgent" else "居民请求人工服务"
    district = (session.get("answers") or {}).get("district") or _district(event.text)
    case = review.escalate_from_chat(event.openid, kind, reason, transcript(event.openid),
                                     application_id=session.get("application_id"), district=district)
    reply = render("escalated", urgent=case.kind == "urgent", thread=case.in_chat,
                   applying=_applying(event.openid))
    if case.in_chat and case.district is None:
        case.asking = "district"
        reply += render("case_district", again=False)
    if case.in_chat:
        escalations.add_message(case, "bot", "\n".join(reply.texts))
    return reply


def follow_up(event: InboundEvent) -> Reply | None:
    """While the resident has an open case they asked for, the message goes into its thread
    and the reply says it was passed on. None when there is no such case or the message is
    the chat's to answer: 进度, "继续申请" (or a menu click on an application) and what follows
    it for a while, other menu clicks, subscribe / unsubscribe; those still show in the
    thread, 进度 excepted. Adds to the turn's transaction; the caller commits."""
    case = escalations.open_thread(event.openid)
    if case is None:
        return None
    if event.kind == "event" and event.event != "click":
        if event.event in EVENTS:
            escalations.add_message(case, "resident", EVENTS[event.event], inbound_id=event.inbound_id)
        return None
    text = event.text if event.kind in ("text", "voice") else None
    command = intents.command(text) if text else None
    key = event.key if event.kind == "event" else None
    if command == "progress" or key == "PROGRESS":
        return None
    line = said(event.kind, event.event, event.raw) or ""
    urgent = bool(text and intents.urgent(text))
    wants_person = urgent or command == "human" or key == "HUMAN"
    if intents.normalise(text or "") in RESUME_WORDS or (key or "").startswith("APPLY_"):
        case.paused_at = utcnow()
        escalations.add_message(case, "resident", f"{line}（回去办申请，这期间的消息由公众号自动回复）",
                                inbound_id=event.inbound_id)
        return None
    if key is not None and key != "HUMAN":  # the menu is for finding one's way: the chat answers
        escalations.add_message(case, "resident", line, inbound_id=event.inbound_id)
        return None
    first = not escalations.heard_from(case)
    if case.paused_at is not None:
        if not wants_person and utcnow() - case.paused_at < PAUSE_LASTS:
            case.paused_at = utcnow()  # still at the application
            return None
        case.paused_at, first = None, True
    photo = None
    if event.kind == "image" and event.media_id:
        photo = media.request_download(event.openid, event.media_id, inbound_id=event.inbound_id).id
    escalations.add_message(case, "resident", line, inbound_id=event.inbound_id, media_file_id=photo)
    if urgent and case.kind != "urgent":
        case.kind, case.reason = "urgent", text[:500]
    reply = _answer(case, event, text, command, first)
    escalations.add_message(case, "bot", "\n".join(reply.texts))
    return reply


def _answer(case, event: InboundEvent, text: str | None, command: str | None, first: bool) -> Reply:
    passed_on = dict(first=first, applying=_applying(event.openid), photo=event.kind == "image",
                     unheard=event.kind == "voice" and not text)
    if case.district is None:
        district = _district(text or event.label, by_number=case.asking == "district")
        if district is None:
            case.asking = "district"
            return render("case_passed_on", **passed_on) + render("case_district", again=True)
        street = _street(text or event.label)
        escalations.place(case, district, street)
        case.asking = None if street else "street"
        return render("case_placed", district=district, street=street, ask_street=not street)
    if case.asking == "street":
        case.asking = None
        street = _street(text)
        if street or command == "skip":
            if street:
                escalations.place(case, case.district, street)
            return render("case_placed", district=case.district, street=street, ask_street=False)
    return render("case_passed_on", **passed_on)


def _applying(openid: str) -> bool:
    """Has the resident an application open in the chat (a form, documents to send)?"""
    return sessions.applying(openid)


_NUMBERS = {str(i + 1): district for i, district in enumerate(DISTRICTS)} | \
    {chr(ord("１") + i): district for i, district in enumerate(DISTRICTS)}


def _district(text: str | None, by_number: bool = False) -> str | None:
    """The district a resident names ("思明", "我在湖里区"), or picks by its number when asked."""
    said_ = intents.normalise(text or "")
    if not said_:
        return None
    if by_number and said_ in _NUMBERS:
        return _NUMBERS[said_]
    found = [district for district in DISTRICTS if district[:-1] in said_]
    return found[0] if len(found) == 1 else None


_FILLER = re.compile(r"^[我家住在是的就那里位于，。、\s]+")
_STREET = re.compile(r"([\u4e00-\u9fff]{2,4}?(?:街道|镇))")


def _street(text: str | None) -> str | None:
    """A 街道 or 镇 named with its suffix ("鹭江街道", "住在灌口镇"), else None."""
    rest = intents.normalise(text or "").replace("厦门市", "").replace("厦门", "")
    for district in DISTRICTS:
        rest = rest.replace(district, " ").replace(district[:-1], " ")
    for part in rest.split():
        match = _STREET.search(_FILLER.sub("", part))
        if match:
            return match.group(1)
    return None


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
