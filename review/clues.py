"""Clues from volunteers and organisations (notice 三㈢): triaged into a household record
and a visit, or closed with a reason."""
from __future__ import annotations

from models import DISTRICTS, Clue, Household, Session, StaffUser

from . import access, audit, privacy, visits
from .errors import InvalidTransition, ReviewError

MAX_REASON = 500


def view(staff: StaffUser, clue: Clue) -> dict:
    """The clue page of a clue in scope. The description holds what the volunteer typed about
    the person (their phone among it): whole, or with numbers masked, as this viewer may see
    them. Writes view_pii or view_clue to the audit log; the caller commits."""
    whole = access.sees_pii(staff, clue.district, clue.street)
    audit.record(staff, "view_pii" if whole else "view_clue", "clue", clue.id, clue.district)
    return {"clue": clue, "whole": whole, "description": privacy.shown(clue.description, whole),
            "phone": privacy.shown(clue.reporter_phone, whole, number=True),
            "close_reason": privacy.shown(clue.close_reason, whole)}


def triage(clue: Clue, staff: StaffUser, district: str | None, street: str | None, address: str | None,
           visit_date, visitors: str, findings: str | None, causes: list[str], needs: str | None):
    """Open a household record where the clue points and record the visit that checked it."""
    access.require(staff, "casework")
    _new(clue)
    district = district or clue.district
    if not access.city_wide(staff):
        district = staff.district  # district staff file households of their own district only
    if district not in DISTRICTS:
        raise ReviewError("请选择线索所在的区。")
    street = (street or "").strip() or clue.street
    household = Household(district=district, street=street, address=(address or "").strip() or None)
    Session.add(household)
    Session.flush()
    visit = visits.add_visit(staff, household, visit_date, visitors, findings, causes, needs)
    clue.state, clue.household_id, clue.visit_id = "triaged", household.id, visit.id
    clue.district, clue.street = district, street
    audit.record(staff, "triage_clue", "clue", clue.id, district, household=household.id, visit=visit.id)
    Session.commit()
    return household, visit


def close(clue: Clue, staff: StaffUser, reason: str) -> Clue:
    access.require(staff, "casework")
    _new(clue)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise ReviewError(f"请写明关闭的原因（{MAX_REASON}字以内）。")
    clue.state, clue.close_reason = "closed", reason
    audit.record(staff, "close_clue", "clue", clue.id, clue.district)
    Session.commit()
    return clue


def _new(clue: Clue) -> None:
    if clue.state != "new":
        raise InvalidTransition("这条线索已经处理过了。")
