"""主动发现 (notice 二㈡, 四㈡): every known household assessed in one vectorised run.

`discover(today)`:
- builds each household's situation from what the registries said of its members (age from
  the identity number, disability, schooling, unemployment, last year's medical spending);
- assesses them all in ONE `policy.assess_many` call;
- opens an education-aid (jiaoyu) case, without an application, for each eligible student:
  a student of a household on 民政's 低保 roll or with a person on the 特困 roll (民政 decided
  that already), or one the rules find eligible on the disability grounds (the student or a
  parent holds a certificate). The case goes to the district's queue like any application;
- lists households that look eligible for 特困 / 低保 / 低收入 and have not applied on the
  caseworkers' worklist with the reason in Chinese. Never a decision: the rules read unknown
  income as none, so a caseworker checks before anything is paid.

Registries say nothing of a family's income. So that an unknown income cannot make a student
eligible "by the income test", the education-aid question is asked of a copy of the situation
with the income-tested programmes switched off (every one of them requires Xiamen 户籍, so the
copy says "not 户籍"): only the disability grounds remain for the rules to decide.

The parts add rows; the edge (command or job) commits, then calls `notify_pending` to tell the
families (each push is recorded and queued by channels, once per case: the dedupe key).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select

import policy
from models import Application, Household, Member, Resident, Session, Transition, utcnow
from models.registry import AutoCase, DiscoveryItem, RegistryFact
from models.tabular import months_since
from review import labels, routing
from review.errors import ReviewError

from .registries import DISABILITY_KINDS, STAGES

# Worklist triage, not a rule of the notice: below these a registry row alone says little of
# hardship (everyone pays something for medicine; a short spell out of work is common).
HIGH_MEDICAL = 10_000  # 元 of last year's out-of-pocket spending
LONG_UNEMPLOYED_MONTHS = 12
# 特困 comes before 低保 (domain: 特困 is served as 特困); 低收入 is what remains.
LIKELY = ("tekun", "dibao", "dishouru")
APPLIED_STATES = ("submitted", "in_review", "need_documents", "approved", "rejected")
GRADE_WORDS = {1: "一", 2: "二", 3: "三", 4: "四"}
PARENTS = ("本人", "户主", "配偶", "self", "spouse")
CHILDREN = ("子女", "child")

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass
class Outcome:
    households: int = 0
    assessed: int = 0
    cases: list[int] = field(default_factory=list)  # AutoCase ids opened
    worklist_added: int = 0
    worklist_updated: int = 0
    no_district: int = 0

    def summary(self) -> str:
        return (f"评估 {self.assessed} 户（共 {self.households} 户）；主动开启教育救助 {len(self.cases)} 件；"
                f"待核实名单新增 {self.worklist_added} 户、更新 {self.worklist_updated} 户"
                + (f"；{self.no_district} 名学生不知道住在哪个区，已列入市级待办" if self.no_district else ""))


# ---- what we know of a household ----------------------------------------------------------------

@dataclass
class Known:
    household: Household
    members: list[Member]  # those with a known age, in order: situation position = list position
    facts: dict[int, dict[str, dict]]  # member id -> kind -> data
    medical: dict  # {"out_of_pocket", "medical_aid_paid"} of last year
    roll: set[str]  # programmes of 民政's roll held by a member


def _wan(amount: float) -> str:
    if amount >= 10_000:
        return f"{amount / 10_000:.1f}".rstrip("0").rstrip(".") + " 万"
    return f"{amount:,.0f} 元"


def disability_words(data: dict) -> str:
    return f"{GRADE_WORDS[data['grade']]}级{DISABILITY_KINDS[data['kind']]}残疾"


def load(today: date | None = None) -> list[Known]:
    """Every household with a member of known age, with its registry facts."""
    today = today or routing.local_date(utcnow())
    households = select(Household).order_by(Household.id)
    by_id = {h.id: h for h in Session.scalars(households)}
    members: dict[int, list[Member]] = defaultdict(list)
    rows = select(Member).where(Member.birth_year.is_not(None)).order_by(Member.household_id, Member.position, Member.id)
    for member in Session.scalars(rows):
        members[member.household_id].append(member)
    facts: dict[int, dict[int, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
    medical: dict[int, dict] = defaultdict(lambda: {"out_of_pocket": 0.0, "medical_aid_paid": 0.0})
    roll: dict[int, set[str]] = defaultdict(set)
    for fact in Session.scalars(select(RegistryFact)):
        if fact.kind == "medical":
            if fact.data["year"] == today.year - 1:  # last year's spending counts (二㈠)
                medical[fact.household_id]["out_of_pocket"] += fact.data["out_of_pocket"]
                medical[fact.household_id]["medical_aid_paid"] += fact.data["medical_aid_paid"]
            continue
        if fact.kind == "dibao_roll":
            roll[fact.household_id].add(fact.data["programme"])
        if fact.member_id is not None:
            facts[fact.household_id][fact.member_id][fact.kind] = fact.data
    return [Known(household=by_id[hid], members=members[hid], facts=facts[hid], medical=medical[hid],
                  roll=roll[hid]) for hid in by_id if members.get(hid)]


def situation(known: Known, today: date) -> dict:
    """The household situation of interfaces.md, from the registries' facts."""
    disabled = {m.id_number_index for m in known.members if "disability" in known.facts[m.id]}
    parent_disabled = any(m.id_number_index in disabled for m in known.members if m.relation in PARENTS)
    members = []
    for member in known.members:
        facts = known.facts[member.id]
        person = {"age": min(max(today.year - member.birth_year, 0), 120)}
        if member.sex in ("male", "female"):
            person["sex"] = member.sex
        if "disability" in facts:
            person["disability"] = {"kind": facts["disability"]["kind"], "grade": facts["disability"]["grade"]}
        if "students" in facts:
            student = facts["students"]
            person["student_stage"] = student["stage"]
            person["boarding"] = student["boarding"]
            # The guardian named by 教育's roll, or the household's 本人 / 配偶 for a 子女 (domain).
            person["parent_disabled"] = (student.get("guardian_index") in disabled
                                         or (member.relation in CHILDREN and parent_disabled))
        if "unemployment" in facts:
            person["registered_unemployed"] = True
            person["unemployed_months"] = min(months_since(date.fromisoformat(facts["unemployment"]["registered_on"]), today), 1200)
        members.append(person)
    return {"date": today.isoformat(), "hukou_xiamen": bool(known.household.hukou_xiamen), "members": members,
            "annual_medical_expense": known.medical["out_of_pocket"],
            "prior_year_medical_aid": known.medical["medical_aid_paid"]}


