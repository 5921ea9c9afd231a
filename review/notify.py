"""Every state change reaches the resident: a plain-Chinese customer-service message, and a
template message that the channel sends instead when the resident is outside WeChat's
48-hour window. The channel records, retries and never drops it; `send` commits the
session, so the message is recorded in the same transaction as the change it reports.
"""
from __future__ import annotations

from datetime import datetime

from channels import outbound
from models import Application, OutboundMessage, Session, utcnow

from . import labels
from .routing import local_date

# The Official Account's "办理进度通知" template (first, keyword1 业务, keyword2 状态,
# keyword3 时间, remark). Template ids are issued per account in the WeChat admin console.
STATUS_TEMPLATE_ID = "yitang-status-update"
REMARK_LIMIT = 100


def _day(moment: datetime) -> str:
    day = local_date(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _template(first: str, subject: str, status: str, remark: str) -> dict:
    if len(remark) > REMARK_LIMIT:
        remark = remark[:REMARK_LIMIT - 1] + "…"
    return {"template_id": STATUS_TEMPLATE_ID, "data": {
        "first": {"value": first}, "keyword1": {"value": subject}, "keyword2": {"value": status},
        "keyword3": {"value": _day(utcnow())}, "remark": {"value": remark},
    }}


def _send(app: Application, text: str, status: str, remark: str) -> OutboundMessage | None:
    if not app.openid:
        Session.commit()  # nobody to tell (an application entered by staff): just keep the change
        return None
    programme = labels.programme(app.programme)
    return outbound.send(app.openid, content=text, template=_template(
        f"您的{programme}申请（编号{app.id}）有新进展", programme, status, remark))


def staff_reply(openid: str, text: str) -> OutboundMessage:
    """A person answering the resident's call for help (人工)."""
    return outbound.send(openid, content=text, template=_template(
        "工作人员回复了您的求助", "人工服务", "已回复", "请进入公众号查看工作人员的回复。"))


def _name(app: Application) -> str:
    return f"您的{labels.programme(app.programme)}申请（编号{app.id}）"


def submitted(app: Application) -> OutboundMessage | None:
    due = _day(app.deadline_at)
    return _send(app, f"{_name(app)}已经提交，工作人员会在{due}前办结。需要补充材料时我们会一次告诉您要补哪些。"
                      "随时回复“进度”可以查看办理情况。",
                 labels.state("submitted"), f"最迟{due}前办结。回复“进度”查看办理情况。")


def review_started(app: Application) -> OutboundMessage | None:
    return _send(app, f"{_name(app)}已经由工作人员开始审核。", labels.state("in_review"),
                 "工作人员正在审核，请耐心等候。")


def documents_requested(app: Application, items: list[dict], note: str | None) -> OutboundMessage | None:
    """ONE message with the whole list, never one item at a time (「最多跑一趟」)."""
    lines = [f"{_name(app)}还需要补充下面{len(items)}份材料："]
    lines += [f"{i}. {describe(item)}" for i, item in enumerate(items, 1)]
    if note:
        lines.append(f"工作人员说明：{note}")
    lines.append("请直接在这里按提示逐项拍照发送，补齐后会继续审核。")
    titles = "、".join(describe(item) for item in items)
    return _send(app, "\n".join(lines), labels.state("need_documents"),
                 f"需补充：{titles}。请进入公众号按提示发送。")


def documents_complete(app: Application) -> OutboundMessage | None:
    return _send(app, f"您补充的材料已经收齐，{_name(app)}继续审核。", labels.state("in_review"),
                 "材料已收齐，继续审核。")


def approved(app: Application) -> OutboundMessage | None:
    amount = f"核定金额{app.decision_amount:.2f}元。" if app.decision_amount is not None else ""
    return _send(app, f"{_name(app)}已经批准。{amount}有疑问可以回复“人工”联系工作人员。",
                 labels.state("approved"), amount or "申请已批准。")


def rejected(app: Application) -> OutboundMessage | None:
    return _send(app, f"很抱歉，{_name(app)}没有获得批准。\n原因：{app.decision_reason}\n"
                      "如有疑问，可以回复“人工”联系工作人员。",
                 labels.state("rejected"), f"原因：{app.decision_reason}")


def withdrawn(app: Application) -> OutboundMessage | None:
    return _send(app, f"{_name(app)}已经撤回。以后需要时可以随时重新申请。", labels.state("withdrawn"),
                 "申请已撤回。")


def describe(item: dict) -> str:
    """身份证（第2位家庭成员）: a requested item as residents and staff read it."""
    who = labels.member(item.get("member"))
    return f"{item['title']}（{who}）" if who else item["title"]
