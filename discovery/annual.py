"""The annual review (年度复核) of every current recipient of 低保, 低收入 and 特困.

Each recipient is assessed again with the rules in force on the review date and with the
medical and education aid the system itself paid the household last year counted as the
family's own spending (厦委办发〔2018〕16号 二㈠, last sentence: 对上年度因医疗、教育等支出
享受政府救助的经费，应视同为其家庭的实际支出). The result is an item: continue, change (the
amount, or the programme) or stop. An item only proposes: a reviewer accepts or rejects it
(`decide`), and the resident is told with the reasons and their rights.

What "paid by the system" means: there is no payments table, so aid paid is derived from the
decisions — an approved one-off aid (教育救助, 医疗救助) is paid once on its decision date; a
monthly aid (低保, 特困) is its monthly amount for every month in force, from the month payment
starts (`process.payment.start_months_after_decision`) until a stop, with amounts changed by
accepted review items from their effective month.

A run goes through applications in chunks by id; `step` adds one chunk's items and moves the
run's cursor in the same transaction (the caller commits), so a run stopped anywhere resumes
where it stopped: nobody is done twice (a unique key) or skipped.
"""
from __future__ import annotations

import gc
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

import policy
from models import Application, Session, StaffUser, utcnow
from models.annual import AnnualReviewItem as Item
from models.annual import AnnualReviewRun as Run
from review import access, audit, labels, notify
from review.errors import ReviewError
from review.routing import CST, local_date

from . import standards

LIVING = ("dibao", "dishouru", "tekun")  # the programmes reviewed every year
# One-off aid for medical or education spending, counted as spending the year after (二㈠).
COUNTED = {"jiaoyu": "prior_year_education_aid", "yiliao": "prior_year_medical_aid"}
PREFERENCE = ("tekun", "dibao", "dishouru")  # 特困 before 低保 before 低收入 (domain.md)
CHUNK_SIZE = 5000
RULES_BATCH = 20_000

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


class AnnualError(ReviewError):
    """A run or a decision that cannot go ahead; `message` says why, in Chinese."""


# ---- the rules step: pure, timed by bench/policy.py -------------------------------------------

class Recipient(NamedTuple):
    programme: str  # what the household receives now
    amount: float | None  # a month
    situation: dict  # the household situation to assess, dated


class Proposal(NamedTuple):
    outcome: str  # continue | change | stop | missing
    programme: str | None
    amount: float | None
    figures: dict  # the rules' figures the reasons cite


def rules_step(recipients: list[Recipient], batch: int = RULES_BATCH) -> list[Proposal]:
    """One proposal per recipient, from the rules alone (vectorised in batches); the
    sentences for people come after, from `reasons`."""
    out: list[Proposal] = []
    for start in range(0, len(recipients), batch):
        part = recipients[start:start + batch]
        answers = _assess(part)
        # As in assess_many: no reference cycles here, so the cycle collector only costs time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            out += [_propose(r, a) for r, a in zip(part, answers)]
        finally:
            if collecting:
                gc.enable()
    return out


def _assess(recipients: list[Recipient]) -> list[dict | None]:
    """The rules' answers; None for a situation the rules cannot use (kept out of the batch)."""
    answers: list[dict | None] = [None] * len(recipients)
    todo = [i for i, r in enumerate(recipients) if r.situation.get("members")]
    while todo:
        try:
            results = policy.assess_many([recipients[i].situation for i in todo], for_resident=False,
                                         programmes=LIVING)
        except policy.SituationError as err:
            todo.pop(err.index or 0)  # that household waits for a person; assess the rest
            continue
        for i, answer in zip(todo, results):
            answers[i] = answer
        break
    return answers


def _propose(recipient: Recipient, answer: dict | None) -> Proposal:
    if answer is None:
        return Proposal("missing", None, None, {})
    programmes = answer["programmes"]
    dibao, tekun = programmes["dibao"], programmes["tekun"]
    figures = {"month": answer["assessed_month"], "income": answer["income"], "standard": dibao["standard"],
               "asset_limit": dibao["asset_limit"]}
    amounts = {"dibao": dibao["monthly_benefit"], "tekun": round(tekun["monthly_support"] * len(tekun["members"]), 2),
               "dishouru": None}  # 低收入 is a status, not a monthly payment
    current = recipient.programme
    if programmes[current]["eligible"]:
        new = amounts[current]
        if new is None or (recipient.amount is not None and abs(new - recipient.amount) < 0.005):
            return Proposal("continue", current, recipient.amount, figures)
        return Proposal("change", current, new, figures)
    for other in PREFERENCE:
        if programmes[other]["eligible"]:
            return Proposal("change", other, amounts[other], figures)
    return Proposal("stop", None, None, figures)


