"""标准调整: an admin adds a new 低保标准 from 2026-07-01 with its document; it is checked,
previewed (how many current recipients it changes), audited, and in force at once, in this
process and in another one, without a restart. The annual review page decides proposals."""
from __future__ import annotations

import time
from datetime import date, datetime

import pytest
from sqlalchemy import select

from discovery import standards
from models import Application, AuditEntry, Household, OutboundMessage, Session
from models.annual import AnnualReviewItem
from models.standards import ParameterOverride
from tests.conftest import run_flask
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in

AUGUST = {"date": "2026-08-15", "hukou_xiamen": True, "members": [{"age": 40}, {"age": 45}]}


@pytest.fixture(autouse=True)
def shipped_rules(app):
    standards.reset()
    yield
    standards.reset()


@pytest.fixture
def admin(client):
    make_staff("admin1", "admin", "厦门市")
    log_in(client, "admin1")
    return client


def recipients():
    """Two 低保 families: one alone without income (800 → 1000 a month), one whose income per
    head (900) is above 800 but below 1000 (now 低收入 → would become 低保): both change."""
    for members, programme, amount in (([{"age": 40}], "dibao", 800), ([{"age": 40, "monthly_income": 900}],
                                                                         "dishouru", None)):
        Session.add(Application(household=Household(district="思明区"), programme=programme, form_id="dibao",
                                state="approved", district="思明区", decision_amount=amount,
                                situation={"hukou_xiamen": True, "members": members},
                                decided_at=datetime(2025, 1, 10)))
    # Someone the value does not touch: 5,000 a month.
    Session.add(Application(household=Household(district="湖里区"), programme="dishouru", form_id="dibao",
                            state="approved", district="湖里区",
                            situation={"hukou_xiamen": True, "members": [{"age": 40, "monthly_income": 5000}]},
                            decided_at=datetime(2025, 1, 10)))
    Session.commit()


FORM = {"name": "dibao.standard", "date": "2026-07-01", "value": "1000", "reference": "厦民〔2026〕12号"}


