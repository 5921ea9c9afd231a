"""The append-only audit log: every view of personal data and every staff action.

`detail` names what was done (states, checklist items, counts), never a resident's personal
data: free text staff type (reasons, notes) stays on its own record, not here, and a number
that reaches a detail anyway (a filter typed into a URL) is stored masked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from models import Application, AuditEntry, Session, StaffUser

from . import labels, privacy
from .queue import capped_count
from .routing import CST

ACTIONS = {
    "annual_review_accept": "采纳年度复核建议", "annual_review_reject": "不采纳年度复核建议",
    "add_parameter_value": "添加标准数值",
    "view_held": "查看待阅读内容", "release_held": "放行待阅读内容", "reject_held": "驳回待阅读内容",
    "start_publicity": "开始公示", "publicity_objection": "登记公示异议", "extend_deadline": "延长办理期限",
    "login": "登录", "logout": "退出", "login_failed": "登录失败", "login_locked": "账号锁定中登录",
    "lockout": "输错密码太多次，账号锁定", "session_expired": "长时间未操作，自动退出",
    "view_case": "查看申请（号码已遮盖）", "view_pii": "查看完整的身份证号、电话",
    "confirm_household_link": "确认微信用户属于本户",
    "view_seeker": "查看求职者", "save_opening": "保存岗位", "fill_opening": "岗位已招满",
    "requeue_job": "失败的任务重新排队", "requeue_failed_jobs": "一个队列的失败任务全部重新排队",
    "requeue_stuck_work": "卡住的照片和消息重新排队", "requeue_inbound": "补处理未处理的消息",
    "view_document": "查看材料", "claim": "认领", "assign": "分派", "approve": "批准",
    "reject": "不予批准", "request_documents": "要求补充材料", "escalate": "发起急难会商",
    "escalation_note": "会商记录", "escalation_participant": "添加参与人",
    "escalation_message": "给居民发消息", "resolve_escalation": "会商办结",
    "view_escalation": "查看会商", "record_visit": "登记入户走访", "export_ledger": "导出台账",
    "view_clue": "查看线索", "triage_clue": "线索建档", "close_clue": "关闭线索",
    "view_household": "查看家庭档案",
}


def record(staff: StaffUser | None, action: str, object_type: str | None = None,
           object_id: int | None = None, district: str | None = None, **detail) -> AuditEntry:
    """Add an entry to the session; it is committed with the action it describes."""
    entry = AuditEntry(staff_id=staff.id if staff else None, staff_name=staff.username if staff else None,
                       action=action, object_type=object_type, object_id=object_id,
                       district=district,
                       detail={k: privacy.shown(v, False) if isinstance(v, str) else v for k, v in detail.items()})
    Session.add(entry)
    return entry


# What the log calls the objects it names: "申请 8 · 低保", "家庭 3", "线索 5".
OBJECT_TYPES = {"application": "申请", "escalation": "会商", "household": "家庭", "visit": "走访",
                "clue": "线索", "staff": "账号", "seeker": "求职者", "opening": "岗位"}


@dataclass
class Page:
    entries: list[AuditEntry]
    total: int  # capped (review.queue.capped_count): COUNT_CAP + 1 means "more than COUNT_CAP"
    older: int | None  # `before` for the next page (older entries), None on the last page
    names: dict[tuple[str, int], str]  # (object_type, object_id) -> how the page names it


def search(action: str | None = None, staff_name: str | None = None, object_type: str | None = None,
           object_id: int | None = None, since: date | None = None, until: date | None = None,
           limit: int = 100, before: int | None = None) -> Page:
    """Entries matching every given filter, newest first, `limit` of them older than entry
    `before` (keyset paging: a deep page costs what the first does), and how many match in
    all, counted up to COUNT_CAP + 1. Dates are Xiamen dates, both ends included. Each
    filter reads its own index: (object_type, object_id, id), (staff_id, id), (action, id)."""
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if staff_name:
        # By the account's id: the index holds ids, and names are unique.
        stmt = stmt.where(AuditEntry.staff_id == select(StaffUser.id).where(
            StaffUser.username == staff_name).scalar_subquery())
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if since:
        stmt = stmt.where(AuditEntry.at >= _utc_start(since))
    if until and until < date.max:  # through 9999-12-31 is no upper bound at all
        stmt = stmt.where(AuditEntry.at < _utc_start(until + timedelta(days=1)))
    total = capped_count(stmt)
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    rows = list(Session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit + 1)))
    older = rows[limit - 1].id if len(rows) > limit else None
    return Page(rows[:limit], total, older, object_names(rows[:limit]))


def object_names(entries: list[AuditEntry]) -> dict[tuple[str, int], str]:
    """How the log names each entry's object, in Chinese; an application with its programme
    (one query for the page)."""
    app_ids = {e.object_id for e in entries if e.object_type == "application" and e.object_id}
    programmes = dict(Session.execute(select(Application.id, Application.programme)
                                      .where(Application.id.in_(app_ids))).all()) if app_ids else {}
    names = {}
    for e in entries:
        if not e.object_type:
            continue
        name = OBJECT_TYPES.get(e.object_type, e.object_type)
        if e.object_id is not None:
            name = f"{name} {e.object_id}"
        if e.object_id in programmes and e.object_type == "application":
            name += " · " + labels.PROGRAMMES_SHORT.get(programmes[e.object_id], programmes[e.object_id])
        names[(e.object_type, e.object_id)] = name
    return names


def _utc_start(day: date) -> datetime:
    """Midnight in Xiamen as a naive UTC moment, like every stored time."""
    if day == date.min:  # 8 hours before it is before year 1, which datetime cannot hold
        return datetime.min
    return datetime.combine(day, time(0), CST).astimezone(timezone.utc).replace(tzinfo=None)
