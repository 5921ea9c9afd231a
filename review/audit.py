"""The append-only audit log: every view of personal data and every staff action.

`detail` names what was done (states, checklist items, counts), never a resident's personal
data: free text staff type (reasons, notes) stays on its own record, not here, and a number
that reaches a detail anyway (a filter typed into a URL) is stored masked.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from models import AuditEntry, Session, StaffUser

from . import privacy
from .routing import CST

ACTIONS = {
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


def search(action: str | None = None, staff_name: str | None = None, object_type: str | None = None,
           object_id: int | None = None, since: date | None = None, until: date | None = None,
           limit: int = 100, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """Entries matching every given filter, newest first, and how many match in all.
    Dates are Xiamen dates, both ends included."""
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if staff_name:
        stmt = stmt.where(AuditEntry.staff_name == staff_name)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if since:
        stmt = stmt.where(AuditEntry.at >= _utc_start(since))
    if until and until < date.max:  # through 9999-12-31 is no upper bound at all
        stmt = stmt.where(AuditEntry.at < _utc_start(until + timedelta(days=1)))
    total = Session.scalar(stmt.with_only_columns(func.count()).order_by(None))
    rows = Session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


def _utc_start(day: date) -> datetime:
    """Midnight in Xiamen as a naive UTC moment, like every stored time."""
    if day == date.min:  # 8 hours before it is before year 1, which datetime cannot hold
        return datetime.min
    return datetime.combine(day, time(0), CST).astimezone(timezone.utc).replace(tzinfo=None)
