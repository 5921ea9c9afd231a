"""The visits ledger at city size (issue 18): a caseworker's ledger is their street, a page at
a time, and the CSV of any size is streamed with bounded memory."""
from __future__ import annotations

import csv
import io
import re
import tracemalloc
from datetime import date, timedelta

from sqlalchemy import insert, select

from models import AuditEntry, Household, Session, Visit
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in


def _household(street: str = "鹭江街道", district: str = "思明区") -> Household:
    home = Household(district=district, street=street)
    Session.add(home)
    Session.commit()
    return home


def _visits(home: Household, count: int, findings: str = "老人独居，腿脚不便", start: date = date(2026, 3, 1)):
    """`count` visits of `home` in one insert, several on each day."""
    Session.execute(insert(Visit.__table__), [
        dict(household_id=home.id, district=home.district, street=home.street,
             visit_date=start - timedelta(days=i // 3), visitors=f"林晓{i}", findings=findings,
             causes=["因病"], needs="送餐") for i in range(count)])
    Session.commit()


def _rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]


def test_a_caseworker_sees_only_their_street(app, client):
    _visits(_household("鹭江街道"), 2)
    _visits(_household("中华街道"), 3)
    _visits(_household("殿前街道", "湖里区"), 1)
    make_staff("luj", role="caseworker", street="鹭江街道")
    make_staff("lin")  # the district's reviewer
    log_in(client, "luj")
    page = client.get("/staff/visits").get_data(as_text=True)
    assert page.count("<td>鹭江街道</td>") == 2 and "中华街道" not in page and 'name="street"' not in page
    assert "中华街道" not in client.get("/staff/visits?street=中华街道").get_data(as_text=True)
    assert {row[2] for row in _rows(client.get("/staff/visits.csv").get_data(as_text=True))} == {"鹭江街道"}
    client.post("/staff/logout")
    log_in(client, "lin")
    page = client.get("/staff/visits").get_data(as_text=True)
    assert page.count("<td>鹭江街道</td>") == 2 and page.count("<td>中华街道</td>") == 3 and "殿前街道" not in page
    assert len(_rows(client.get("/staff/visits.csv").get_data(as_text=True))) == 5


def test_the_ledger_pages_through_every_visit_once_newest_first(app, client):
    home = _household()
    _visits(home, 120)
    make_staff("luj", role="caseworker", street="鹭江街道")
    log_in(client, "luj")
    seen, url = [], "/staff/visits"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen.append(re.findall(r"<td>林晓([0-9]+)</td>", page))
        link = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = link.group(1).replace("&amp;", "&") if link else None
    assert [len(lines) for lines in seen] == [50, 50, 20]
    # Newest first, and within a day the last recorded first: 林晓0 is the newest visit.
    visits = Session.scalars(select(Visit).order_by(Visit.visit_date.desc(), Visit.id.desc())).all()
    assert [int(i) for lines in seen for i in lines] == [int(v.visitors[2:]) for v in visits]


def _export_peak(client) -> tuple[int, int, int, int]:
    """(lines, chunks, bytes, peak traced memory) of one visits.csv download, read as it comes."""
    Session.remove()
    tracemalloc.start()
    try:
        response = client.get("/staff/visits.csv", buffered=False)
        lines = chunks = size = 0
        for chunk in response.iter_encoded():
            chunks += 1
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, chunks, size, peak


def test_the_csv_of_100000_visits_is_streamed_with_bounded_memory(app, client):
    home = _household()
    # Notes make each line about 0.2 KB: 10,000 visits about 2 MB, 100,000 about 20 MB.
    findings = "老人独居，腿脚不便，屋顶漏水需要修缮。" * 2
    _visits(home, 10_000, findings=findings)
    make_staff("luj", role="caseworker", street="鹭江街道")
    log_in(client, "luj")
    _export_peak(client)  # what a first request builds and keeps (statements, templates) set aside
    *_, small_peak = _export_peak(client)
    _visits(home, 90_000, findings=findings, start=date(2020, 1, 1))
    lines, chunks, size, peak = _export_peak(client)
    assert lines == 100_001  # the header and every visit
    assert chunks > 100  # written as it is read, not built whole
    # Ten times the rows, about the same memory: the file is never held whole (it is ~18 MB).
    assert size > 15_000_000 and peak < small_peak + 2_000_000, (small_peak, peak)
    entry = Session.scalars(select(AuditEntry).where(AuditEntry.action == "export_ledger")
                            .order_by(AuditEntry.id.desc())).first()
    assert entry.detail["rows"] == 100_000


def test_an_export_cut_short_is_still_audited(app, client):
    _visits(_household(), 2500)
    make_staff("luj", role="caseworker", street="鹭江街道")
    log_in(client, "luj")
    response = client.get("/staff/visits.csv", buffered=False)
    stream = response.iter_encoded()
    next(stream)  # the header; then the reader hangs up
    next(stream)
    response.close()
    Session.remove()
    [entry] = Session.scalars(select(AuditEntry).where(AuditEntry.action == "export_ledger")).all()
    assert entry.detail == {"rows": 1000, "street": None}
