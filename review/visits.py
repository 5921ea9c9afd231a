"""Household visits (入户走访, notice 一) and the street's work ledger (台账)."""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from models import Household, Session, StaffUser, Visit, utcnow

from . import access, audit, privacy
from .errors import ReviewError
from .labels import CAUSES
from .routing import local_date

MAX_TEXT = 2000
LEDGER_COLUMNS = ("走访日期", "区", "街道（镇）", "家庭档案编号", "走访人员", "致困原因", "走访发现", "需求", "登记人")


def parse_date(text: str | date | None) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ReviewError("请填写走访日期，格式如 2026-03-05。") from None


def record_visit(staff: StaffUser, household: Household, visit_date, visitors: str,
                 findings: str | None, causes: list[str], needs: str | None) -> Visit:
    """One line of the ledger. The household must be in the staff member's scope."""
    visit = add_visit(staff, household, visit_date, visitors, findings, causes, needs)
    Session.commit()
    return visit


def add_visit(staff: StaffUser, household: Household, visit_date, visitors: str,
              findings: str | None, causes: list[str], needs: str | None) -> Visit:
    """record_visit within a larger transaction (the caller commits)."""
    access.require(staff, "casework")
    day = parse_date(visit_date)
    if day > local_date(utcnow()):
        raise ReviewError("走访日期不能晚于今天。")
    visitors = (visitors or "").strip()
    if not visitors or len(visitors) > 255:
        raise ReviewError("请填写参加走访的人员（255字以内）。")
    unknown = [c for c in causes if c not in CAUSES]
    if unknown:
        raise ReviewError("致困原因请从列表中选择。")
    for text in (findings, needs):
        if text and len(text) > MAX_TEXT:
            raise ReviewError(f"走访发现和需求请各控制在{MAX_TEXT}字以内。")
    visit = Visit(household_id=household.id, district=household.district, street=household.street,
                  visit_date=day, visitors=visitors, findings=(findings or "").strip() or None,
                  causes=list(dict.fromkeys(causes)), needs=(needs or "").strip() or None,
                  recorded_by=staff.id)
    Session.add(visit)
    Session.flush()
    audit.record(staff, "record_visit", "visit", visit.id, visit.district, household=household.id)
    return visit


def ledger(staff: StaffUser, street: str | None = None, since: date | None = None,
           until: date | None = None):
    """The visits in scope, newest first, with who recorded them."""
    stmt = access.visits(staff).add_columns(StaffUser.username).outerjoin(
        StaffUser, StaffUser.id == Visit.recorded_by)
    if street:
        stmt = stmt.where(Visit.street == street)
    if since:
        stmt = stmt.where(Visit.visit_date >= since)
    if until:
        stmt = stmt.where(Visit.visit_date <= until)
    return Session.execute(stmt.order_by(Visit.visit_date.desc(), Visit.id.desc())).all()


def streets(staff: StaffUser) -> list[str]:
    stmt = access.visits(staff).with_only_columns(Visit.street).distinct().where(Visit.street.is_not(None))
    return sorted(Session.scalars(stmt))


def ledger_lines(staff: StaffUser, street: str | None = None, since: date | None = None,
                 until: date | None = None) -> list[dict]:
    """The ledger as this viewer may read it: what staff typed (findings, needs) can hold
    identity and phone numbers, shown whole only for streets the viewer may see whole. Lines
    that show a number whole are audited together as one view_pii; the caller commits."""
    lines, shown_whole = [], []
    for visit, recorded_by in ledger(staff, street, since, until):
        whole = access.sees_pii(staff, visit.district, visit.street)
        texts = (visit.visitors, visit.findings, visit.needs)
        if whole and any(privacy.has_number(text) for text in texts):
            shown_whole.append(visit.id)
        visitors, findings, needs = (privacy.shown(text, whole) for text in texts)
        lines.append({"visit": visit, "recorded_by": recorded_by or "", "visitors": visitors,
                      "findings": findings, "needs": needs})
    if shown_whole:
        audit.record(staff, "view_pii", "visit", None, _audit_district(staff), visits=shown_whole)
    return lines


def ledger_csv(staff: StaffUser, street: str | None = None, since: date | None = None,
               until: date | None = None) -> str:
    """The ledger as CSV for a spreadsheet (UTF-8 with BOM so Excel reads the Chinese), numbers
    masked as on the page and every cell inert (no formulas); the export is audited and the
    caller commits."""
    lines = ledger_lines(staff, street, since, until)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(LEDGER_COLUMNS)
    for line in lines:
        visit = line["visit"]
        writer.writerow([privacy.csv_cell(cell) for cell in (
            visit.visit_date.isoformat(), visit.district, visit.street, visit.household_id, line["visitors"],
            "、".join(visit.causes or []), line["findings"], line["needs"], line["recorded_by"])])
    audit.record(staff, "export_ledger", "visit", None, _audit_district(staff), rows=len(lines), street=street)
    return out.getvalue()


def _audit_district(staff: StaffUser) -> str | None:
    return None if access.city_wide(staff) else staff.district


def household_visits(household_id: int) -> list[Visit]:
    return list(Session.scalars(select(Visit).where(Visit.household_id == household_id)
                                .order_by(Visit.visit_date.desc(), Visit.id.desc())))
