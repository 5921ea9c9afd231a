"""Linked programmes (notice 四㈢ 自动对接): an approval in one programme checks the others for
the same household.

- 低保 or 特困 approved → education aid for each student of the household (a case opened
  without an application, as `discover` does), and the medical-assistance flag (医疗救助 covers
  低保 and 特困 people, domain 二㈢) on the caseworkers' worklist;
- and when the household's house has a danger grade (C or D) → a 危房改造 item with what the
  rules say of the subsidy (二㈣: 低保 households and 分散供养特困 people).

`after_decision(session, application)` only adds rows; the edge that approved commits (and
then calls `discovery.cases.notify_pending` to tell the family of a new case).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

import policy
from models import Application, Household, Member, utcnow
from models.registry import AutoCase, RegistryFact
from review import labels
from review.routing import local_date

from .cases import add_item, guardian, open_jiaoyu_case

TRIGGERS = ("dibao", "tekun")


def after_decision(session, application: Application) -> dict:
    """What the decision on `application` opened: {"cases": [AutoCase ids], "items": [programmes]}."""
    opened = {"cases": [], "items": []}
    if application.state != "approved" or application.programme not in TRIGGERS or application.household_id is None:
        return opened
    household = session.get(Household, application.household_id)
    today = local_date(application.decided_at) if application.decided_at else local_date(utcnow())
    what = f"{labels.programme(application.programme)}已批准（编号{application.id}）"
    situation = application.situation or {}
    for stage, member, key in _students(session, application, household):
        if session.scalar(select(AutoCase.id).where(AutoCase.programme == "jiaoyu", AutoCase.person_key == key,
                                                    AutoCase.year == today.year)):
            continue
        case = open_jiaoyu_case(session, household, member, stage, _with_date(situation, today), key,
                                f"家庭的{what}", today, "linked", applicant=guardian(household))
        if case is not None:
            opened["cases"].append(case.id)
    people = "特困人员" if application.programme == "tekun" else "低保家庭成员"
    if add_item(session, household, "linked", "yiliao",
                f"{what}：请将{people}纳入医疗救助对象，就医自付部分按医疗救助比例报销，并在医保系统中标记。",
                application.id) is not None:
        opened["items"].append("yiliao")
    housing = situation.get("housing") or {}
    if housing.get("grade") in ("C", "D"):
        subsidy = policy.assess(_with_date(situation, today))["programmes"]["weifang"]
        grade = "D级（整体危险）" if housing["grade"] == "D" else "C级（局部危险）"
        money = f"，按规则估算补助 {subsidy['subsidy']:,.0f} 元" if subsidy.get("eligible") else "，请核实是否符合条件"
        if add_item(session, household, "linked", "weifang",
                    f"{what}，住房为{grade}危房{money}：请联系家庭办理农村危房改造。", application.id) is not None:
            opened["items"].append("weifang")
    session.flush()
    return opened


def _with_date(situation: dict, today: date) -> dict:
    return {**situation, "date": today.isoformat()} if situation.get("members") else {
        "date": today.isoformat(), "members": [{"age": 30}]}


def _students(session, application: Application, household: Household) -> list[tuple[str, Member | None, str]]:
    """(stage, member, person key) of each student: those the application's answers name, and
    those 教育's roll lists in the household."""
    found, keys = [], set()
    members = {m.position: m for m in household.members}
    for position, answer in enumerate((application.situation or {}).get("members") or []):
        if not answer.get("student_stage"):
            continue
        member = members.get(position)
        key = member.id_number_index if member is not None and member.id_number_index else f"app{application.id}:{position}"
        found.append((answer["student_stage"], member, key))
        keys.add(key)
    rows = session.scalars(select(RegistryFact).where(RegistryFact.household_id == household.id,
                                                      RegistryFact.kind == "students")).all()
    for fact in rows:
        if fact.person_index in keys:
            continue
        member = session.get(Member, fact.member_id) if fact.member_id else None
        found.append((fact.data["stage"], member, fact.person_index))
        keys.add(fact.person_index)
    return found


