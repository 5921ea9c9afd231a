"""The application's states and the only ways between them:

    draft → submitted → in_review ⇄ need_documents;  in_review → approved | rejected
    in_review → publicity (公示) → approved | rejected      for 低保, 特困 and 低收入
    withdrawn: by the resident, from any state not yet decided

低保, 特困 and 低收入 are approved only after a public notice in the community
(`process.deadlines.publicity_days`, 7 days): objections raised meanwhile are recorded, and
the final decision is taken once the period is over. While open, the decision deadline can
be extended once (`process.deadlines.extension_working_days`, 15 working days) with a
reason the resident is told. An approval's amount is checked against the programme's bounds;
one that differs from the rules' figure (the verdict kept at submission) needs a reason.

Every change is stored as a Transition (who, when, why), audited when staff made it, and
reported to the resident. Escalation is a flag with its own case (review.escalations), not a
state. A step the state does not allow raises InvalidTransition, in Chinese, for staff.
The caller (the HTTP handler or the job) commits.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update

import policy
from models import Application, Session, StaffUser, Transition, utcnow
from models.application import Objection

from . import access, audit, labels, notify, routing, rules
from .errors import InvalidTransition, ReviewError

ALLOWED = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"in_review", "withdrawn"},
    "in_review": {"need_documents", "publicity", "approved", "rejected", "withdrawn"},
    "need_documents": {"in_review", "withdrawn"},
    # 公示: objections are recorded meanwhile; a founded one ends in a refusal.
    "publicity": {"approved", "rejected", "withdrawn"},
    "approved": set(),
    "rejected": set(),
    "withdrawn": set(),
}
FINAL = ("approved", "rejected", "withdrawn")
# Programmes approved only after a 公示, and the verdict key of their monthly amount
# (低收入 is a status, paid nothing monthly).
PUBLICITY_PROGRAMMES = ("dibao", "tekun", "dishouru")
MONTHLY_AMOUNT = {"dibao": "monthly_benefit", "tekun": "monthly_support"}

VERBS = {"submitted": "提交", "in_review": "开始审核", "need_documents": "要求补充材料",
         "publicity": "开始公示", "approved": "批准", "rejected": "作出不予批准的决定", "withdrawn": "撤回"}
HINTS = {
    "submitted": "只有草稿才能提交。",
    "in_review": "只有“已提交”的申请可以认领开始审核；补充材料收齐后会自动回到审核中。",
    "need_documents": "只有“审核中”的申请可以要求补充材料，请先认领。",
    "publicity": "只有“审核中”的低保、特困、低收入申请可以开始公示。",
    "approved": "只有“审核中”的申请才能作出决定。",
    "rejected": "只有“审核中”的申请才能作出决定。",
    "withdrawn": "已经办结或已经撤回的申请不能再撤回。",
}
MAX_AMOUNT = Decimal("10000000")
MAX_REASON = 500
MAX_OBJECTION = 1000
MAX_RAISED_BY = 60


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
    have acted meanwhile) and record the transition. The caller commits."""
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
    counted = routing.route(app, now)
    values = {"submitted_at": now, "deadline_at": routing.end_of_day(counted.day), "deadline_note": counted.note}
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
    return app


def assignees(district: str) -> list[StaffUser]:
    """Who an application of `district` can be given to."""
    staff = Session.scalars(select(StaffUser).where(StaffUser.active.is_(True))
                            .order_by(StaffUser.username)).all()
    return [s for s in staff if _may_decide_in(s, district)]


def _may_decide_in(staff: StaffUser, district: str) -> bool:
    return access.can(staff, "decide") and (access.city_wide(staff) or staff.district == district)


def start_publicity(application_id: int, staff: StaffUser, amount: str | Decimal | None,
                    reason: str | None = None) -> Application:
    """in_review → publicity: the proposed decision is posted in the community for the
    parameter's number of days; the resident is told, with the (masked) notice text."""
    access.require(staff, "decide")
    app = load(application_id)
    if app.programme not in PUBLICITY_PROGRAMMES:
        raise InvalidTransition(f"{labels.programme(app.programme)}不需要公示，审核后可以直接作出决定。")
    if app.state != "in_review":
        raise refuse(app, "publicity")
    value, reason = checked_amount(app, amount, reason)
    today = routing.local_date(utcnow())
    days = int(_parameter("process.deadlines.publicity_days", today))
    until = routing.end_of_day(today + timedelta(days=days - 1))
    move(app, "publicity", actor(staff), f"开始公示{days}天：{public_notice(app, value)}",
         publicity_from=utcnow(), publicity_until=until, decision_amount=value, amount_reason=reason)
    audit.record(staff, "start_publicity", "application", app.id, app.district, days=days,
                 amount=_text_amount(value), rules_amount=_text_amount(rules_amount(app)),
                 amount_reason=bool(reason))
    notify.publicity_started(app, public_notice(app, value))
    return app