def without_income_test(one: dict) -> dict:
    """The same household with the income-tested programmes switched off (see the module note)."""
    return {**one, "hukou_xiamen": False}


def students(known: Known) -> list[int]:
    return [i for i, m in enumerate(known.members) if "students" in known.facts[m.id]]


def hardship(known: Known, today: date) -> list[str]:
    """What the registries say that makes a caseworker look: disability, high medical
    spending, long unemployment; in words."""
    parts = []
    for member in known.members:
        facts = known.facts[member.id]
        if "disability" in facts:
            parts.append("残联登记" + disability_words(facts["disability"]))
        if "unemployment" in facts:
            months = months_since(date.fromisoformat(facts["unemployment"]["registered_on"]), today)
            if months >= LONG_UNEMPLOYED_MONTHS:
                parts.append(f"失业登记 {months} 个月")
    if known.medical["out_of_pocket"] >= HIGH_MEDICAL:
        parts.append(f"医保自付 {_wan(known.medical['out_of_pocket'])}")
    return parts


# ---- the run -----------------------------------------------------------------------------------

def discover(today: date | None = None) -> Outcome:
    """Assess every known household and add cases and worklist items; the caller commits."""
    today = today or routing.local_date(utcnow())
    everyone = load(today)
    outcome = Outcome(households=len(everyone))
    with_students = [k for k in everyone if students(k)]
    situations = [situation(k, today) for k in everyone]
    index = {k.household.id: i for i, k in enumerate(everyone)}
    extra = [without_income_test(situations[index[k.household.id]]) for k in with_students]
    answers = policy.assess_many(situations + extra) if situations else []
    outcome.assessed = len(situations)
    applied = _applied({k.household.id for k in everyone})
    opened = _opened(today.year)
    for known, answer in zip(with_students, answers[len(situations):]):
        by_rules = set(answer["programmes"]["jiaoyu"]["students"])
        for position in students(known):
            member = known.members[position]
            if member.id_number_index in opened:
                continue
            grounds = education_grounds(known, position, position in by_rules)
            if grounds is None or ("jiaoyu", known.household.id) in applied:
                continue
            one = situations[index[known.household.id]]
            case = open_jiaoyu_case(Session, known.household, member, one["members"][position]["student_stage"],
                                    one, member.id_number_index, grounds, today, "registry")
            if case is None:
                outcome.no_district += 1
            else:
                outcome.cases.append(case.id)
                opened.add(member.id_number_index)
    for known, answer in zip(everyone, answers[:len(situations)]):
        _worklist(known, answer, applied, today, outcome)
    Session.flush()
    return outcome


