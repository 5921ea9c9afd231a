"""The application's states and the only ways between them:

    draft → submitted → in_review ⇄ need_documents;  in_review → approved | rejected
    withdrawn: by the resident, from any state not yet decided

Every change is stored as a Transition (who, when, why), audited when staff made it, and
reported to the resident. Escalation is a flag with its own case (review.escalations), not a
state. A step the state does not allow raises InvalidTransition, in Chinese, for staff.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update

from models import Application, Session, StaffUser, Transition, utcnow

from . import access, audit, labels, notify, routing, rules
from .errors import InvalidTransition, ReviewError

ALLOWED = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"in_review", "withdrawn"},
    "in_review": {"need_documents", "approved", "rejected", "withdrawn"},
    "need_documents": {"in_review", "withdrawn"},
    "approved": set(),
    "rejected": set(),
    "withdrawn": set(),
}
FINAL = ("approved", "rejected", "withdrawn")

VERBS = {"submitted": "提交", "in_review": "开始审核", "need_documents": "要求补充材料",
         "approved": "批准", "rejected": "作出不予批准的决定", "withdrawn": "撤回"}
HINTS = {
    "submitted": "只有草稿才能提交。",
    "in_review": "只有“已提交”的申请可以认领开始审核；补充材料收齐后会自动回到审核中。",
    "need_documents": "只有“审核中”的申请可以要求补充材料，请先认领。",
    "approved": "只有“审核中”的申请才能作出决定。",
    "rejected": "只有“审核中”的申请才能作出决定。",
    "withdrawn": "已经办结或已经撤回的申请不能再撤回。",
}
MAX_AMOUNT = Decimal("10000000")
MAX_REASON = 500


def actor(staff: StaffUser | None) -> str:
    return f"staff:{staff.id}" if staff else "resident"


def load(application_id: int) -> Application:
    """The application, locked for this transaction (PostgreSQL; SQLite serialises writers)."""
    app = Session.get(Application, application_id, with_for_update=True, populate_existing=True)
    if app is None:
        raise ReviewError("没有找到这份申请。")
    return app


def refuse(app: Application, to_state: str) -> InvalidTransition:
    return InvalidTransition(f"这份申请现在是“{labels.state(app.state)}”，不能{VERBS[to_state]}。"
                             f"{HINTS[to_state]}")


def move(app: Application, to_state: str, by: str, reason: str | None = None, **values) -> None:
    """Change the state if it is still what this transaction read (another reviewer may
    have acted meanwhile) and record the transition. The caller commits (through notify)."""
    if to_state not in ALLOWED[app.state]:
        raise refuse(app, to_state)
    from_state = app.state
    changed = Session.execute(
        update(Application)
        .where(Application.id == app.id, Application.state == from_state)
        .values(state=to_state, updated_at=utcnow(), **values)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if changed != 1:
        Session.rollback()
        raise InvalidTransition("这份申请刚刚被其他人处理过了，请刷新页面看看最新情况。")
    Session.add(Transition(application_id=app.id, from_state=from_state, to_state=to_state,
                           actor=by, reason=reason))
    Session.flush()


# ---- the resident's steps (called by the chat) -----------------------------------------------

def submit(application_id: int) -> Application:
    """draft → submitted: the verdict is computed now and kept, and the application is routed
    to its district's team with a deadline."""
    app = load(application_id)
    if app.state != "draft":
        raise refuse(app, "submitted")
    now = utcnow()
    values = {"submitted_at": now, "deadline_at": routing.route(app, now)}
    if app.situation:
        verdict = rules.assess(app.situation)
        values.update(verdict=verdict, rules_version=verdict.get("rules_version"))
        if not app.checklist:
            values["checklist"] = verdict.get("documents", [])
    move(app, "submitted", "resident", **values)
    notify.submitted(app)
    return app


def withdraw(application_id: int, openid: str) -> Application:
    app = load(application_id)
    if app.openid != openid:
        raise ReviewError("没有找到这份申请。")
    move(app, "withdrawn", "resident", "居民撤回")
    notify.withdrawn(app)
    return app


# ---- staff steps (called by the console; the caller has checked the scope) -------------------

