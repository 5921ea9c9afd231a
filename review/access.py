"""Who may see and do what. Every console query starts from a scoped select here, so a case
outside a staff member's district is never listed, counted or opened (the console answers
404 for it, as for a case that does not exist).

- admin: the whole city (district 厦门市), including cases not yet placed in a district.
- reviewer: their district; decides applications.
- caseworker: their district, read-only for applications; works escalations, visits and clues.
  Identity and phone numbers are shown whole to reviewers and admins, and to a caseworker
  only for households of their own street (街道 / 镇); everyone else sees them masked.
"""
from __future__ import annotations

from sqlalchemy import Select, select

from models import Application, Clue, Escalation, Household, StaffUser, Visit, pii

from .errors import NotAllowed

# action -> roles allowed (the object must also be in scope)
PERMISSIONS = {
    "decide": frozenset({"reviewer", "admin"}),  # claim, assign, approve, reject, request documents
    "casework": frozenset({"caseworker", "reviewer", "admin"}),  # escalate, notes, visits, clues
    "audit": frozenset({"admin"}),
}


def can(staff: StaffUser, action: str) -> bool:
    return staff.role in PERMISSIONS[action]


def require(staff: StaffUser, action: str) -> None:
    if not can(staff, action):
        raise NotAllowed("您的账号没有这项操作的权限。")


def city_wide(staff: StaffUser) -> bool:
    return staff.role == "admin"


def _in_district(stmt: Select, column, staff: StaffUser) -> Select:
    return stmt if city_wide(staff) else stmt.where(column == staff.district)


def applications(staff: StaffUser) -> Select:
    """Applications staff may see: submitted ones (a draft is still the resident's)."""
    stmt = select(Application).where(Application.state != "draft")
    return _in_district(stmt, Application.district, staff)


def escalations(staff: StaffUser) -> Select:
    return _in_district(select(Escalation), Escalation.district, staff)


def visits(staff: StaffUser) -> Select:
    return _in_district(select(Visit), Visit.district, staff)


def clues(staff: StaffUser) -> Select:
    return _in_district(select(Clue), Clue.district, staff)


def households(staff: StaffUser) -> Select:
    return _in_district(select(Household), Household.district, staff)


def sees_pii(staff: StaffUser, district: str | None, street: str | None) -> bool:
    """Whole identity and phone numbers for a case of this district and street?"""
    if staff.role == "admin":
        return True
    if district != staff.district:
        return False
    if staff.role == "reviewer":
        return True
    return bool(staff.street) and street == staff.street


def masked_name(name: str | None) -> str:
    """陈** : what a list shows of a name."""
    return name[0] + "*" * (len(name) - 1) if name else ""


def identity(staff: StaffUser, district: str | None, street: str | None, name: str | None,
             id_number: str | None, phone: str | None) -> dict:
    """What a case page shows of the applicant: whole, or masked like a list."""
    whole = sees_pii(staff, district, street)
    if whole:
        return {"whole": True, "name": name or "", "id_number": id_number or "", "phone": phone or ""}
    return {"whole": False, "name": masked_name(name), "id_number": pii.mask(id_number),
            "phone": pii.mask(phone)}
