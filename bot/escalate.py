"""人工 and urgent words: a case for staff with the conversation so far; and 进度."""
from __future__ import annotations

from sqlalchemy import select

from channels.inbound import InboundEvent
from models import Application, Escalation, InboundMessage, Session
from tasks.queues import enqueue

from .reply import Reply, render

TRANSCRIPT_MESSAGES = 30

STATE_NAMES = {
    "draft": "还在填写，未提交", "submitted": "已提交，等待分派", "in_review": "审核中",
    "need_documents": "需要补充材料", "approved": "已批准", "rejected": "未通过", "withdrawn": "已撤回",
}
PROGRAMME_NAMES = {
    "dibao": "低保", "dishouru": "低收入家庭", "tekun": "特困人员", "weifang": "危房改造",
    "jiaoyu": "教育救助", "yiliao": "医疗救助", "jiuye": "求职登记（112）", "daikuan": "创业担保贷款",
}


def transcript(openid: str) -> list[dict]:
    rows = Session.execute(
        select(InboundMessage.received_at, InboundMessage.msg_type, InboundMessage.payload)
        .where(InboundMessage.openid == openid).order_by(InboundMessage.id.desc()).limit(TRANSCRIPT_MESSAGES)
    ).all()
    return [{"at": at.isoformat(timespec="seconds"), "type": kind,
             "text": payload.get("Content") or payload.get("Recognition") or payload.get("Label") or f"[{kind}]"}
            for at, kind, payload in reversed(rows)]


def to_staff(event: InboundEvent, session: dict, kind: str) -> Reply:
    """Open (or add to) the resident's case for staff, and say when to expect contact."""
    open_case = Session.scalar(select(Escalation).where(Escalation.openid == event.openid,
                                                        Escalation.state == "open"))
    if open_case is None:
        district = (session.get("answers") or {}).get("district")
        open_case = Escalation(openid=event.openid, kind=kind, district=district,
                               application_id=session.get("application_id"),
                               reason=(event.text or "")[:500] if kind == "urgent" else "居民请求人工服务",
                               transcript=transcript(event.openid))
        Session.add(open_case)
    else:
        open_case.transcript = transcript(event.openid)
        if kind == "urgent":
            open_case.kind = "urgent"
    Session.commit()
    enqueue("tasks.review.escalation_opened", open_case.id)
    return render("escalated", urgent=open_case.kind == "urgent")


def progress(openid: str) -> Reply:
    applications = Session.scalars(select(Application).where(Application.openid == openid)
                                   .order_by(Application.id)).all()
    return render("progress", rows=[(a.id, PROGRAMME_NAMES.get(a.programme, a.programme),
                                     STATE_NAMES.get(a.state, a.state)) for a in applications])
