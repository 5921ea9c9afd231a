"""The dashboard and the audit log in a real browser under the console's security policy:
the charts are drawn (with their stylesheet, Chinese labels), the count above the audit
rows is right and objects are named in Chinese. Screenshots go to test-artifacts/."""
from __future__ import annotations

from datetime import timedelta

import pytest

from models import Session, utcnow
from review import audit, overdue
from tests.review.fixtures import make_application, make_staff
from tests.staff.conftest import log_in_page

pytestmark = pytest.mark.browser


def test_the_dashboard_draws_its_three_charts(app, live_server, page, screenshot, csrf):
    make_staff("lead")
    for n, programme in enumerate(("dibao", "dibao", "tekun", "jiaoyu")):
        make_application("submitted", programme=programme, openid=f"o-{n}", days_ago=n * 8)
    make_application("in_review", days_ago=70, openid="o-late", street="中华街道")
    decided = make_application("approved", openid="o-done")
    decided.submitted_at = utcnow() - timedelta(days=15)
    Session.commit()
    overdue.publish()
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    log_in_page(page, live_server.url, "lead")
    page.goto(f"{live_server.url}/staff/dashboard")

    charts = page.locator("section.chart-box svg")
    assert charts.count() == 3
    assert page.locator("section.chart-box svg").first.bounding_box()["height"] > 150
    weekly = page.locator("#chart-weekly").text_content()
    assert "低保" in weekly and "特困" in weekly
    assert "11–20天" in page.locator("#chart-decision").text_content()
    assert "中华街道" in page.locator("#chart-overdue").text_content()
    # pygal's stylesheet reached the SVG: the bars are coloured, not the default black.
    fill = page.locator("#chart-weekly .color-0 rect").first.evaluate("e => getComputedStyle(e).fill")
    assert fill not in ("rgb(0, 0, 0)", "none"), fill
    assert "本区共有 1 份申请超过办理时限" in page.inner_text("#overdue-report")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    screenshot(page, "dashboard-charts")


def test_the_audit_log_counts_right_and_names_objects_in_chinese(app, live_server, page, screenshot, csrf):
    admin = make_staff("city", role="admin", district="厦门市")
    application = make_application("submitted", programme="dibao")
    for _ in range(70):
        audit.record(admin, "view_case", "application", application.id, "思明区")
    audit.record(admin, "view_household", "household", 3, "思明区")
    Session.commit()
    log_in_page(page, live_server.url, "city")  # the 72nd entry
    page.goto(f"{live_server.url}/staff/audit")
    assert "共 72 条" in page.inner_text("#audit-total")
    assert page.locator("tbody tr").count() == 72
    assert f"申请 {application.id} · 低保" in page.inner_text("tbody")
    assert "家庭 3" in page.inner_text("tbody") and "账号" in page.inner_text("tbody")
    screenshot(page, "audit-log")
