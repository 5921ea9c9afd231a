"""The case page and a visit recorded from the household page, in a real browser without
JavaScript; the screenshots (test-artifacts/screenshots/) show what staff read."""
import pytest

from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in_page
from tests.staff.test_pages_read_right import ADDRESS, _case

pytestmark = pytest.mark.browser


def test_the_case_page_reads_right(app, live_server, browser, screenshot):
    make_staff("lin")
    application = _case()
    page = browser.new_page(java_script_enabled=False, viewport={"width": 1100, "height": 900}, locale="zh-CN")
    log_in_page(page, live_server.url, "lin")
    page.goto(f"{live_server.url}/staff/applications/{application.id}")
    screenshot(page, "case-page-reads-right")
    members = page.inner_text("table:has(th:text('成员'))")
    assert "每月收入：2,600 元" in members and "每月收入：0 元" in members and "每月收入：否" not in members
    assert "就读阶段：初中" in members and "住校：否" in members and "父亲或母亲有残疾人证：是" in members
    assert ADDRESS in page.inner_text("section.card >> nth=1")
    assert "每月补助" in page.content() and "735.50 元" in page.inner_text("section.card >> nth=2")
    for raw in ("junior", "boarding", "parent_disabled"):
        assert raw not in page.inner_text("main")


def test_a_visit_is_recorded_from_the_household_page(app, live_server, browser, screenshot):
    make_staff("street", role="caseworker", street="鹭江街道")
    application = _case()
    page = browser.new_page(java_script_enabled=False, viewport={"width": 1100, "height": 900}, locale="zh-CN")
    log_in_page(page, live_server.url, "street")
    page.goto(f"{live_server.url}/staff/visits")
    page.click(f"a[href='/staff/households/{application.household_id}#visit']")  # no number typed
    page.fill("#visitors", "林晓、陈伟")
    page.check("input[name=causes][value='因病']")
    page.fill("#findings", "老人卧床，屋顶漏水")
    page.click("button:has-text('登记到台账')")
    assert "走访已登记到台账" in page.inner_text(".flash")
    screenshot(page, "household-visit-recorded")
    page.goto(f"{live_server.url}/staff/visits")
    assert "林晓、陈伟" in page.inner_text("table") and "老人卧床，屋顶漏水" in page.inner_text("table")
    screenshot(page, "visits-ledger")