def reasons(recipient: Recipient, proposal: Proposal) -> list[str]:
    """Why, in plain Chinese with the figures: for the reviewer and the resident's notice."""
    if proposal.outcome == "missing":
        return ["家庭情况缺少或不完整，需要工作人员入户核实后复核。"]
    figures, money = proposal.figures, notify.money
    income = figures["income"]
    year, month = figures["month"].split("-")[:2]
    out = [] if proposal.outcome == "stop" else [  # a stop's reasons say the figures themselves
        f"按{year}年{int(month)}月的低保标准{money(figures['standard'])}元，家庭人均月收入{money(income['per_capita'])}元。"]
    if proposal.outcome == "change" and proposal.programme == recipient.programme:
        out.append(f"每月金额由{_yuan(recipient.amount)}调整为{money(proposal.amount)}元。")
    elif proposal.outcome == "change":
        out.append(f"已不符合{labels.programme(recipient.programme)}的条件，"
                   f"符合{labels.programme(proposal.programme)}的条件。")
    elif proposal.outcome == "stop":
        out += _why_not(figures, recipient.situation)
    return out


def _why_not(figures: dict, situation: dict) -> list[str]:
    money, income = notify.money, figures["income"]
    why = []
    if not situation.get("hukou_xiamen"):
        why.append("家庭没有厦门户籍。")
    if income["per_capita"] >= figures["standard"]:
        why.append(f"家庭人均月收入{money(income['per_capita'])}元，不低于低保标准"
                   f"{money(figures['standard'])}元，也不符合低收入家庭的条件。")
    assets = situation.get("financial_assets", 0) / max(len(situation["members"]), 1)
    if assets > figures["asset_limit"]:
        why.append(f"家庭人均金融资产{money(assets)}元，超过{money(figures['asset_limit'])}元的上限。")
    return why or ["按现行规定，家庭已不符合救助条件。"]


def _yuan(amount) -> str:
    return "（未核定）" if amount is None else f"{notify.money(amount)}元"


# ---- who is a current recipient, and what the system paid them ---------------------------------

def _in_force(day: date, after: int = 0):
    """Approved living-aid applications after id `after` still in force on `day`: not replaced
    by a later-decided approval of the household, not stopped by a decided review."""
    a, later = Application, aliased(Application)
    replaced = exists().where(later.household_id == a.household_id, later.programme.in_(LIVING),
                              later.state == "approved", or_(later.decided_at > a.decided_at,
                                                             and_(later.decided_at == a.decided_at, later.id > a.id)))
    stopped = exists().where(Item.application_id == a.id, Item.state == "accepted", Item.outcome == "stop")
    return (a.state == "approved", a.programme.in_(LIVING), a.id > after,
            a.decided_at < _utc(day + timedelta(days=1)), ~replaced, ~stopped)


def _current(after: int, limit: int, day: date):
    """The next `limit` current recipients after id `after`: only the columns the review reads."""
    a = Application
    stmt = (select(a.id, a.household_id, a.district, a.programme, a.situation, a.decision_amount, a.decided_at)
            .where(*_in_force(day, after)).order_by(a.id).limit(limit))
    return Session.execute(stmt).all()


def count_current(day: date, after: int = 0) -> int:
    return Session.scalar(select(func.count()).select_from(Application).where(*_in_force(day, after))) or 0


def _utc(day: date) -> datetime:
    """Midnight of `day` in Xiamen, as the naive UTC moment the database keeps."""
    return datetime.combine(day, time(), CST).astimezone(timezone.utc).replace(tzinfo=None)


def _decided_changes(ids: list[int]) -> dict[int, list]:
    """Accepted changes per application, oldest first: (effective_on, programme, amount)."""
    rows = Session.execute(
        select(Item.application_id, Item.effective_on, Item.proposed_programme, Item.proposed_amount)
        .where(Item.application_id.in_(ids), Item.state == "accepted", Item.outcome == "change")
        .order_by(Item.effective_on, Item.id)).all()
    out: dict[int, list] = {}
    for app_id, on, programme, amount in rows:
        out.setdefault(app_id, []).append((on, programme, amount))
    return out


