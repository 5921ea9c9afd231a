"""Every state change reaches the resident: a plain-Chinese customer-service message, and a
template message that the channel sends instead when the resident is outside WeChat's
48-hour window. The channel records, retries and never drops it. The message is only added
to the session: the caller (the HTTP handler or the job) commits it together with the
change it reports, and the delivery is queued once that commit succeeds.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import policy

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from channels import outbound
from models import Application, OutboundMessage, utcnow

from . import labels
from .routing import local_date

# The Official Account's "办理进度通知" template (first, keyword1 业务, keyword2 状态,
# keyword3 时间, remark); its id is `[wechat] status_template_id`.
REMARK_LIMIT = 100


def _template(first: str, subject: str, status: str, remark: str) -> dict:
    if len(remark) > REMARK_LIMIT:
        remark = remark[:REMARK_LIMIT - 1] + "…"
    return {"template_id": outbound.template_id("status"), "data": {
        "first": {"value": first}, "keyword1": {"value": subject}, "keyword2": {"value": status},
        "keyword3": {"value": labels.day(utcnow())}, "remark": {"value": remark},
    }}


def _thing(value: str) -> str:
    # A 订阅消息 `thing` keyword holds at most 20 characters.
    return value if len(value) <= 20 else value[:19] + "…"


def _subscribe(app: Application, subject: str, status: str, remark: str) -> dict:
    """The mini-program's 订阅消息 of the same news (thing1 业务, thing2 状态, date3, thing4 备注),
    used when the resident granted one; it opens the application in the mini-program."""
    return {"page": f"pages/applications/detail?id={app.id}", "data": {
        "thing1": {"value": _thing(subject)}, "thing2": {"value": _thing(status)},
        "date3": {"value": labels.day(utcnow())}, "thing4": {"value": _thing(remark)}}}


def _send(app: Application, text: str, status: str, remark: str,
          decision: bool = False) -> OutboundMessage | None:
    if not app.openid:
        return None  # nobody to tell (an application entered by staff)
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
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)


# The news a resident's one-time grant is kept for: what staff decided, or asked of them.
# (Spending it on "submitted" would leave the decision to the Official Account.)
DECISIONS = frozenset({"approved", "rejected", "documents_requested"})


def _notify(app: Application, event: str, state: str, **context) -> OutboundMessage | None:
    """Render `templates/notify/EVENT.txt`: the message, then after `---` the template remark."""
    name = f"您的{labels.programme(app.programme)}申请（编号{app.id}）"
    text, remark = _env.get_template(f"{event}.txt").render(name=name, **context).split("\n---\n")
    return _send(app, text.strip(), labels.state(state), remark.strip(), decision=event in DECISIONS)


def submitted(app: Application) -> OutboundMessage | None:
    return _notify(app, "submitted", "submitted", due=labels.day(app.deadline_at))


def review_started(app: Application) -> OutboundMessage | None:
    return _notify(app, "review_started", "in_review")


def documents_requested(app: Application, items: list[dict], note: str | None) -> OutboundMessage | None:
    """ONE message with the whole list, never one item at a time (「最多跑一趟」)."""
    return _notify(app, "documents_requested", "need_documents", items=[describe(i) for i in items], note=note)


def documents_complete(app: Application) -> OutboundMessage | None:
    return _notify(app, "documents_complete", "in_review")


def publicity_started(app: Application, notice: str) -> OutboundMessage | None:
    return _notify(app, "publicity_started", "publicity", notice=notice, until=labels.day(app.publicity_until),
                   days=_parameter("process.deadlines.publicity_days"))


def extended(app: Application, days: int) -> OutboundMessage | None:
    return _notify(app, "extended", app.state, days=days, due=labels.day(app.deadline_at), reason=app.extension_reason)


def approved(app: Application) -> OutboundMessage | None:
    """每月 how much, from which month, paid how (the dated payment parameters)."""
    from .lifecycle import MONTHLY_AMOUNT

    decided = local_date(app.decided_at or utcnow())
    start = month_after(decided, int(_parameter("process.payment.start_months_after_decision", decided)))
    return _notify(app, "approved", "approved", amount=_money(app.decision_amount),
                   monthly=app.programme in MONTHLY_AMOUNT, status_only=app.programme == "dishouru",
                   start=f"{start.year}年{start.month}月", route=_parameter("process.payment.route", decided))


def rejected(app: Application) -> OutboundMessage | None:
    """The reasons, and the resident's rights (the dated periods of the laws)."""
    return _notify(app, "rejected", "rejected", reason=app.decision_reason,
                   review_days=_parameter("process.rights.administrative_review_days"),
                   litigation_months=_parameter("process.rights.administrative_litigation_months"))


def clue_outcome(clue, outcome: str) -> OutboundMessage | None:
    """The volunteer who reported a clue hears what became of it, as the form promised
    (outcome: "triaged" or "closed"); never who the family is."""
    if not clue.reporter_openid:
        return None
    text = _env.get_template("clue_outcome.txt").render(outcome=outcome, day=labels.day(clue.created_at)).strip()
    return outbound.send(clue.reporter_openid, content=text, template=_template(
        "您反映的困难线索有了处理结果", "困难线索", "已建档走访" if outcome == "triaged" else "已核实",
        "请进入公众号查看处理结果。"))


def _parameter(name: str, on: date | None = None):
    return policy.params.cited(name, (on or local_date(utcnow())).isoformat())["value"]


def month_after(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s."""
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def money(value) -> str:
    """A sum as residents read it: "2,600", "735.50" (no ".00" for whole yuan)."""
    amount = round(float(value or 0), 2)
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"


def _money(value) -> str | None:
    return None if value is None else money(value)


def withdrawn(app: Application) -> OutboundMessage | None:
    return _notify(app, "withdrawn", "withdrawn")


def describe(item: dict) -> str:
    """身份证（第2位家庭成员）: a requested item as residents and staff read it."""
    who = labels.member(item.get("member"))
    return f"{item['title']}（{who}）" if who else item["title"]
