"""Household visits (入户走访, notice 一) and the street's work ledger (台账).

A caseworker keeps the ledger of their street. The ledger is read a page at a time along
(visit_date, id) (keyset paging), and its CSV export is written in chunks read the same way,
so neither grows with a district's years of visits.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import load_only

from models import Household, Member, Session, StaffUser, Visit, utcnow

from . import access, audit, privacy
from .errors import ReviewError
from .labels import CAUSES
from .routing import local_date

MAX_TEXT = 2000
PAGE_SIZE = 50
EXPORT_BATCH = 1000  # lines read and written per chunk of the CSV
Cursor = tuple[date, int]  # (visit_date, id) of the last line shown
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


def scope(staff: StaffUser) -> Select:
    """The visits a member of staff keeps the ledger of: a caseworker's street (their whole
    district while their account names no street), a reviewer's district, the city."""
    stmt = access.visits(staff)
    if staff.role == "caseworker" and staff.street:
        stmt = stmt.where(Visit.street == staff.street)
    return stmt


def _filtered(stmt: Select, street: str | None, since: date | None, until: date | None) -> Select:
    if street:
        stmt = stmt.where(Visit.street == street)
    if since:
        stmt = stmt.where(Visit.visit_date >= since)
    if until:
        stmt = stmt.where(Visit.visit_date <= until)
    return stmt


def _after(stmt: Select, after: Cursor | None) -> Select:
    """Newest first, continuing below the last line shown (keyset: one index range)."""
    if after is not None:
        stmt = stmt.where(tuple_(Visit.visit_date, Visit.id) < tuple_(*after))
    return stmt.order_by(Visit.visit_date.desc(), Visit.id.desc())


def ledger(staff: StaffUser, street: str | None = None, since: date | None = None,
           until: date | None = None, after: Cursor | None = None, limit: int = PAGE_SIZE):
    """Up to `limit` visits in scope after `after`, newest first, with who recorded them."""
    stmt = scope(staff).add_columns(StaffUser.username).outerjoin(StaffUser, StaffUser.id == Visit.recorded_by)
    return Session.execute(_after(_filtered(stmt, street, since, until), after).limit(limit)).all()


def streets(staff: StaffUser) -> list[str]:
    """The streets a viewer may filter the ledger by (a caseworker's is just their own)."""
    stmt = scope(staff).with_only_columns(Visit.street).distinct().where(Visit.street.is_not(None))
    return sorted(Session.scalars(stmt))


def ledger_lines(staff: StaffUser, street: str | None = None, since: date | None = None,
                 until: date | None = None, after: Cursor | None = None) -> tuple[list[dict], Cursor | None]:
    """One page of the ledger as this viewer may read it, and where the next page starts
    (None on the last). What staff typed (findings, needs) can hold identity and phone
    numbers, shown whole only for streets the viewer may see whole. Lines that show a number
    whole are audited together as one view_pii; the caller commits."""
    lines, shown_whole = [], []
    rows = ledger(staff, street, since, until, after, PAGE_SIZE + 1)
    for visit, recorded_by in rows[:PAGE_SIZE]:
        whole = access.sees_pii(staff, visit.district, visit.street)
        texts = (visit.visitors, visit.findings, visit.needs)
        if whole and any(privacy.has_number(text) for text in texts):
            shown_whole.append(visit.id)
        visitors, findings, needs = (privacy.shown(text, whole) for text in texts)
        lines.append({"visit": visit, "recorded_by": recorded_by or "", "visitors": visitors,
                      "findings": findings, "needs": needs})
    if shown_whole:
        audit.record(staff, "view_pii", "visit", None, _audit_district(staff), visits=shown_whole)
    last = rows[PAGE_SIZE - 1][0] if len(rows) > PAGE_SIZE else None
    return lines, ((last.visit_date, last.id) if last is not None else None)


# The columns of a ledger line, for the export: rows of values, never whole objects.
EXPORTED = (Visit.id, Visit.visit_date, Visit.district, Visit.street, Visit.household_id, Visit.visitors,
            Visit.causes, Visit.findings, Visit.needs, StaffUser.username)