def _counted_aid(households: list[int], year: int) -> dict[int, dict]:
    """Medical and education aid the system paid each household in `year` (decision dates)."""
    if not households:
        return {}
    rows = Session.execute(
        select(Application.household_id, Application.programme, func.sum(Application.decision_amount))
        .where(Application.household_id.in_(households), Application.state == "approved",
               Application.programme.in_(COUNTED), Application.decided_at >= _utc(date(year, 1, 1)),
               Application.decided_at < _utc(date(year + 1, 1, 1)))
        .group_by(Application.household_id, Application.programme)).all()
    out: dict[int, dict] = {}
    for household_id, programme, total in rows:
        out.setdefault(household_id, {})[COUNTED[programme]] = float(total or 0)
    return out


def monthly_paid(amount, decided: date, changes: list, year: int, offset: int) -> float:
    """What a monthly aid paid in `year`: `amount` each month from the first paid month, or
    what decided review items changed it to from their effective month."""
    first_paid = notify.month_after(decided, offset)
    total = 0.0
    for month in range(1, 13):
        first = date(year, month, 1)
        if first < first_paid:
            continue
        paid = amount
        for on, _, value in changes:
            if on is not None and on <= first:
                paid = value
        total += float(paid or 0)
    return round(total, 2)


def _recipients(rows, day: date, offset: int) -> tuple[list[Recipient], list[dict]]:
    """The rules' inputs and what the item records, for one chunk of rows."""
    changes = _decided_changes([row.id for row in rows])
    aid = _counted_aid(sorted({row.household_id for row in rows if row.household_id}), day.year - 1)
    recipients, extra = [], []
    for row in rows:
        programme, amount = row.programme, row.decision_amount
        for _, new_programme, new_amount in changes.get(row.id, []):
            programme, amount = new_programme, new_amount
        counted = aid.get(row.household_id, {})
        situation = dict(row.situation or {})
        declared_this_year = str(situation.get("date", ""))[:4] == str(day.year)
        for key in COUNTED.values():
            # What the family declared on an application made this year is about the same
            # last year; the larger of it and what the system paid (never both: no double count).
            declared = situation.get(key, 0) if declared_this_year else 0
            situation[key] = max(declared if isinstance(declared, (int, float)) else 0, counted.get(key, 0))
        situation["date"] = day.isoformat()
        decided = local_date(row.decided_at)
        living = monthly_paid(row.decision_amount, decided, changes.get(row.id, []), day.year - 1, offset) \
            if row.programme != "dishouru" else 0.0
        recipients.append(Recipient(programme, float(amount) if amount is not None else None, situation))
        extra.append({"application_id": row.id, "household_id": row.household_id, "district": row.district,
                      "medical": counted.get("prior_year_medical_aid", 0.0),
                      "education": counted.get("prior_year_education_aid", 0.0), "living": living})
    return recipients, extra


# ---- a run ---------------------------------------------------------------------------------------

def start(day: date, by: str, chunk_size: int = CHUNK_SIZE, again: bool = False) -> Run:
    """The unfinished run for `day` (to resume), or a new one. Refuses a second run for a day
    already reviewed unless `again`, and a new run while another day's run is unfinished."""
    standards.ensure_current(force=True)
    if day < date(2018, 1, 1):
        raise AnnualError("复核日期太早：年度复核要用到上一年的救助记录，请选择2018年以后的日期。")
    running = Session.scalars(select(Run).where(Run.state == "running").order_by(Run.id)).first()
    if running is not None:
        if running.review_date != day:
            raise AnnualError(f"{running.review_date.isoformat()}的年度复核（第{running.id}次）还没有完成，"
                              f"请先运行 review annual --date {running.review_date.isoformat()} 把它做完。")
        return running
    done = Session.scalar(select(Run.id).where(Run.review_date == day, Run.state == "done"))
    if done is not None and not again:
        raise AnnualError(f"{day.isoformat()}的年度复核已经做过（第{done}次）；确实要再做一次请加 --again。")
    run = Run(review_date=day, chunk_size=chunk_size, started_by=by, counts={},
              rules=f"{policy.RULES_VERSION}/{standards.version_label()}")
    Session.add(run)
    Session.flush()
    return run