def education_grounds(known: Known, position: int, by_rules: bool) -> str | None:
    """Why a student gets education aid (plain Chinese), or None."""
    facts = known.facts[known.members[position].id]
    if "dibao" in known.roll:
        return "家庭在民政低保名册中"
    if "tekun" in known.roll:
        return "家庭有民政认定的特困人员"
    if by_rules:
        return "学生本人持有残疾人证" if "disability" in facts else "父母持有残疾人证"
    return None


def _applied(household_ids: set[int]) -> set[tuple[str, int]]:
    """(programme, household) of every application a family made (automatic cases excluded)."""
    automatic = select(AutoCase.application_id)
    rows = Session.execute(select(Application.programme, Application.household_id).where(
        Application.state.in_(APPLIED_STATES), Application.household_id.is_not(None),
        Application.id.not_in(automatic))).all()
    return {(p, h) for p, h in rows if h in household_ids}


def _opened(year: int, programme: str = "jiaoyu") -> set[str]:
    return set(Session.scalars(select(AutoCase.person_key).where(AutoCase.programme == programme,
                                                                 AutoCase.year == year)))


def _worklist(known: Known, answer: dict, applied, today: date, outcome: Outcome) -> None:
    parts = hardship(known, today)
    if not parts:
        return
    household = known.household
    for programme in LIKELY:
        on_roll = programme in known.roll or (programme != "tekun" and known.roll & {"dibao", "tekun"})
        if not answer["programmes"][programme]["eligible"] or on_roll or (programme, household.id) in applied:
            continue
        added = add_item(Session, household, "likely_eligible", programme, "，".join(parts + ["未申请"]))
        if added is True:
            outcome.worklist_added += 1
        elif added is False:
            outcome.worklist_updated += 1
        return  # the programme that serves the family best; the caseworker sees the rest


def add_item(session, household: Household, kind: str, programme: str, reason: str,
             source_application_id: int | None = None):
    """A worklist item once per household, kind and programme: True added, False reason
    updated, None unchanged (or closed by a caseworker: never reopened by a rerun)."""
    item = session.scalar(select(DiscoveryItem).where(
        DiscoveryItem.household_id == household.id, DiscoveryItem.kind == kind,
        DiscoveryItem.programme == programme))
    if item is None:
        session.add(DiscoveryItem(household_id=household.id, kind=kind, programme=programme, reason=reason,
                                  district=household.district or "", street=household.street,
                                  source_application_id=source_application_id))
        session.flush()
        return True
    if item.state == "open" and item.reason != reason:
        item.reason = reason
        return False
    return None