def ledger_csv_chunks(staff: StaffUser, street: str | None = None, since: date | None = None,
                      until: date | None = None, batch: int = EXPORT_BATCH) -> Iterator[str]:
    """The ledger as CSV for a spreadsheet (UTF-8 with BOM so Excel reads the Chinese), in
    chunks of `batch` lines, each read as one keyset range: memory stays the same for any
    number of visits. Numbers are masked as on the page and every cell is inert (no
    formulas). Each chunk that shows numbers whole adds a view_pii naming its lines; the
    export itself is audited with the number of lines sent when the stream ends, however it
    ends (the reader may hang up). The caller commits after the last chunk."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(LEDGER_COLUMNS)
    stmt = _filtered(scope(staff).with_only_columns(*EXPORTED).outerjoin(StaffUser, StaffUser.id == Visit.recorded_by),
                     street, since, until)
    sent = 0
    try:
        yield out.getvalue()
        after = None
        while True:
            chunk = Session.execute(_after(stmt, after).limit(batch)).all()
            if not chunk:
                break
            out.seek(0)
            out.truncate()
            shown_whole = []
            for line in chunk:
                whole = access.sees_pii(staff, line.district, line.street)
                texts = (line.visitors, line.findings, line.needs)
                if whole and privacy.has_number("\n".join(text or "" for text in texts)):
                    shown_whole.append(line.id)
                visitors, findings, needs = (privacy.shown(text, whole) for text in texts)
                writer.writerow([privacy.csv_cell(cell) for cell in (
                    line.visit_date.isoformat(), line.district, line.street, line.household_id, visitors,
                    "、".join(line.causes or []), findings, needs, line.username)])
            if shown_whole:
                audit.record(staff, "view_pii", "visit", None, _audit_district(staff), visits=shown_whole)
            after = (chunk[-1].visit_date, chunk[-1].id)
            sent += len(chunk)  # handed to the reader: it may hang up before asking for more
            yield out.getvalue()
            if len(chunk) < batch:
                break
    finally:
        audit.record(staff, "export_ledger", "visit", None, _audit_district(staff), rows=sent, street=street,
                     **{key: day.isoformat() for key, day in (("since", since), ("until", until)) if day})


def ledger_csv(staff: StaffUser, street: str | None = None, since: date | None = None,
               until: date | None = None) -> str:
    """The whole export as one text (for a small ledger; the console streams the chunks)."""
    return "".join(ledger_csv_chunks(staff, street, since, until))


def cursor_text(cursor: Cursor | None) -> str | None:
    return f"{cursor[0].isoformat()}~{cursor[1]}" if cursor else None


def parse_cursor(text: str | None) -> Cursor | None:
    """A cursor from a link; anything else (edited by hand, cut short) is the first page."""
    day, sep, ident = (text or "").partition("~")
    if not sep or not ident.isdigit() or len(ident) > 18:
        return None
    try:
        return date.fromisoformat(day), int(ident)
    except ValueError:
        return None


def _audit_district(staff: StaffUser) -> str | None:
    return None if access.city_wide(staff) else staff.district


def recent_households(staff: StaffUser, limit: int = 20) -> list[dict]:
    """Households to open for a visit without typing a number: the viewer's street (or
    district), newest first (a clue just triaged, a family that just applied). Read along
    the primary key, so the page stays quick for a city's households."""
    stmt = access.households(staff)
    if staff.street and staff.role == "caseworker":
        stmt = stmt.where(Household.street == staff.street)
    homes = Session.scalars(stmt.options(load_only(Household.id, Household.district, Household.street,
                                                   Household.updated_at))
                            .order_by(Household.id.desc()).limit(limit)).all()
    heads = {m.household_id: m.name for m in Session.scalars(
        select(Member).where(Member.household_id.in_([h.id for h in homes]), Member.position == 0))} if homes else {}
    return [{"id": h.id, "street": h.street or h.district, "name": access.masked_name(heads.get(h.id)),
             "updated_at": h.updated_at} for h in homes]


def household_visits(household_id: int) -> list[Visit]:
    return list(Session.scalars(select(Visit).where(Visit.household_id == household_id)
                                .order_by(Visit.visit_date.desc(), Visit.id.desc())))