def claim(application_id: int, staff: StaffUser) -> Application:
    """Take a submitted application: it is in review, and this reviewer's."""
    access.require(staff, "decide")
    app = load(application_id)
    if app.state == "submitted":
        move(app, "in_review", actor(staff), "认领", assigned_to=staff.id)
        audit.record(staff, "claim", "application", app.id, app.district)
        notify.review_started(app)
        return app
    if app.state in ("in_review", "need_documents") and app.assigned_to is None:
        app.assigned_to = staff.id
        audit.record(staff, "claim", "application", app.id, app.district)
        Session.commit()
        return app
    if app.state in ("in_review", "need_documents"):
        raise InvalidTransition("这份申请已经有人负责了；需要换人时请用“分派”。")
    raise refuse(app, "in_review")


def assign(application_id: int, staff: StaffUser, assignee_id: int) -> Application:
    """Give the application to a reviewer of its district (or an admin)."""
    access.require(staff, "decide")
    app = load(application_id)
    assignee = Session.get(StaffUser, assignee_id)
    if assignee is None or not assignee.active or not _may_decide_in(assignee, app.district):
        raise ReviewError("只能分派给本区的审核人员。")
    if app.state == "submitted":
        move(app, "in_review", actor(staff), f"分派给{assignee.username}", assigned_to=assignee.id)
        audit.record(staff, "assign", "application", app.id, app.district, assignee=assignee.id)
        notify.review_started(app)
        return app
    if app.state not in ("in_review", "need_documents"):
        raise InvalidTransition(f"这份申请现在是“{labels.state(app.state)}”，不需要再分派。")
    app.assigned_to = assignee.id
    audit.record(staff, "assign", "application", app.id, app.district, assignee=assignee.id)
    Session.commit()
    return app


def assignees(district: str) -> list[StaffUser]:
    """Who an application of `district` can be given to."""
    staff = Session.scalars(select(StaffUser).where(StaffUser.active.is_(True))
                            .order_by(StaffUser.username)).all()
    return [s for s in staff if _may_decide_in(s, district)]


def _may_decide_in(staff: StaffUser, district: str) -> bool:
    return access.can(staff, "decide") and (access.city_wide(staff) or staff.district == district)


def approve(application_id: int, staff: StaffUser, amount: str | Decimal | None) -> Application:
    access.require(staff, "decide")
    value = parse_amount(amount)
    app = load(application_id)
    move(app, "approved", actor(staff), "批准" + (f"，核定金额{value}元" if value is not None else ""),
         decided_at=utcnow(), decision_amount=value)
    audit.record(staff, "approve", "application", app.id, app.district,
                 amount=str(value) if value is not None else None)
    notify.approved(app)
    return app


def reject(application_id: int, staff: StaffUser, reason: str) -> Application:
    """The reason is sent to the resident word for word."""
    access.require(staff, "decide")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("请写明不予批准的原因，这段话会原样发给居民。")
    if len(reason) > MAX_REASON:
        raise ReviewError(f"原因请控制在{MAX_REASON}字以内。")
    app = load(application_id)
    move(app, "rejected", actor(staff), reason, decided_at=utcnow(), decision_reason=reason)
    audit.record(staff, "reject", "application", app.id, app.district)
    notify.rejected(app)
    return app


def parse_amount(amount: str | Decimal | None) -> Decimal | None:
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return None
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except InvalidOperation:
        raise ReviewError("金额请填写数字，例如 710 或 710.50。") from None
    if not value.is_finite() or value < 0 or value >= MAX_AMOUNT:
        raise ReviewError("金额需要是0到1000万之间的数字。")
    return value.quantize(Decimal("0.01"))


# ---- what the chat shows for 进度 --------------------------------------------------------------

def status_for(openid: str) -> list[dict]:
    """Each of the resident's applications, newest first, with its programme and state in
    Chinese and a line ready to send."""
    apps = Session.scalars(select(Application).where(Application.openid == openid)
                           .order_by(Application.id.desc())).all()
    result = []
    for app in apps:
        line = f"{labels.programme(app.programme)}（编号{app.id}）：{labels.state(app.state)}"
        deadline = None
        if app.state in routing.OPEN_STATES and app.deadline_at:
            deadline = routing.local_date(app.deadline_at)
            line += f"，最迟{deadline.year}年{deadline.month}月{deadline.day}日前办结"
        result.append({
            "application_id": app.id, "programme": app.programme,
            "programme_label": labels.programme(app.programme), "state": app.state,
            "state_label": labels.state(app.state), "deadline": deadline,
            "escalated": app.escalated, "text": line,
        })
    return result
