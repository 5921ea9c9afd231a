"""The console reads right (issue 16): money as "2,600 元" and nothing as "0 元", yes/no only
for yes/no fields, every option in Chinese from the forms' labels, the address on the case
page, readable dates, and visits recorded from the household page without typing a number."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import event, select

import forms
from models import ApplicationDocument, Household, Session, Visit, db
from review import labels
from tests.review.fixtures import make_application, make_staff, store_photo
from tests.staff.conftest import log_in, token

ADDRESS = "思明区鹭江街道大同路12号502室"
# A family whose answers hold every trap: an income of 0 next to one of 2,600, a choice
# ("junior"), yes/no answers that are not the first member's, a disability as a dict.
SITUATION = {
    "date": "2026-03-05", "hukou_xiamen": True, "financial_assets": 0, "annual_medical_expense": 3600,
    "members": [
        {"age": 45, "sex": "male", "employed": True, "monthly_income": 2600,
         "disability": {"kind": "physical", "grade": 2}},
        {"age": 43, "sex": "female", "employed": False, "monthly_income": 0},
        {"age": 14, "sex": "female", "monthly_income": 0, "student_stage": "junior", "boarding": False,
         "parent_disabled": True},
    ],
}
VERDICT = {"programmes": {"dibao": {"eligible": True, "monthly_benefit": 735.5, "standard": 1000.0,
                                    "asset_limit": 48000.0}},
           "explanation": [], "rules_version": "2026-rules"}


def _case(**values):
    home = Household(district="思明区", street="鹭江街道", address=ADDRESS)
    return make_application("in_review", situation=SITUATION, verdict=VERDICT, household=home,
                            answers={"hukou_xiamen": True, "any_tekun": False}, **values)


def _text(page: str) -> str:
    """What a person reads: the page without its tags."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_case_page_shows_money_options_and_yes_no_as_staff_read_them(app, client):
    make_staff("lin")
    application = _case()
    log_in(client, "lin")
    page = _text(client.get(f"/staff/applications/{application.id}").get_data(as_text=True))
    assert "每月收入：2,600 元" in page and "每月收入：0 元" in page
    assert "每月收入：否" not in page
    assert "存款、理财等金融资产 0 元" in page and "近12个月自付医疗费 3,600 元" in page
    assert "就读阶段：初中" in page and "住校：否" in page and "父亲或母亲有残疾人证：是" in page
    assert "残疾类别：肢体残疾，残疾等级：2级" in page and "性别：女" in page and "年龄：14岁" in page
    assert "评估日期 2026年3月5日" in page
    assert "每月补助 735.50 元" in page and "低保标准 1,000 元" in page and "是否符合 是" in page
    assert "家里有已认定的特困人员 否" in page  # an answer no rule reads, by its name
    for raw in ("junior", "boarding", "parent_disabled", "monthly_income", "any_tekun", "physical", "female"):
        assert raw not in page
    assert 'value="735.50"' in client.get(f"/staff/applications/{application.id}").get_data(as_text=True)


def test_the_case_page_shows_the_address_to_whoever_sees_the_numbers(app, client):
    make_staff("lin")  # a reviewer of the district
    make_staff("far", role="caseworker", street="中华街道")
    application = _case()
    log_in(client, "lin")
    assert f"住址 {ADDRESS}" in _text(client.get(f"/staff/applications/{application.id}").get_data(as_text=True))
    client.post("/staff/logout")
    log_in(client, "far")
    page = _text(client.get(f"/staff/applications/{application.id}").get_data(as_text=True))
    assert ADDRESS not in page and "住址 （只给本街道工作人员和审核人员看）" in page


def test_the_case_page_reads_every_document_file_in_one_query(app, client):
    make_staff("lin")
    application = _case()
    for item, member in (("id_card", 0), ("id_card", 1), ("hukou_book", None), ("income_proof", 0)):
        photo = store_photo(app, content=f"\x89PNG {item} {member}".encode())
        Session.add(ApplicationDocument(application_id=application.id, item_id=item, member=member,
                                        media_file_id=photo.id))
    Session.commit()
    log_in(client, "lin")
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine(), "before_cursor_execute", seen)
    try:
        page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    finally:
        event.remove(db.engine(), "before_cursor_execute", seen)
    assert page.count("<img") == 4
    assert len([s for s in statements if re.search(r"FROM media_files\b", s)]) == 1


@pytest.mark.parametrize("form_id", [form.id for form in forms.all_forms()])
def test_every_option_of_every_form_reads_as_its_label(form_id):
    def walk(fields):
        for f in fields:
            yield f
            yield from walk(f.fields)

    for f in walk(forms.get(form_id).fields):
        # The name staff read is never the raw field id.
        assert labels.name(f.id) != f.id, f"{form_id}.{f.id} has no Chinese name"
        for option in f.options:
            assert labels.value(f.id, option.value) == option.label
            if f.maps_to:
                situation_key = re.sub(r"^members\[[0-9]*\]\.", "", f.maps_to)
                assert labels.value(situation_key, option.value) == option.label


def test_values_read_by_their_field_type():
    assert labels.value("monthly_income", 0) == "0 元"
    assert labels.value("monthly_income", 2600) == "2,600 元"
    assert labels.value("financial_assets", 735.07) == "735.07 元"
    assert labels.value("employed", False) == "否"
    assert labels.value("age", 0) == "0岁"  # an integer 0 is a number, not 否
    assert labels.value("unemployed_months", 18) == "18个月"
    assert labels.value("available_from", "2026-10-08") == "2026年10月8日"
    assert labels.value("work_districts", ["思明区", "湖里区"]) == "思明区、湖里区"
    assert labels.value("relation", "child") == "子女"
    assert labels.verdict_value("students", [2]) == "第3位家庭成员"
    assert labels.verdict_value("members", []) == "无"


def test_a_visit_is_recorded_from_the_household_page(app, client):
    make_staff("street", role="caseworker", street="鹭江街道")
    home = Household(district="思明区", street="鹭江街道")
    Session.add(home)
    Session.commit()
    log_in(client, "street")
    # The ledger offers the street's households to open: no number to type.
    ledger = client.get("/staff/visits").get_data(as_text=True)
    assert f'href="/staff/households/{home.id}#visit"' in ledger and 'name="id"' not in ledger
    page = client.get(f"/staff/households/{home.id}").get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*aria-labelledby="visit"', page)
    assert form and form.group(1) == f"/staff/households/{home.id}/visits"
    today = re.search(r'id="visit_date" name="visit_date" required value="([0-9-]+)"', page).group(1)
    response = client.post(form.group(1), follow_redirects=True, data={
        "csrf_token": token(page), "visit_date": today, "visitors": "林晓", "causes": ["因病"],
        "findings": "老人卧床", "needs": "护理"})
    shown = _text(response.get_data(as_text=True))
    assert "走访已登记到台账" in shown
    visit = Session.scalar(select(Visit))
    assert (visit.household_id, visit.visitors, visit.causes) == (home.id, "林晓", ["因病"])
    year, month, day = (int(part) for part in today.split("-"))
    assert f"{year}年{month}月{day}日 林晓 因病 老人卧床 护理" in shown
