"""Everything the application page shows, read once, with the view audited."""
from __future__ import annotations

from sqlalchemy import select

from models import Application, Escalation, MediaFile, Session, StaffUser

from . import access, audit, labels, lifecycle, routing, rules
from .documents import checklist_items

# Applicant answers kept in encrypted columns; the answers table never repeats them.
PII_ANSWER_KEYS = frozenset({"name", "id_number", "phone", "address"})

SITUATION_LABELS = {
    "date": "评估月份", "hukou_xiamen": "厦门户籍", "monthly_support_received": "赡养费等每月收入（元）",
    "annual_medical_expense": "近12个月自付医疗费（元）", "annual_education_expense": "近12个月自付教育费（元）",
    "prior_year_medical_aid": "上年度医疗救助（元）", "prior_year_education_aid": "上年度教育救助（元）",
    "financial_assets": "家庭金融资产（元）", "owns_vehicle": "有机动车", "has_able_supporter": "有能力赡养的义务人",
    "housing": "住房",
}
MEMBER_LABELS = {
    "age": "年龄", "sex": "性别", "employed": "有工作", "monthly_income": "月收入（元）", "disability": "残疾",
    "student_stage": "就读阶段", "scattered_tekun": "分散供养特困",
}
VALUE_LABELS = {"male": "男", "female": "女", True: "是", False: "否", None: "—"}
# Where a verdict carries the amount a decision would grant, in order of preference.
AMOUNT_KEYS = ("monthly_benefit", "monthly_support", "subsidy")
DOCUMENT_STATES = {"received": "已收到", "requested": "等居民补充", "accepted": "已确认"}
MEDIA_STATES = {"pending": "正在从微信下载", "stored": "", "rejected": "文件无法使用", "failed": "下载失败"}


def shown(value) -> str:
    if isinstance(value, bool) or value is None:
        return VALUE_LABELS[value]
    if isinstance(value, dict):
        return "，".join(f"{k}：{shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(shown(v) for v in value) or "—"
    return str(VALUE_LABELS.get(value, value))


def actor_names(actors: set[str]) -> dict[str, str]:
    ids = [int(a.split(":", 1)[1]) for a in actors if a.startswith("staff:")]
    names = dict(Session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(ids))).all()) \
        if ids else {}
    return {a: (f"工作人员 {names.get(int(a[6:]), '?')}" if a.startswith("staff:") else
                {"resident": "居民本人", "system": "系统"}.get(a, a)) for a in actors}


def view(staff: StaffUser, app: Application) -> dict:
    """The case page of an application in scope; writes view_pii (whole numbers shown) or
    view_case (masked) to the audit log."""
    person = access.identity(staff, app.district, app.street, app.applicant_name,
                             app.applicant_id_number, app.applicant_phone)
    audit.record(staff, "view_pii" if person["whole"] else "view_case", "application", app.id, app.district)
    Session.commit()
    situation = app.situation or {}
    verdict = app.verdict or {}
    documents = []
    for doc in app.documents:
        media = Session.get(MediaFile, doc.media_file_id) if doc.media_file_id else None
        documents.append({
            "doc": doc, "title": _title(app, doc.item_id), "member": labels.member(doc.member),
            "state": DOCUMENT_STATES.get(doc.state, doc.state),
            "media_state": MEDIA_STATES.get(media.state, media.state) if media else "",
            "viewable": bool(media and media.state == "stored"),
            "image": bool(media and (media.content_type or "").startswith("image/")),
        })
    history = [{"at": t.at, "actor": t.actor, "text": f"{labels.state(t.from_state) if t.from_state else '新建'}"
                f" → {labels.state(t.to_state)}", "reason": t.reason} for t in app.transitions]
    cases = Session.scalars(select(Escalation).where(Escalation.application_id == app.id)
                            .order_by(Escalation.id)).all()
    names = actor_names({h["actor"] for h in history})
    for h in history:
        h["actor"] = names[h["actor"]]
    assignee = Session.get(StaffUser, app.assigned_to) if app.assigned_to else None
    programme_verdict = rules.verdict_for(app) or {}
    return {
        "app": app, "person": person,
        "answers": {k: shown(v) for k, v in (app.answers or {}).items()
                    if k not in PII_ANSWER_KEYS and k != "members"},
        "situation": [(SITUATION_LABELS.get(k, k), shown(v)) for k, v in situation.items() if k != "members"],
        "members": [[(MEMBER_LABELS.get(k, k), shown(v)) for k, v in m.items()]
                    for m in situation.get("members", [])],
        "verdict": [(rules.FIELDS.get(k, k), shown(v)) for k, v in programme_verdict.items()],
        "suggested_amount": next((programme_verdict[k] for k in AMOUNT_KEYS if programme_verdict.get(k)), None),
        "explanation": verdict.get("explanation", []), "today": _today(app),
        "documents": documents, "checklist": checklist_items(app),
        "history": history, "escalations": cases,
        "assignee": assignee, "assignees": lifecycle.assignees(app.district),
        "overdue": routing.is_overdue(app), "may_decide": access.can(staff, "decide"),
        "may_escalate": access.can(staff, "casework") and app.state in routing.OPEN_STATES,
    }


def _today(app: Application) -> dict | None:
    today = rules.compare_with_today(app)
    for change in (today or {}).get("changes", []):
        change["then"], change["now"] = shown(change["then"]), shown(change["now"])
    return today


def _title(app: Application, item_id: str) -> str:
    for entry in app.checklist or []:
        if entry.get("id") == item_id:
            return entry.get("title") or item_id
    return item_id