def step(run: Run) -> int:
    """Review the next chunk of `run`: add its items and move the cursor (the caller commits).
    Returns how many recipients it reviewed; 0 when the run is finished."""
    run = Session.get(Run, run.id, with_for_update=True, populate_existing=True)
    if run.state == "done":
        return 0
    day = run.review_date
    rows = _current(run.cursor, run.chunk_size, day)
    if not rows:
        run.state, run.finished_at = "done", utcnow()
        return 0
    offset = int(notify._parameter("process.payment.start_months_after_decision", day))
    recipients, extra = _recipients(rows, day, offset)
    counts = dict(run.counts or {})
    for recipient, proposal, more in zip(recipients, rules_step(recipients), extra):
        Session.add(Item(
            run_id=run.id, application_id=more["application_id"], household_id=more["household_id"],
            district=more["district"], programme=recipient.programme, current_amount=recipient.amount,
            outcome=proposal.outcome, proposed_programme=proposal.programme, proposed_amount=proposal.amount,
            medical_aid_counted=more["medical"], education_aid_counted=more["education"],
            living_aid_paid=more["living"], figures=proposal.figures,
            reasons=_counted_reason(more) + reasons(recipient, proposal),
            state="none" if proposal.outcome == "continue" else "pending"))
        counts[proposal.outcome] = counts.get(proposal.outcome, 0) + 1
    run.counts = counts
    run.processed += len(rows)
    run.cursor = rows[-1].id
    Session.flush()
    return len(rows)


def _counted_reason(more: dict) -> list[str]:
    if not (more["medical"] or more["education"]):
        return []
    parts = [f"{label}{notify.money(more[key])}元" for key, label in
             (("medical", "医疗救助"), ("education", "教育救助")) if more[key]]
    return [f"上年度政府发放的{'、'.join(parts)}已视同家庭支出计算。"]


def remaining(run: Run) -> int:
    """Recipients the run has still to review (for a progress bar)."""
    return 0 if run.state == "done" else count_current(run.review_date, run.cursor)


# ---- reviewers' decisions ----------------------------------------------------------------------

def items(staff: StaffUser, run_id: int, state: str | None = "pending", limit: int = 200) -> list[Item]:
    stmt = select(Item).where(Item.run_id == run_id, Item.outcome != "continue")
    if state:
        stmt = stmt.where(Item.state == state)
    if not access.city_wide(staff):
        stmt = stmt.where(Item.district == staff.district)
    return list(Session.scalars(stmt.order_by(Item.id).limit(limit)))


def decide(item_id: int, staff: StaffUser, accept: bool, note: str | None = None) -> Item:
    """A reviewer's decision on a proposal. Accepting changes or stops the aid from the month
    payment starts after the decision, and tells the resident why and what they may do.
    The caller commits."""
    access.require(staff, "decide")
    item = Session.get(Item, item_id, with_for_update=True, populate_existing=True)
    if item is None or (not access.city_wide(staff) and item.district != staff.district):
        raise AnnualError("没有找到这条复核结果。")
    if item.state != "pending":
        raise AnnualError("这条复核结果已经处理过了，请刷新页面。")
    note = (note or "").strip() or None
    if note and len(note) > 500:
        raise AnnualError("说明请控制在500字以内。")
    if not accept and not note:
        raise AnnualError("不采纳复核建议时，请写明原因（例如：已入户核实，家庭情况没有变化）。")
    today = local_date(utcnow())
    item.state = "accepted" if accept else "rejected"
    item.decided_by, item.decided_at, item.note = staff.username, utcnow(), note
    if accept:
        item.effective_on = notify.month_after(
            today, int(notify._parameter("process.payment.start_months_after_decision", today)))
    audit.record(staff, "annual_review_accept" if accept else "annual_review_reject", "annual_review_item",
                 item.id, item.district, application=item.application_id, outcome=item.outcome)
    if accept:
        _tell(item, today)
    return item


def _tell(item: Item, today: date) -> None:
    app = Session.get(Application, item.application_id)
    cut = item.outcome == "stop" or (item.proposed_amount is not None and item.current_amount is not None
                                     and item.proposed_amount < item.current_amount) \
        or item.proposed_programme != item.programme
    text, remark = _env.get_template("annual_decision.txt").render(
        application_id=app.id, programme=labels.programme(item.programme),
        new_programme=labels.programme(item.proposed_programme) if item.proposed_programme else None,
        outcome=item.outcome, amount=None if item.proposed_amount is None else notify.money(item.proposed_amount),
        start=f"{item.effective_on.year}年{item.effective_on.month}月", reasons=item.reasons, cut=cut,
        review_days=notify._parameter("process.rights.administrative_review_days", today),
        litigation_months=notify._parameter("process.rights.administrative_litigation_months", today),
    ).split("\n---\n")
    notify._send(app, text.strip(), "年度复核结果", remark.strip(), decision=True)


def runs(limit: int = 20) -> list[Run]:
    return list(Session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))


def pending_counts(run_id: int, staff: StaffUser) -> dict:
    stmt = select(Item.state, func.count()).where(Item.run_id == run_id, Item.outcome != "continue")
    if not access.city_wide(staff):
        stmt = stmt.where(Item.district == staff.district)
    return dict(Session.execute(stmt.group_by(Item.state)).all())