def record_objection(application_id: int, staff: StaffUser, raised_by: str, content: str) -> Objection:
    """An objection to a 公示, as it was raised (who, what); the decision weighs it."""
    access.require(staff, "decide")
    raised_by = _required(raised_by, "请写明提出异议的人（例如“社区居民 李女士”或“匿名来信”）。", MAX_RAISED_BY)
    content = _required(content, "请写明异议的内容。", MAX_OBJECTION)
    app = load(application_id)
    if app.state != "publicity":
        raise InvalidTransition(f"这份申请现在是“{labels.state(app.state)}”，只有公示期间才能登记异议。")
    objection = Objection(application_id=app.id, raised_by=raised_by, content=content, recorded_by=staff.id)
    Session.add(objection)
    Session.flush()
    audit.record(staff, "publicity_objection", "application", app.id, app.district, objection=objection.id)
    return objection


def extend(application_id: int, staff: StaffUser, reason: str) -> Application:
    """Extend the decision deadline once, by the parameter's working days, for a reason the
    resident is told word for word."""
    access.require(staff, "decide")
    reason = _required(reason, "请写明延期的原因，这段话会原样发给居民。", MAX_REASON)
    app = load(application_id)
    if app.state not in routing.OPEN_STATES or app.submitted_at is None:
        raise InvalidTransition(f"这份申请现在是“{labels.state(app.state)}”，不能延期。")
    if app.extended_at is not None:
        raise InvalidTransition("这份申请已经延期过一次，不能再延期。")
    counted = routing.deadline_counted(app.submitted_at, extended=True)
    days = routing.extension_days_in_force(routing.local_date(app.submitted_at))
    app.extended_at, app.extension_reason = utcnow(), reason
    app.deadline_at, app.deadline_note = routing.end_of_day(counted.day), counted.note
    Session.add(Transition(application_id=app.id, from_state=app.state, to_state=app.state, actor=actor(staff),
                           reason=f"延长办理期限{days}个工作日：{reason}"))
    audit.record(staff, "extend_deadline", "application", app.id, app.district, days=days,
                 deadline=counted.day.isoformat())
    notify.extended(app, days)
    return app


def approve(application_id: int, staff: StaffUser, amount: str | Decimal | None,
            reason: str | None = None) -> Application:
    """The decision to approve. After a 公示 it is taken once the period is over; an amount
    left blank there is the one posted."""
    access.require(staff, "decide")
    app = load(application_id)
    if app.state == "in_review" and app.programme in PUBLICITY_PROGRAMMES:
        days = int(_parameter("process.deadlines.publicity_days", routing.local_date(utcnow())))
        raise InvalidTransition(f"{labels.programme(app.programme)}要先在社区公示{days}天，"
                                "公示期满后才能批准。请先“开始公示”。")
    if app.state == "publicity":
        if app.publicity_until is not None and utcnow() <= app.publicity_until:
            raise InvalidTransition(f"公示到{labels.day(app.publicity_until)}结束，期满后才能作出批准决定。")
        if amount is None or (isinstance(amount, str) and not amount.strip()):
            amount, reason = app.decision_amount, reason or app.amount_reason
    elif app.state != "in_review":
        raise refuse(app, "approved")
    value, reason = checked_amount(app, amount, reason)
    objections = len(app.objections)
    per = "每月" if app.programme in MONTHLY_AMOUNT else "核定金额"
    move(app, "approved", actor(staff), "批准" + (f"，{per}{notify.money(value)}元" if value is not None else "")
         + (f"（与规则计算不同：{reason}）" if reason else ""),
         decided_at=utcnow(), decision_amount=value, amount_reason=reason)
    audit.record(staff, "approve", "application", app.id, app.district, amount=_text_amount(value),
                 rules_amount=_text_amount(rules_amount(app)), amount_reason=bool(reason), objections=objections)
    notify.approved(app)
    return app


def reject(application_id: int, staff: StaffUser, reason: str) -> Application:
    """The reason is sent to the resident word for word, with their rights."""
    access.require(staff, "decide")
    reason = _required(reason, "请写明不予批准的原因，这段话会原样发给居民。", MAX_REASON)
    app = load(application_id)
    move(app, "rejected", actor(staff), reason, decided_at=utcnow(), decision_reason=reason)
    audit.record(staff, "reject", "application", app.id, app.district)
    notify.rejected(app)
    return app


# ---- the amount ----------------------------------------------------------------------------------

def parse_amount(amount: str | Decimal | None) -> Decimal | None:
    """What staff typed in 核定金额: yuan with at most 2 decimals, never rounded silently."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return None
    typed = str(amount).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(typed)
    except InvalidOperation:
        raise ReviewError(f"核定金额请填写数字（单位：元），例如 735 或 735.50；“{typed[:20]}”不是金额。") from None
    if not value.is_finite():
        raise ReviewError("核定金额请填写数字（单位：元），例如 735 或 735.50。")
    if value != value.quantize(Decimal("0.01")):
        raise ReviewError(f"核定金额最多两位小数（到分），“{typed[:20]}”多了小数位，请核对后重新填写。")
    if value < 0:
        raise ReviewError("核定金额不能是负数。")
    if value >= MAX_AMOUNT:
        raise ReviewError("核定金额过大，请核对。")
    return value.quantize(Decimal("0.01"))


def rules_amount(app: Application) -> Decimal | None:
    """The rules' monthly figure for this application (the verdict kept at submission)."""
    key = MONTHLY_AMOUNT.get(app.programme)
    figure = (rules.verdict_for(app) or {}).get(key) if key else None
    return Decimal(str(figure)).quantize(Decimal("0.01")) if figure is not None else None


