"""Intake from the chat: the household record, the draft application and its documents.

One household record per family (notice 四㈢): an applicant already known by identity number
brings their household along, and every programme shares it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import (Application, ApplicationDocument, Household, Member, Resident, Session,
                    Transition, pii)


def open_draft(openid: str, form_id: str, programme: str, answers: dict, situation: dict,
               verdict: dict, checklist: list[dict]) -> Application:
    household = _household(openid, answers)
    application = Application(
        household=household, openid=openid, programme=programme, form_id=form_id, state="draft",
        district=answers.get("district") or household.district, street=answers.get("street"),
        applicant_name=answers.get("name"), applicant_id_number=answers.get("id_number"),
        applicant_phone=answers.get("phone"), answers=answers, situation=situation,
        verdict=verdict, rules_version=verdict.get("rules_version"), checklist=checklist,
    )
    application.transitions.append(Transition(from_state=None, to_state="draft", actor="resident",
                                              reason="在公众号填写完成"))
    Session.add(application)
    Session.commit()
    return application


def _household(openid: str, answers: dict) -> Household:
    id_number = answers.get("id_number")
    household = None
    if id_number:
        member = Session.scalar(select(Member).where(Member.id_number_index == pii.blind_index(id_number)))
        household = member.household if member else None
    if household is None:
        household = Household(district=answers.get("district") or "思明区", street=answers.get("street"),
                              address=answers.get("address"), hukou_xiamen=bool(answers.get("hukou_xiamen", True)))
        people = answers.get("members") or [{}]
        this_year = date.today().year
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
    resident = Session.scalar(select(Resident).where(Resident.openid == openid))
    if resident is not None:
        resident.household = household
        if answers.get("phone"):
            resident.phone = answers["phone"]
    return household


def attach(application_id: int, item_id: str, member: int | None, media_file_id: int) -> ApplicationDocument:
    """A photo for one checklist item; a new photo for the same item and member replaces the old."""
    existing = Session.scalar(select(ApplicationDocument).where(
        ApplicationDocument.application_id == application_id, ApplicationDocument.item_id == item_id,
        ApplicationDocument.member.is_(None) if member is None else ApplicationDocument.member == member))
    if existing is None:
        existing = ApplicationDocument(application_id=application_id, item_id=item_id, member=member)
        Session.add(existing)
    existing.media_file_id = media_file_id
    existing.state = "received"
    Session.commit()
    return existing


def detach(document_id: int) -> None:
    document = Session.get(ApplicationDocument, document_id)
    if document is not None:
        Session.delete(document)
        Session.commit()
