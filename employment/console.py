"""What staff do on the console's 112 pages: openings entered by hand, filled positions,
112 home visits. Scoped like every console query (review.access); the caller commits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select

from models import DISTRICTS, Employer, Household, Opening, Recommendation, Seeker, SeekerVisit, Session, StaffUser
from review import access, audit, visits
from review.errors import ReviewError

from . import data
from .imports import EDUCATION, EMAIL


def openings(staff: StaffUser) -> Select:
    stmt = select(Opening)
    return stmt if access.city_wide(staff) else stmt.where(Opening.district == staff.district)


def seekers(staff: StaffUser) -> Select:
    stmt = select(Seeker)
    return stmt if access.city_wide(staff) else stmt.where(Seeker.district == staff.district)


def recommendation_counts(opening_ids: list[int]) -> dict[int, int]:
    if not opening_ids:
        return {}
    return dict(Session.execute(select(Recommendation.opening_id, func.count())
                                .where(Recommendation.opening_id.in_(opening_ids))
                                .group_by(Recommendation.opening_id)).all())


def _int(form, key, label, low=0, high=1_000_000):
    text = (form.get(key) or "").strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise ReviewError(f"{label}请填 {low} 到 {high} 之间的整数。")
    return int(text)


def save_opening(staff: StaffUser, opening: Opening | None, form) -> Opening:
    """Add or change an opening from the console's form."""
    access.require(staff, "casework")
    district = (form.get("district") or "").strip()
    if district not in DISTRICTS or not (access.city_wide(staff) or district == staff.district):
        raise ReviewError("请选择您负责的区。")
    employer_name = (form.get("employer") or "").strip()
    title = (form.get("title") or "").strip()
    code = (form.get("occupation_code") or "").strip()
    if not employer_name or len(employer_name) > 100:
        raise ReviewError("请填写用人单位（100字以内）。")
    if not title or len(title) > 100:
        raise ReviewError("请填写岗位名称（100字以内）。")
    if not data.valid_code(code):
        found = data.code_for_words(code) or data.code_for_words(title)
        hint = f"例如“{found}”（{data.occupation_name(found)}）" if found else "例如 4-09-07"
        raise ReviewError(f"职业代码“{code}”不是 GB/T 6565 代码，{hint}。")
    email = (form.get("employer_email") or "").strip()
    if email and not EMAIL.fullmatch(email):
        raise ReviewError("用人单位邮箱格式不对。")
    education = (form.get("education_min") or "").strip()
    if education and education not in EDUCATION:
        raise ReviewError("请从列表中选择学历要求。")
    try:
        valid_until = date.fromisoformat((form.get("valid_until") or "").strip())
    except ValueError:
        raise ReviewError("请填写有效期，格式如 2026-03-31。") from None
    values = dict(
        title=title, occupation_code=code, district=district, street=(form.get("street") or "").strip() or None,
        address=(form.get("address") or "").strip()[:255] or None,
        wage_min=_int(form, "wage_min", "最低工资"), wage_max=_int(form, "wage_max", "最高工资"),
        hours_per_week=_int(form, "hours_per_week", "每周工时", 1, 84),
        education_min=EDUCATION.get(education) if education else None,
        age_min=_int(form, "age_min", "最低年龄", 16, 120), age_max=_int(form, "age_max", "最高年龄", 16, 120),
        public_welfare=form.get("public_welfare") == "yes",
        positions=_int(form, "positions", "招聘人数", 1, 100_000) or 1,
        valid_until=valid_until, description=(form.get("description") or "").strip()[:5000] or None)
    if values["wage_min"] and values["wage_max"] and values["wage_min"] > values["wage_max"]:
        raise ReviewError("最低工资不能高于最高工资。")
    employer = Session.scalar(select(Employer).where(Employer.name == employer_name))
    if employer is None:
        employer = Employer(name=employer_name, email=email or None)
        Session.add(employer)
        Session.flush()
    elif email:
        employer.email = email
    clash = Session.scalar(select(Opening.id).where(
        Opening.employer_id == employer.id, Opening.title == title, Opening.district == district,
        Opening.street == values["street"] if values["street"] else Opening.street.is_(None)))
    if clash and (opening is None or clash != opening.id):
        raise ReviewError("这个单位在这个街道已经有同名岗位了，请直接修改那一条。")
    if opening is None:
        opening = Opening(employer_id=employer.id, **values)
        Session.add(opening)
    else:
        opening.employer_id = employer.id
        for key, value in values.items():
            setattr(opening, key, value)
    Session.flush()
    audit.record(staff, "save_opening", "opening", opening.id, opening.district)
    return opening


def fill_one(staff: StaffUser, opening: Opening) -> None:
    """One more position filled; a full opening is recommended to nobody any more."""
    access.require(staff, "casework")
    if opening.filled >= opening.positions:
        raise ReviewError("这个岗位已经招满了。")
    opening.filled += 1
    audit.record(staff, "fill_opening", "opening", opening.id, opening.district, filled=opening.filled)


def record_visit(staff: StaffUser, seeker: Seeker, visit_date, visitors: str, findings: str | None):
    """A 112 home visit: a line of the visits ledger, marked as this seeker's. A seeker with no
    household record yet (imported from the registry) gets one for their district and street."""
    if seeker.household_id is None:
        home = Household(district=seeker.district, street=seeker.street)
        Session.add(home)
        Session.flush()
        seeker.household_id = home.id
    home = Session.get(Household, seeker.household_id)
    visit = visits.add_visit(staff, home, visit_date, visitors, findings, [], "112就业服务上门走访")
    Session.add(SeekerVisit(seeker_id=seeker.id, visit_id=visit.id))
    Session.flush()
    return visit


def seeker_visits(seeker_id: int):
    from models import Visit

    return Session.scalars(select(Visit).join(SeekerVisit, SeekerVisit.visit_id == Visit.id)
                           .where(SeekerVisit.seeker_id == seeker_id).order_by(Visit.visit_date.desc())).all()
