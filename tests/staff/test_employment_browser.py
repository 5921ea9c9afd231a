"""The 112 pages in a real browser, with screenshots: 岗位, 求职者, 112台账."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from employment import demo
from models import Opening, Session
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in_page


def test_staff_work_openings_seekers_and_the_ledger(app, live_server, page, screenshot):
    make_staff("cw", role="caseworker", district="思明区", street="鹭江街道")
    demo.seed()
    log_in_page(page, live_server.url, "cw")
    page.click("text=112就业")
    assert page.locator("#openings").inner_text().count("保洁") >= 2
    assert "电子装配普工" not in page.content()  # 集美区: not this caseworker's district
    screenshot(page, "jobs-openings")

    page.click("text=新增岗位")
    page.fill("#employer", "鹭江社区居委会")
    page.fill("#title", "社区治安巡逻员")
    page.fill("#occupation_code", "4-07-05")
    page.fill("#street", "鹭江街道")
    page.fill("#wage_min", "2800")
    page.fill("#valid_until", (date.today() + timedelta(days=30)).isoformat())
    page.check("input[name=public_welfare]")
    screenshot(page, "jobs-opening-form")
    page.click("button:has-text('保存')")
    assert "岗位已保存" in page.content()
    assert Session.scalar(select(Opening.public_welfare).where(Opening.title == "社区治安巡逻员")) is True

    page.click("nav.tabs >> text=求职者")
    table = page.locator("#seekers").inner_text()
    assert "陈**" in table and "陈美玲" not in table
    screenshot(page, "jobs-seekers")
    page.locator("#seekers tr", has_text="陈**").locator("a").click()
    assert "社区保洁（公益性岗位）" in page.locator("#recommendations").inner_text()
    page.fill("#visitors", "王社工、李网格员")
    page.click("button:has-text('登记走访')")
    assert "已登记112上门走访" in page.content()
    screenshot(page, "jobs-seeker")

    page.click("nav.tabs >> text=112台账")
    assert "仍少于2次推荐" in page.locator("#summary").inner_text()
    screenshot(page, "jobs-ledger")
