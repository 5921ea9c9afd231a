"""The audit log page: the count above the rows is right (capped where counting would cost a
scan), objects are named in Chinese, and paging goes back in time by id."""
from __future__ import annotations

import re

from sqlalchemy import insert

from models import AuditEntry, Session, utcnow
from review import audit
from tests.review.fixtures import make_application, make_staff
from tests.staff.conftest import log_in


def _entries(n: int, staff=None, **values) -> None:
    rows = [{"at": utcnow(), "staff_id": staff.id if staff else None, "staff_name": staff.username if staff else None,
             "action": "view_case", "object_type": "application", "object_id": i % 50 + 1, "district": "思明区",
             "detail": {}, **values} for i in range(n)]
    Session.execute(insert(AuditEntry), rows)
    Session.commit()


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr><td>\d{4}-\d\d-\d\d", page)


def test_the_count_is_the_number_of_entries(app, client):
    admin = make_staff("city", role="admin", district="厦门市")
    _entries(71, admin)  # and the log-in makes 72
    log_in(client, "city")
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "共 72 条" in page and len(_rows(page)) == 72
    page = client.get("/staff/audit", query_string={"action": "login"}).get_data(as_text=True)
    assert "共 1 条" in page and len(_rows(page)) == 1


def test_a_count_past_ten_thousand_is_not_counted_to_the_end(app, client):
    admin = make_staff("city", role="admin", district="厦门市")
    _entries(10_050, admin)
    log_in(client, "city")
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "共 10,000+ 条" in page and len(_rows(page)) == 100
    page = client.get("/staff/audit", query_string={"object_type": "application", "object_id": 7}).get_data(
        as_text=True)
    assert "共 201 条" in page  # 10,050 entries over 50 objects


def test_objects_are_named_in_chinese_with_the_programme(app, client):
    admin = make_staff("city", role="admin", district="厦门市")
    application = make_application("submitted", programme="dibao")
    audit.record(admin, "view_case", "application", application.id, "思明区")
    audit.record(admin, "view_household", "household", 3, "思明区")
    audit.record(admin, "view_clue", "clue", 5, "思明区")
    Session.commit()
    log_in(client, "city")
    page = client.get("/staff/audit").get_data(as_text=True)
    assert f"申请 {application.id} · 低保" in page and "家庭 3" in page and "线索 5" in page
    assert "application " not in page and "household 3" not in page


def test_older_pages_follow_by_id_and_filters_stay(app, client):
    admin = make_staff("city", role="admin", district="厦门市")
    lin = make_staff("lin")
    _entries(250, lin)
    _entries(30, admin, object_id=999)
    log_in(client, "city")
    seen, url = [], "/staff/audit?staff_name=lin"
    while url:
        page = client.get(url).get_data(as_text=True)
        assert "共 250 条" in page
        seen += [int(n) for n in re.findall(r"申请 (\d+)", page)]
        found = re.search(r'href="([^"]+)">更早的记录', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == 250 and 999 not in seen
    # The same objects in the same order as the log holds them, newest first, none twice.
    expected = [e.object_id for e in audit.search(staff_name="lin", limit=1000).entries]
    assert seen == expected


def test_an_unknown_staff_name_finds_nothing(app, client):
    make_staff("city", role="admin", district="厦门市")
    log_in(client, "city")
    page = client.get("/staff/audit", query_string={"staff_name": "nobody"}).get_data(as_text=True)
    assert "共 0 条" in page and "没有符合条件的记录" in page