def amount_bounds(app: Application) -> tuple[Decimal, Decimal] | None:
    """(lowest, highest) monthly amount the programme can pay this household, from the
    parameters in force today: at most the whole standard for each person (nobody's income
    counted). None where the programme pays no monthly amount."""
    if app.programme not in MONTHLY_AMOUNT:
        return None
    today = routing.local_date(utcnow())
    per_person = Decimal(str(_parameter("dibao.standard", today)))
    if app.programme == "tekun":
        per_person *= Decimal(str(_parameter("tekun.support_multiple", today)))
    people = max(len((app.situation or {}).get("members") or []), 1)
    return Decimal("0.01"), (per_person * people).quantize(Decimal("0.01"))


def checked_amount(app: Application, amount, reason: str | None) -> tuple[Decimal | None, str | None]:
    """The amount as typed, within the programme's bounds, and the reason kept when it
    differs from the rules' figure (required then)."""
    value = parse_amount(amount)
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise ReviewError(f"金额调整的理由请控制在{MAX_REASON}字以内。")
    bounds = amount_bounds(app)
    if bounds is None:
        if app.programme == "dishouru" and value is not None:
            raise ReviewError("低收入家庭认定不发放每月补助，核定金额请留空。")
        return value, reason
    if value is None:
        raise ReviewError(f"请填写核定金额（{labels.programme(app.programme)}每月发放的金额，单位：元）。")
    low, high = bounds
    if not low <= value <= high:
        people = max(len((app.situation or {}).get("members") or []), 1)
        raise ReviewError(f"核定金额需要在{notify.money(low)}元到{notify.money(high)}元之间"
                          f"（{people}人家庭按今天的标准最多每月{notify.money(high)}元），请核对。")
    figure = rules_amount(app)
    if value != figure and not reason:
        said = f"规则计算的是每月{notify.money(figure)}元" if figure is not None else "这份申请没有规则计算的金额"
        raise ReviewError(f"核定金额与规则计算不同（{said}），请在“调整理由”里写明依据。")
    return value, reason if value != figure else None


def public_notice(app: Application, amount: Decimal | None) -> str:
    """The line posted in the community, masked: 张某 · 筼筜街道 · 低保 · 每月 735 元."""
    surname = (app.applicant_name or "").strip()[:1]
    parts = [f"{surname}某" if surname else "申请人", app.street or app.district, labels.PROGRAMMES_SHORT[app.programme]]
    if amount is not None:
        parts.append(f"每月 {notify.money(amount)} 元")
    return " · ".join(parts)


def decision_panel(app: Application) -> dict:
    """What the console's decision forms show for `app` (staff/_decision.html)."""
    figure = rules_amount(app)
    bounds = amount_bounds(app)
    now = utcnow()
    return {
        "needs_publicity": app.programme in PUBLICITY_PROGRAMMES,
        "monthly": app.programme in MONTHLY_AMOUNT,
        "rules_amount": figure, "rules_amount_text": notify.money(figure) if figure is not None else "",
        "proposed_text": _plain_amount(app.decision_amount) if app.state == "publicity" else _plain_amount(figure),
        "bounds": bounds and (notify.money(bounds[0]), notify.money(bounds[1])),
        "publicity_days": int(_parameter("process.deadlines.publicity_days", routing.local_date(now))),
        "publicity_over": app.state == "publicity" and app.publicity_until is not None and now > app.publicity_until,
        "publicity_until": labels.day(app.publicity_until) if app.publicity_until else None,
        "notice": public_notice(app, app.decision_amount if app.state == "publicity" else figure),
        "objections": list(app.objections),
        "extendable": app.state in routing.OPEN_STATES and app.extended_at is None and app.submitted_at is not None,
        "extension_days": routing.extension_days_in_force(routing.local_date(app.submitted_at or now)),
        "deadline_note": app.deadline_note,
    }


def _plain_amount(value) -> str:
    """An amount for a form field: 735 or 735.50 (never 735.0, which invites typing after it)."""
    if value is None:
        return ""
    value = Decimal(str(value)).quantize(Decimal("0.01"))
    return str(value.quantize(Decimal("1"))) if value == value.to_integral() else str(value)


def _text_amount(value) -> str | None:
    return None if value is None else str(value)


def _parameter(name: str, on) -> object:
    return policy.params.cited(name, on.isoformat())["value"]


def _required(text: str | None, empty: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise ReviewError(empty)
    if len(text) > limit:
        raise ReviewError(f"内容请控制在{limit}字以内。")
    return text


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
