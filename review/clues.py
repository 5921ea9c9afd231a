"""Clues from volunteers and organisations (notice 三㈢): triaged into a household record
(an existing one when the family is already known) and a visit, or closed with a reason.
The reporter is told the outcome, as the form promised (处理结果也会告诉您); an urgent clue
opened a case for staff when it came in (review/intake.py). The caller commits."""
from __future__ import annotations

import re

from sqlalchemy import case, select

from models import DISTRICTS, Clue, Household, Member, Session, StaffUser, pii

from . import access, audit, notify, privacy, visits
from .errors import InvalidTransition, ReviewError

MAX_REASON = 500
# The clue list: urgent first, then those needed within days, newest first within each.
ORDER = (case((Clue.urgency == "urgent", 0), (Clue.urgency == "soon", 1), else_=2), Clue.created_at.desc(),
         Clue.id.desc())
_SPACES = re.compile(r"[\s,，。、·\-—]+")


def reported_address(clue: Clue) -> str | None:
    """The address the reporter typed (kept inside the sealed description)."""
    found = re.search(r"地址：([^；]+)", clue.description or "")
    return found.group(1).strip() if found else None


def _same_address(a: str | None, b: str | None) -> bool:
    return bool(a and b) and _SPACES.sub("", a) == _SPACES.sub("", b)


def matches(staff: StaffUser, district: str | None, street: str | None, address: str | None,
            id_number: str | None = None) -> list[Household]:
    """Household records the clue's family may already have, in the staff member's scope:
    by a member's identity number (the blind index), else by the same address in the same
    street (addresses are sealed, so compared once read)."""
    found: list[Household] = []
    if id_number and id_number.strip():
        index = pii.blind_index(id_number)
        found = list(Session.scalars(select(Household).join(Member, Member.household_id == Household.id)
                                     .where(Member.id_number_index == index).distinct()).all())
    elif address and district:
        nearby = select(Household).where(Household.district == district)
        if street:
            nearby = nearby.where(Household.street == street)
        found = [h for h in Session.scalars(nearby.order_by(Household.id).limit(2000)).all()
                 if _same_address(h.address, address)]
    return [h for h in found if access.city_wide(staff) or h.district == staff.district]


def view(staff: StaffUser, clue: Clue) -> dict:
    """The clue page of a clue in scope. The description holds what the volunteer typed about
    the person (their phone among it): whole, or with numbers masked, as this viewer may see
    them. Writes view_pii or view_clue to the audit log; the caller commits."""
    whole = access.sees_pii(staff, clue.district, clue.street)
    audit.record(staff, "view_pii" if whole else "view_clue", "clue", clue.id, clue.district)
    address = reported_address(clue)
    return {"clue": clue, "whole": whole, "description": privacy.shown(clue.description, whole),
            "known_households": matches(staff, clue.district, clue.street, address) if clue.state == "new" else [],
            "phone": privacy.shown(clue.reporter_phone, whole, number=True),
            "close_reason": privacy.shown(clue.close_reason, whole)}


def triage(clue: Clue, staff: StaffUser, district: str | None, street: str | None, address: str | None,
           visit_date, visitors: str, findings: str | None, causes: list[str], needs: str | None,
           *, id_number: str | None = None, household_id: int | None = None):
    """Record the visit that checked the clue, on the family's household record: the one
    staff picked (the page offers those at the same address), else the one the identity
    number finds, else a new one. The reporter is told."""
    access.require(staff, "casework")
    _new(clue)
    district = district or clue.district
    if not access.city_wide(staff):
        district = staff.district  # district staff file households of their own district only
    if district not in DISTRICTS:
        raise ReviewError("请选择线索所在的区。")
    street = (street or "").strip() or clue.street
    address = (address or "").strip() or None
    id_number = (id_number or "").strip().upper() or None
    if id_number and not re.fullmatch(r"\d{17}[\dX]", id_number):
        raise ReviewError("身份证号应为18位（最后一位可以是X），不知道可以不填。")
    if household_id:
        household = Session.get(Household, household_id)
        if household is None or not (access.city_wide(staff) or household.district == staff.district):
            raise ReviewError("没有找到这个家庭档案，请核对档案编号。")
    else:
        # An identity number staff verified finds the family's record; a matching address is
        # only offered on the clue page (two families can share one), for staff to pick.
        found = matches(staff, district, street, None, id_number) if id_number else []
        household = found[0] if found else None
    if household is None:
        household = Household(district=district, street=street, address=address)
        if id_number:
            household.members = [Member(position=0, id_number=id_number, id_number_index=pii.blind_index(id_number))]
        Session.add(household)
        Session.flush()
    visit = visits.add_visit(staff, household, visit_date, visitors, findings, causes, needs)
    clue.state, clue.household_id, clue.visit_id = "triaged", household.id, visit.id
    clue.district, clue.street = household.district, household.street
    audit.record(staff, "triage_clue", "clue", clue.id, household.district, household=household.id, visit=visit.id)
    notify.clue_outcome(clue, "triaged")
    return household, visit


def close(clue: Clue, staff: StaffUser, reason: str) -> Clue:
    access.require(staff, "casework")
    _new(clue)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise ReviewError(f"请写明关闭的原因（{MAX_REASON}字以内）。")
    clue.state, clue.close_reason = "closed", reason
    audit.record(staff, "close_clue", "clue", clue.id, clue.district)
    notify.clue_outcome(clue, "closed")
    return clue


def _new(clue: Clue) -> None:
    if clue.state != "new":
        raise InvalidTransition("这条线索已经处理过了。")