def test_preview_counts_the_recipients_it_changes_and_saves_nothing(admin):
    recipients()
    page = admin.post("/staff/standards", data={**FORM, "action": "preview"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "现有 3 户救助对象中" in html and "<strong>2 户</strong>" in html
    assert "金额变化 1 户" in html and "类别变化 1 户" in html
    assert Session.scalar(select(ParameterOverride.id)) is None
    assert admin.post("/api/mp/precheck", json=AUGUST).get_json()["programmes"]["dibao"]["standard"] == 800


def test_saving_is_audited_and_in_force_at_once_here_and_in_another_process(admin):
    saved = admin.post("/staff/standards", data={**FORM, "action": "save"}, follow_redirects=True)
    assert "已生效" in saved.get_data(as_text=True) and "厦民〔2026〕12号" in saved.get_data(as_text=True)
    answer = admin.post("/api/mp/precheck", json=AUGUST).get_json()
    assert answer["programmes"]["dibao"]["standard"] == 1000 and answer["programmes"]["dibao"]["monthly_benefit"] == 2000
    [entry] = Session.scalars(select(AuditEntry).where(AuditEntry.action == "add_parameter_value")).all()
    assert entry.staff_name == "admin1" and entry.detail["parameter"] == "dibao.standard"

    listed = run_flask("policy-params", "--date", "2026-07-01")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if "低保标准（每人每月）" in line)
    assert "1000" in line and "since 2026-07-01" in line and "工作人员添加" in line


def test_a_value_added_by_another_process_is_used_within_a_second(admin, app):
    assert admin.post("/api/mp/precheck", json=AUGUST).get_json()["programmes"]["dibao"]["standard"] == 800
    # Another web process (or a script) stored it: this process only sees the table change.
    Session.add(ParameterOverride(name="dibao.standard", effective_on=date(2026, 7, 1), value=950.0,
                                  reference="厦民〔2026〕12号", created_by="admin2"))
    Session.commit()
    time.sleep(standards.CHECK_SECONDS + 0.1)
    assert admin.post("/api/mp/precheck", json=AUGUST).get_json()["programmes"]["dibao"]["standard"] == 950


@pytest.mark.parametrize("change, problem", [
    ({"name": "dibao.nothing"}, "请从列表里选择"),
    ({"date": "2019-07-01"}, "要晚于系统自带的最后一个值的日期（2019-07-01）"),
    ({"date": "1 July"}, "2026-07-01 的格式"),
    ({"value": "一千"}, "填写一个数字"),
    ({"value": "8000"}, "相差太大"),
    ({"value": "-5"}, "不小于0"),
    ({"reference": "  "}, "依据的文件"),
])
def test_bad_values_are_refused_naming_the_problem(admin, change, problem):
    page = admin.post("/staff/standards", data={**FORM, **change, "action": "save"})
    assert page.status_code == 400 and problem in page.get_data(as_text=True)
    assert Session.scalar(select(ParameterOverride.id)) is None


def test_the_same_date_twice_is_refused(admin):
    admin.post("/staff/standards", data={**FORM, "action": "save"})
    again = admin.post("/staff/standards", data={**FORM, "value": "1100", "action": "save"})
    assert again.status_code == 400 and "已经添加过了" in again.get_data(as_text=True)


def test_only_admins_change_standards(client):
    make_staff("reviewer1", "reviewer", "思明区")
    log_in(client, "reviewer1")
    assert client.get("/staff/standards").status_code == 403
    assert client.post("/staff/standards", data={**FORM, "action": "save"}).status_code == 403
    assert Session.scalar(select(ParameterOverride.id)) is None


def test_reviewers_decide_the_annual_review_on_its_page(client, app):
    Session.add(Application(household=Household(district="思明区"), openid="o-family", programme="dibao",
                            form_id="dibao", state="approved", district="思明区", decision_amount=100,
                            situation={"hukou_xiamen": True, "members": [{"age": 40, "monthly_income": 5000}]},
                            decided_at=datetime(2025, 1, 10)))
    Session.add(Application(household=Household(district="湖里区"), programme="dibao", form_id="dibao",
                            state="approved", district="湖里区", decision_amount=100,
                            situation={"hukou_xiamen": True, "members": [{"age": 40, "monthly_income": 6000}]},
                            decided_at=datetime(2025, 1, 10)))
    Session.commit()
    result = app.test_cli_runner().invoke(args=["review", "annual", "--date", "2026-07-01"])
    assert result.exit_code == 0, result.output
    make_staff("reviewer1", "reviewer", "思明区")
    log_in(client, "reviewer1")

    html = client.get("/staff/annual").get_data(as_text=True)
    assert "建议停发" in html and "5,000" in html and "6,000" not in html  # their own district only
    item_id = Session.scalars(select(AnnualReviewItem.id).where(AnnualReviewItem.district == "思明区")).one()
    other_id = Session.scalars(select(AnnualReviewItem.id).where(AnnualReviewItem.district == "湖里区")).one()
    refused = client.post(f"/staff/annual/items/{item_id}", data={"decision": "reject"}, follow_redirects=True)
    assert "请写明原因" in refused.get_data(as_text=True)
    done = client.post(f"/staff/annual/items/{item_id}", data={"decision": "accept"}, follow_redirects=True)
    assert "已采纳" in done.get_data(as_text=True)
    Session.expire_all()
    assert Session.get(AnnualReviewItem, item_id).state == "accepted"
    assert Session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "annual_review_item",
                                                    AuditEntry.object_id == item_id)) == "annual_review_accept"
    [message] = Session.scalars(select(OutboundMessage)).all()
    assert message.openid == "o-family" and "行政复议" in message.payload["content"]
    assert client.post(f"/staff/annual/items/{other_id}", data={"decision": "accept"},
                       follow_redirects=True).status_code == 200
    Session.expire_all()
    assert Session.get(AnnualReviewItem, other_id).state == "pending"  # another district's: untouched
