"""The pages of 主动发现 in a real browser without JavaScript, as staff use them at a laptop
and on a phone: 部门数据导入 (an upload run as a batch job), 主动发现待办, the case page's
各项救助 table and 公示 steps, 年度复核, 标准调整 and 待阅读内容. The screenshots
(test-artifacts/screenshots/) show what staff read."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from discovery import standards
from models import Application, Household, Member, Session, pii
from models.registry import AutoCase
from tests.discovery.registry_files import guardian, id_number, student, write
from tests.mp.conftest import mp_wechat, resident  # noqa: F401 (the mini-program's fixtures)
from tests.review.fixtures import make_application, make_staff
from tests.review.test_moderation import report_clue
from tests.staff.conftest import log_in_page

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1100, "height": 900}
PHONE = {"width": 390, "height": 844}
RAW = ("None", "dibao_roll", "likely_eligible", "jiaoyu", "pending", "accepted", "staff:")
PYTHON_NUMBER = re.compile(r"(?<![\d.])\d+\.0(?![\d.])")  # 1600.0, where a person expects 1,600


@pytest.fixture(autouse=True)
def shipped_rules(app):
    standards.reset()
    yield
    standards.reset()


def new_page(browser, viewport=LAPTOP):
    return browser.new_page(java_script_enabled=False, viewport=viewport, locale="zh-CN")


def reads_clean(page) -> None:
    """No raw key, enum value or Python number where a person reads."""
    text = page.inner_text("main")
    for raw in RAW:
        assert raw not in text, raw
    assert not PYTHON_NUMBER.search(text), PYTHON_NUMBER.search(text)


def upload(page, title: str, path) -> None:
    page.select_option("#kind", label=title)
    page.set_input_files("#file", str(path))
    page.click("button:has-text('上传并导入')")


def test_registries_the_worklist_and_the_case_page(app, live_server, browser, screenshot, run_worker, tmp_path):
    make_staff("admin1", role="admin", district="厦门市")
    # Household 1 is on the 低保 roll with two pupils; household 2's guardian is on no roll.
    students = write(tmp_path / "学籍2026.csv", "students", [
        {"id_number": student(1), "name": "林小一", "school": "厦门第一中学", "stage": "junior", "boarding": "否",
         "guardian_id_number": guardian(1)},
        {"id_number": student(2), "name": "林小二", "school": "厦门第一中学", "stage": "primary", "boarding": "是",
         "guardian_id_number": guardian(1)},
        {"id_number": student(3), "name": "陈小三", "school": "厦门第一中学", "stage": "senior", "boarding": "否",
         "guardian_id_number": guardian(2)}])
    roll = write(tmp_path / "低保名册.csv", "dibao_roll", [
        {"id_number": guardian(1), "name": "林家长", "district": "思明区", "street": "鹭江街道",
         "programme": "dibao", "monthly_amount": 710, "since": "2025-01-01"}])
    # A woman of 56 in 思明区 (by her number) with a grade-one certificate, who never applied.
    disability = write(tmp_path / "残联.csv", "disability", [
        {"id_number": id_number(1, "19700101"), "name": "王某", "kind": "physical", "grade": "1"}])

    page = new_page(browser)
    log_in_page(page, live_server.url, "admin1")
    page.goto(f"{live_server.url}/staff/registries")
    assert "还没有导入过部门数据" in page.inner_text("#registry-imports")
    assert "学籍" in page.inner_text("#registry-headers")
    screenshot(page, "discovery-01-registries")

    upload(page, "教育部门学籍信息", students)
    assert "自动刷新" in page.inner_text("#registry-job")  # queued: the worker has not run yet
    screenshot(page, "discovery-02-registry-job-running")
    run_worker()
    page.reload()
    assert "导入完成" in page.inner_text("#registry-job")
    screenshot(page, "discovery-03-registry-job-students-done")

    page.goto(f"{live_server.url}/staff/registries")
    upload(page, "民政低保、低收入、特困名册", roll)
    run_worker()
    page.reload()
    outcome = page.inner_text("#registry-job")
    assert "导入完成" in outcome and "主动开启教育救助 2 件" in outcome
    screenshot(page, "discovery-04-registry-job-roll-done")
    reads_clean(page)
    page.click("text=返回部门数据导入")
    upload(page, "残联残疾人证信息", disability)
    run_worker()
    page.reload()
    assert "待核实名单新增 1 户" in page.inner_text("#registry-job")
    page.click("text=返回部门数据导入")
    imports = page.inner_text("#registry-imports")
    assert "学籍2026.csv" in imports and "低保名册.csv" in imports and "残联.csv" in imports
    assert "admin1" in imports and "staff:" not in imports
    screenshot(page, "discovery-05-registries-imports")
    reads_clean(page)

    # A caseworker of the street reads the worklist, on a laptop and on a phone.
    make_staff("street", role="caseworker", district="思明区", street="鹭江街道")
    worker = new_page(browser)
    log_in_page(worker, live_server.url, "street")
    worker.goto(f"{live_server.url}/staff/discovery")
    items = worker.inner_text("#discovery-items")
    screenshot(worker, "discovery-06-worklist")
    assert "疑似符合、未申请" in items and "残联登记一级肢体残疾，未申请" in items and "特困人员救助供养" in items
    reads_clean(worker)
    phone = new_page(browser, PHONE)
    log_in_page(phone, live_server.url, "street")
    phone.goto(f"{live_server.url}/staff/discovery")
    screenshot(phone, "discovery-07-worklist-phone")
    row = worker.locator("#discovery-items tbody tr", has_text="残联登记")
    row.get_by_role("button", name="已办理").click()
    assert "已记录" in worker.inner_text(".flash")
    assert "残联登记" not in worker.inner_text("#discovery-items")
    worker.get_by_role("link", name="已办理").click()
    assert "残联登记一级肢体残疾，未申请" in worker.inner_text("#discovery-items")
    screenshot(worker, "discovery-08-worklist-done")

    # A reviewer opens a 低保 case of the same household: its programmes side by side, and 公示.
    household = Session.scalar(select(Member.household_id).where(Member.id_number_index == pii.blind_index(guardian(1))))
    case = make_application("in_review", household_id=household, district="思明区", street="鹭江街道")
    make_staff("lin", role="reviewer", district="思明区")
    reviewer = new_page(browser)
    log_in_page(reviewer, live_server.url, "lin")
    reviewer.goto(f"{live_server.url}/staff/applications/{case.id}")
    programmes = reviewer.inner_text("#programmes")
    assert "低保，每月 710 元，自2025年1月1日起" in programmes  # the roll, in the 民政名册 column
    assert "主动发现，无需申请" in programmes and "编号" + str(case.id) + "（本申请） 审核中" in programmes
    screenshot(reviewer, "discovery-09-case-programmes")
    reads_clean(reviewer)
    reviewer.fill("#amount", "1600")
    reviewer.click("button:has-text('开始公示')")
    publicity = reviewer.inner_text("#publicity")
    assert "公示中" in reviewer.inner_text("h1") and "每月 1,600 元" in publicity and "还没有异议" in publicity
    assert "后才能批准" in reviewer.inner_text("form:has(button:text-is('批准'))")
    screenshot(reviewer, "discovery-10-case-publicity")
    reads_clean(reviewer)
    auto = Session.scalar(select(AutoCase.application_id))
    reviewer.goto(f"{live_server.url}/staff/applications/{auto}")
    screenshot(reviewer, "discovery-11-auto-case")
    reads_clean(reviewer)


def test_a_reviewer_accepts_an_annual_review_proposal(app, live_server, browser, screenshot):
    for openid, income, amount in (("o-family", 5000, 100), ("o-other", 0, 800)):
        Session.add(Application(household=Household(district="思明区"), openid=openid, programme="dibao",
                                form_id="dibao", state="approved", district="思明区", decision_amount=amount,
                                situation={"hukou_xiamen": True, "members": [{"age": 40, "monthly_income": income}]},
                                decided_at=datetime(2025, 1, 10)))
    Session.commit()
    admin = make_staff("admin1", role="admin", district="厦门市")
    standards.add(admin, standards.validate("dibao.standard", "2026-07-01", "1000", "厦民〔2026〕12号"))
    Session.commit()
    standards.ensure_current(force=True)
    result = app.test_cli_runner().invoke(args=["review", "annual", "--date", "2026-07-01"])  # `flask review annual`
    assert result.exit_code == 0, result.output
    make_staff("lin", role="reviewer", district="思明区")

    for name, viewport in (("discovery-12-annual", LAPTOP), ("discovery-13-annual-phone", PHONE)):
        page = new_page(browser, viewport)
        log_in_page(page, live_server.url, "lin")
        page.goto(f"{live_server.url}/staff/annual")
        table = page.inner_text("main table")
        assert "建议停发" in table and "建议调整" in table and "5,000" in table
        screenshot(page, name)
        reads_clean(page)

    stop = page.locator("tbody tr", has_text="建议停发")
    stop.get_by_role("button", name="采纳", exact=True).click()
    assert "已采纳" in page.inner_text(".flash")
    page.get_by_role("link", name="已采纳 1").click()
    accepted = page.inner_text("main table")
    assert "已采纳" in accepted and "lin" in accepted and "起" in accepted
    screenshot(page, "discovery-14-annual-accepted")
    reads_clean(page)


def test_an_admin_adds_a_dibao_standard_with_a_preview(app, live_server, browser, screenshot):
    Session.add(Application(household=Household(district="思明区"), programme="dibao", form_id="dibao",
                            state="approved", district="思明区", decision_amount=800,
                            situation={"hukou_xiamen": True, "members": [{"age": 40}]},
                            decided_at=datetime(2025, 1, 10)))
    Session.commit()
    make_staff("admin1", role="admin", district="厦门市")
    page = new_page(browser)
    log_in_page(page, live_server.url, "admin1")
    page.goto(f"{live_server.url}/staff/standards")
    assert "还没有添加过" in page.inner_text("main table")
    choices = page.inner_text("#name")
    assert "低收入家庭收入线（低保标准的倍数）：现为 2 倍" in choices and "法定退休年龄（劳动年龄上限，不含）：女性" in choices
    screenshot(page, "discovery-15-standards")
    reads_clean(page)

    page.select_option("#name", "dibao.standard")
    page.fill("#date", "2026-07-01")
    page.fill("#value", "1000")
    page.fill("#reference", "厦民〔2026〕12号 关于提高城乡低保标准的通知")
    page.click("button:has-text('预览影响')")
    preview = page.inner_text("#preview")
    assert "现有 1 户救助对象中" in preview and "1 户" in preview and "还没有保存" in preview
    screenshot(page, "discovery-16-standards-preview")
    reads_clean(page)

    page.click("button:has-text('保存并生效')")
    assert "已生效" in page.inner_text(".flash")
    listed = page.inner_text("main table")
    assert "低保标准" in listed and "2026年7月1日" in listed and "厦民〔2026〕12号" in listed and "admin1" in listed
    screenshot(page, "discovery-17-standards-saved")
    reads_clean(page)


def test_a_reviewer_reads_a_held_clue_and_releases_it(app, live_server, browser, screenshot, resident, mp_wechat):
    mp_wechat.flag(text="坏词")
    assert report_clue(resident).status_code == 202  # held for staff
    make_staff("lin", role="reviewer", district="思明区")
    for name, viewport in (("discovery-18-held", LAPTOP), ("discovery-19-held-phone", PHONE)):
        page = new_page(browser, viewport)
        log_in_page(page, live_server.url, "lin")
        page.goto(f"{live_server.url}/staff/held")
        table = page.inner_text("main table")
        assert "楼下张阿姨一个人住" in table and "微信内容安全检查认为有风险" in table
        screenshot(page, name)
        reads_clean(page)
    page.get_by_role("button", name="放行").click()
    assert "已放行" in page.inner_text(".flash")
    assert "没有待阅读的内容" in page.inner_text("main table")
    screenshot(page, "discovery-20-held-released")
