"""Intake from the chat (what the resident tells us before submitting): the household record, the draft application and its documents.

One household record per family (notice 四㈢): a resident's later applications share the
household of their first one.
"""
from __future__ import annotations

from sqlalchemy import select

from models import (Application, ApplicationDocument, Clue, Household, Member, Resident, Session,
                    Transition, pii)
from policy.situation import local_today

from . import escalations, profile


# Personal fields live in encrypted columns only, never in the answers kept as JSON.
PERSONAL = ("name", "id_number", "phone", "address", "subject_name", "subject_phone",
            "reporter_name", "reporter_phone", "email")


def without_personal(answers: dict) -> dict:
    return {k: v for k, v in answers.items() if k not in PERSONAL}


def open_draft(openid: str, form_id: str, programme: str, answers: dict, situation: dict,
               verdict: dict, checklist: list[dict]) -> Application:
    if profile.household_of(openid) is None and answers.get("id_number"):
        # Someone new typed a number a family already gave: never a link (what is typed into a
        # form proves nothing), but staff see it on that family's page, to confirm or not.
        profile.note_claim(openid, answers.get("name"), answers["id_number"], answers.get("phone"))
    household = _household(openid, answers)
    application = Application(
        household=household, openid=openid, programme=programme, form_id=form_id, state="draft",
        district=answers.get("district") or household.district, street=answers.get("street"),
        applicant_name=answers.get("name"), applicant_id_number=answers.get("id_number"),
        applicant_phone=answers.get("phone"), answers=without_personal(answers), situation=situation,
        verdict=verdict, rules_version=verdict.get("rules_version"), checklist=checklist,
    )
    application.transitions.append(Transition(from_state=None, to_state="draft", actor="resident",
                                              reason="在公众号填写完成"))
    Session.add(application)
    Session.flush()
    # The household's profile is what the next form starts from ("上次登记的家庭情况还对吗？").
    profile.remember(household, form_id, answers, f"resident:{openid}")
    Session.commit()
    return application


def _household(openid: str, answers: dict) -> Household:
    """The resident's own household, or a new one.

    An identity number someone types proves nothing: anyone can type a neighbour's. So a
    typed number never joins an existing family; only a household this WeChat account is
    already linked to is reused (its own first application made it, or it was verified:
    review.profile.link_request, or staff confirmed it). Two records for one family are merged by staff, which is
    far less harmful than a stranger reading and changing a family's record.
    """
    id_number = answers.get("id_number")
    resident = Session.scalar(select(Resident).where(Resident.openid == openid))
    household = resident.household if resident is not None else None
    if household is None:
        household = Household(district=answers.get("district") or "思明区", street=answers.get("street"),
                              address=answers.get("address"), hukou_xiamen=bool(answers.get("hukou_xiamen", True)))
        people = answers.get("members") or [{}]
        this_year = local_today().year
        household.members = [
            Member(position=i, relation="申请人" if i == 0 else None, sex=person.get("sex"),
                   birth_year=this_year - person["age"] if isinstance(person.get("age"), int) else None)
            for i, person in enumerate(people)
        ]
        household.members[0].name = answers.get("name")
        if id_number:
            household.members[0].id_number = id_number
            household.members[0].id_number_index = pii.blind_index(id_number)
        Session.add(household)
    if resident is None:
        # Their first application makes their household: later ones share it.
        resident = Resident(openid=openid)
        Session.add(resident)
    resident.household = household
    if answers.get("phone"):
        resident.phone = answers["phone"]
    return household


def detach(document_id: int) -> None:
    """A photo that cannot count (unreadable, or the same as another): the slot is empty again."""
    document = Session.get(ApplicationDocument, document_id)
    if document is not None:
        Session.delete(document)
        Session.commit()


def report_clue(openid: str, answers: dict) -> Clue:
    """The clue, and for an urgent one a case for staff; the caller (the chat's turn) commits."""
    # Who and where go into the encrypted description; the JSON keeps only what is not personal.
    parts = [("需要帮助的人", answers.get("subject_name")), ("联系电话", answers.get("subject_phone")),
             ("地址", answers.get("address")), ("情况", answers.get("what")),
             ("反映人", answers.get("reporter_name")), ("反映人单位", answers.get("reporter_org"))]
    clue = Clue(reporter_openid=openid, reporter_phone=answers.get("reporter_phone"),
                district=answers.get("district"), location=answers.get("location"),
                description="；".join(f"{label}：{value}" for label, value in parts if value),
                urgency=answers.get("urgency") or "normal", answers=without_personal(answers))
    Session.add(clue)
    Session.flush()
    if clue.urgency == "urgent":  # 今天就需要帮助: staff hear of it at once, not when they open the list
        escalations.escalate_clue(clue, f"志愿者反映的紧急线索（线索编号{clue.id}）：{answers.get('what') or ''}"[:500])
    return clue
