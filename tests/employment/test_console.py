"""The 112 pages for staff: scoped to their district, numbers masked, actions audited."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import AuditEntry, Opening, SeekerVisit, Session, utcnow
from review.routing import local_date
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in

from .builders import make_opening, make_seeker


def test_openings_are_listed_added_and_filled_within_the_district(app, client):
    make_staff("cw", role="caseworker", district="思明区", street="鹭江街道")
    mine = make_opening("小区保洁员", positions=1)
    make_opening("电子厂普工", code="6-25-01", district="集美区", street="杏林街道")
    log_in(client, "cw")
    page = client.get("/staff/jobs").get_data(as_text=True)
    assert "小区保洁员" in page and "电子厂普工" not in page
    other = Session.scalar(select(Opening.id).where(Opening.district == "集美区"))
    assert client.get(f"/staff/jobs/{other}").status_code == 404
    response = client.post("/staff/jobs/new", data={
        "employer": "鹭江社区居委会", "title": "社区巡逻员", "occupation_code": "4-07-05", "district": "思明区",
        "street": "鹭江街道", "wage_min": "2800", "positions": "2", "public_welfare": "yes",
        "valid_until": (date.today() + timedelta(days=30)).isoformat()})
    assert response.status_code == 302
    patrol = Session.scalar(select(Opening).where(Opening.title == "社区巡逻员"))
    assert patrol.public_welfare and patrol.positions == 2
    bad = client.post("/staff/jobs/new", data={"employer": "x", "title": "厨师", "occupation_code": "厨房帮工",
                                               "district": "思明区", "valid_until": "2026-12-31"})
    assert bad.status_code == 400 and "4-03-02" in bad.get_data(as_text=True)
    client.post(f"/staff/jobs/{mine.id}/filled")
    Session.remove()
    assert Session.get(Opening, mine.id).filled == 1
    assert "已招满" in client.get("/staff/jobs?show=all").get_data(as_text=True)


def test_seekers_are_masked_in_the_list_and_a_visit_is_a_112_visit(app, client):
    make_staff("cw-other", role="caseworker", district="思明区", street="中华街道")
    seeker = make_seeker(1, phone="13812345678")
    log_in(client, "cw-other")
    listing = client.get("/staff/jobs/seekers").get_data(as_text=True)
    assert "陈**" in listing and "138****5678" in listing and "13812345678" not in listing
    page = client.get(f"/staff/jobs/seekers/{seeker.id}").get_data(as_text=True)
    assert "13812345678" not in page  # another street's caseworker sees masked numbers
    assert Session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "seeker")) == "view_seeker"
    response = client.post(f"/staff/jobs/seekers/{seeker.id}/visits",
                           data={"visit_date": date.today().isoformat(), "visitors": "王社工", "findings": "想找保洁"})
    assert response.status_code == 302
    assert Session.scalar(select(SeekerVisit.seeker_id)) == seeker.id
    assert "1 / 1" in client.get(f"/staff/jobs/seekers/{seeker.id}").get_data(as_text=True)


def test_the_ledger_page_says_who_is_behind(app, client):
    make_staff("admin", role="admin", district="厦门市")
    make_seeker(1)
    make_seeker(2, name="林志强", street="中华街道")
    log_in(client, "admin")
    page = client.get("/staff/jobs/ledger").get_data(as_text=True)
    month = local_date(utcnow()).month  # Xiamen's month, whatever the host's zone
    assert f"{month}月，仍少于2次推荐: 2人" in page
    assert "鹭江街道" in page and "中华街道" in page
