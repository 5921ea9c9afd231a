"""Every state change reaches the resident: a plain-Chinese customer-service message, and a
template message that the channel sends instead when the resident is outside WeChat's
48-hour window. The channel records, retries and never drops it; `send` commits the
session, so the message is recorded in the same transaction as the change it reports.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from channels import outbound
from models import Application, OutboundMessage, Session, utcnow

from . import labels
from .routing import local_date

# The Official Account's "办理进度通知" template (first, keyword1 业务, keyword2 状态,
# keyword3 时间, remark); its id is `[wechat] status_template_id`.
REMARK_LIMIT = 100


def _day(moment: datetime) -> str:
    day = local_date(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _template(first: str, subject: str, status: str, remark: str) -> dict:
    if len(remark) > REMARK_LIMIT:
        remark = remark[:REMARK_LIMIT - 1] + "…"
    return {"template_id": outbound.template_id("status"), "data": {
        "first": {"value": first}, "keyword1": {"value": subject}, "keyword2": {"value": status},
        "keyword3": {"value": _day(utcnow())}, "remark": {"value": remark},
    }}


def _thing(value: str) -> str:
    # A 订阅消息 `thing` keyword holds at most 20 characters.
    return value if len(value) <= 20 else value[:19] + "…"


def _subscribe(app: Application, subject: str, status: str, remark: str) -> dict:
    """The mini-program's 订阅消息 of the same news (thing1 业务, thing2 状态, date3, thing4 备注),
    used when the resident granted one; it opens the application in the mini-program."""
    return {"page": f"pages/applications/detail?id={app.id}", "data": {
        "thing1": {"value": _thing(subject)}, "thing2": {"value": _thing(status)},
        "date3": {"value": _day(utcnow())}, "thing4": {"value": _thing(remark)}}}


def _send(app: Application, text: str, status: str, remark: str,
          decision: bool = False) -> OutboundMessage | None:
    if not app.openid:
        Session.commit()  # nobody to tell (an application entered by staff): just keep the change
        return None
    programme = labels.programme(app.programme)
    # A granted mini-program subscription first, then the Official Account (kefu, template).
    return outbound.send(app.openid, content=text, template=_template(
        f"您的{programme}申请（编号{app.id}）有新进展", programme, status, remark),
        subscribe=_subscribe(app, programme, status, remark) if decision else None)


def staff_reply(openid: str, text: str) -> OutboundMessage:
    """A person answering the resident's call for help (人工)."""
    return outbound.send(openid, content=text, template=_template(
        "工作人员回复了您的求助", "人工服务", "已回复", "请进入公众号查看工作人员的回复。"))


_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates" / "notify"),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


# The news a resident's one-time grant is kept for: what staff decided, or asked of them.
# (Spending it on "submitted" would leave the decision to the Official Account.)
DECISIONS = frozenset({"approved", "rejected", "documents_requested"})


def _notify(app: Application, event: str, state: str, **context) -> OutboundMessage | None:
    """Render `templates/notify/EVENT.txt`: the message, then after `---` the template remark."""
    name = f"您的{labels.programme(app.programme)}申请（编号{app.id}）"
    text, remark = _env.get_template(f"{event}.txt").render(name=name, **context).split("\n---\n")
    return _send(app, text.strip(), labels.state(state), remark.strip(), decision=event in DECISIONS)


def submitted(app: Application) -> OutboundMessage | None:
    return _notify(app, "submitted", "submitted", due=_day(app.deadline_at))


def review_started(app: Application) -> OutboundMessage | None:
    return _notify(app, "review_started", "in_review")


def documents_requested(app: Application, items: list[dict], note: str | None) -> OutboundMessage | None:
    """ONE message with the whole list, never one item at a time (「最多跑一趟」)."""
    return _notify(app, "documents_requested", "need_documents", items=[describe(i) for i in items], note=note)


def documents_complete(app: Application) -> OutboundMessage | None:
    return _notify(app, "documents_complete", "in_review")


def approved(app: Application) -> OutboundMessage | None:
    return _notify(app, "approved", "approved", amount=app.decision_amount)


def rejected(app: Application) -> OutboundMessage | None:
    return _notify(app, "rejected", "rejected", reason=app.decision_reason)


def withdrawn(app: Application) -> OutboundMessage | None:
    return _notify(app, "withdrawn", "withdrawn")


def describe(item: dict) -> str:
    """身份证（第2位家庭成员）: a requested item as residents and staff read it."""
    who = labels.member(item.get("member"))
    return f"{item['title']}（{who}）" if who else item["title"]