# ---- an education-aid case without an application ------------------------------------------------

def open_jiaoyu_case(session, household: Household, student: Member | None, stage: str | None, situation_: dict,
                     person_key: str, grounds: str, today: date, trigger: str,
                     applicant: Member | None = None) -> AutoCase | None:
    """An education-aid application opened for the family, submitted and routed to the
    district's queue with its deadline; None (and a city-level worklist item) when the
    household's district is unknown. The caller checked that no case exists for the student."""
    now = utcnow()
    name = student.name if student is not None and student.name else "学生"
    payee = applicant or guardian(household, student)
    app = Application(household_id=household.id, openid=_openid(session, household.id), programme="jiaoyu",
                      form_id="jiaoyu", state="draft", district=household.district or "", street=household.street,
                      applicant_name=(payee.name if payee is not None else None) or name,
                      applicant_id_number=payee.id_number if payee is not None else None,
                      answers={}, situation=situation_, checklist=[])
    try:
        counted = routing.route(app, now)
    except ReviewError:
        add_item(session, household, "no_district", "jiaoyu",
                 f"{name}（{STAGES.get(stage, '在读')}）符合教育救助条件（{grounds}），但不知道家住哪个区："
                 "请核实住址，填上所在区后再运行主动发现。")
        return None
    verdict = policy.assess(situation_)
    app.state, app.submitted_at = "submitted", now
    app.deadline_at, app.deadline_note = routing.end_of_day(counted.day), counted.note
    app.verdict, app.rules_version = verdict, verdict.get("rules_version")
    session.add(app)
    session.flush()
    session.add(Transition(application_id=app.id, from_state=None, to_state="submitted", actor="system",
                           reason=f"主动发现：{name}（{STAGES.get(stage, '在读')}），{grounds}，无需申请"))
    case = AutoCase(application_id=app.id, household_id=household.id, programme="jiaoyu", person_key=person_key,
                    year=today.year, trigger=trigger,
                    note={"student": name, "stage": STAGES.get(stage, "在读"), "grounds": grounds})
    session.add(case)
    session.flush()
    return case


def guardian(household: Household, student: Member | None = None) -> Member | None:
    """The first parent of the household (other than `student`): who an aid is paid to."""
    for member in household.members:
        if member is not student and member.relation in PARENTS:
            return member
    return None


def _openid(session, household_id: int) -> str | None:
    """The WeChat user linked to the household, when there is one."""
    return session.scalar(select(Resident.openid).where(Resident.household_id == household_id)
                          .order_by(Resident.subscribed.desc(), Resident.id).limit(1))


# ---- telling the family ------------------------------------------------------------------------

def notify_pending() -> int:
    """A message to each family with a new automatic case and a WeChat link: what was opened
    and what comes next. Commits (channels record each push); a rerun sends nothing twice."""
    from channels import push

    rows = Session.execute(select(AutoCase, Application).join(Application, Application.id == AutoCase.application_id)
                           .where(AutoCase.notified_at.is_(None), Application.openid.is_not(None))
                           .order_by(AutoCase.id)).all()
    for case, app in rows:
        text = message(case, app)
        push.send(push.Contact(openid=app.openid, prefer=("wechat",)), purpose="jiaoyu_auto", text=text,
                  dedupe_key=f"auto-case-{case.id}")
        case.notified_at = utcnow()
        Session.commit()
    return len(rows)


def message(case: AutoCase, app: Application) -> str:
    due = routing.local_date(app.deadline_at)
    return _env.get_template(f"{case.programme}_opened.txt").render(
        app_id=app.id, programme=labels.programme(app.programme), note=case.note,
        district=app.district, due=f"{due.year}年{due.month}月{due.day}日").strip()
