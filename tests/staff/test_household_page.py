"""Issue 12: the console's household page — one household with all its applications, its
profile, the history of its changes, every document, and the WeChat users linked to it."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

import forms
import review
from models import AuditEntry, Application, Household, HouseholdChange, Session
from review import intake, profile
from tests.examples import WORKED_EXAMPLE_PLAN
from tests.review.fixtures import PASSWORD, make_staff, store_photo
from tests.review.test_profile import asked
from tests.staff.conftest import log_in, token

ID_NUMBER = WORKED_EXAMPLE_PLAN["id_number"]
PHONE = WORKED_EXAMPLE_PLAN["phone"]


def _apply(openid: str, form_id: str, answers: dict, submit: bool = True) -> Application:
    form = forms.get(form_id)
    verdict = forms.assess(form, answers)
    app = intake.open_draft(openid, form_id, form_id, answers, forms.to_situation(form, answers), verdict,
                            verdict["documents"])
    if submit:
        review.submit(app.id)
        Session.commit()
    return app


@pytest.fixture
def family(app):
    """低保, a photo of its first checklist item, then 教育救助 with a new income."""
    answers, _ = asked("dibao", {}, WORKED_EXAMPLE_PLAN)
    dibao = _apply("o-family-member", "dibao", answers, submit=False)
    photo = store_photo(app, openid="o-family-member")
    review.attach_document(dibao.id, dibao.checklist[0]["id"], photo.id, 0)
    review.submit(dibao.id)
    Session.commit()
    changed = copy.deepcopy(answers)
    changed["members"][0]["monthly_income"] = 3000
    jiaoyu = _apply("o-family-member", "jiaoyu", changed)
    return {"home": dibao.household_id, "dibao": dibao.id, "jiaoyu": jiaoyu.id,
            "first_item": dibao.checklist[0]["title"]}


def _stranger_asks(family) -> None:
    """Someone typed the family's identity number with a phone the family never gave."""
    assert not profile.link_request("o-stranger-x", "陈明", ID_NUMBER, "13900001111")
    Session.commit()


def test_one_page_shows_the_whole_household(client, family):
    make_staff("rev", role="reviewer")
    log_in(client, "rev")
    page = client.get(f"/staff/households/{family['home']}").get_data(as_text=True)
    # Both applications, and the document with the application it came from.
    assert f"申请 {family['dibao']}" in page and f"申请 {family['jiaoyu']}" in page and "教育救助" in page
    documents = page[page.index('id="documents"'):page.index('id="changes"')]
    assert family["first_item"] in documents and f"申请 {family['dibao']}（最低生活保障（低保））" in documents
    assert f"/staff/applications/{family['dibao']}/documents/" in documents
    # The profile as it is now, and who changed what.
    profile_part = page[page.index('id="profile"'):page.index('id="documents"')]
    assert "3,000 元" in profile_part and "20,000 元" in profile_part and "子女" in profile_part
    changes = page[page.index('id="changes"'):page.index('id="accounts"')]
    assert "申请人本人 · 每月收入" in changes and "2,500 元" in changes and "3,000 元" in changes
    assert "居民（微信 o-fami…）" in changes
    # A reviewer of the district sees whole numbers; the view is audited as such.
    assert ID_NUMBER in page and PHONE in page
    assert Session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "household")) == "view_pii"


def test_other_streets_caseworkers_read_the_profile_masked(client, family):
    _stranger_asks(family)
    make_staff("cw", role="caseworker", street="中华街道")
    log_in(client, "cw")
    page = client.get(f"/staff/households/{family['home']}").get_data(as_text=True)
    assert "20,000 元" in page  # the household's situation is casework
    assert ID_NUMBER not in page and PHONE not in page and "陈明" not in page and "思明区鹭江道1号" not in page
    assert "陈*" in page and "138****5678" in page
    assert "确认此微信用户属于本户" not in page  # only staff who may check the family confirm


def test_staff_confirm_a_wechat_user_after_checking_with_the_family(client, family, csrf):
    _stranger_asks(family)
    make_staff("luj", role="caseworker", street="鹭江街道")
    login_page = client.get("/staff/login").get_data(as_text=True)
    client.post("/staff/login", data={"username": "luj", "password": PASSWORD, "csrf_token": token(login_page)})
    page = client.get(f"/staff/households/{family['home']}").get_data(as_text=True)
    accounts = page[page.index('id="accounts"'):]
    # Who asked, with what they typed, for the caseworker to check with the family.
    assert "o-stra…" in accounts and "13900001111" in accounts and "核对未通过 1 次" in accounts
    link_id = int(accounts.split(f"/staff/households/{family['home']}/links/")[1].split("/")[0])
    url = f"/staff/households/{family['home']}/links/{link_id}/confirm"

    assert client.post(url).status_code == 400  # no CSRF token: refused, nothing linked
    assert profile.household_of("o-stranger-x") is None

    response = client.post(url, data={"csrf_token": token(page)}, follow_redirects=True)
    assert "已确认" in response.get_data(as_text=True)
    Session.remove()
    assert profile.household_of("o-stranger-x").id == family["home"]
    change = Session.scalar(select(HouseholdChange).where(HouseholdChange.key == "linked_account"))
    assert change.who == "staff:luj"
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "confirm_household_link"))
    assert entry.staff_name == "luj" and entry.object_id == family["home"]
    page = client.get(f"/staff/households/{family['home']}").get_data(as_text=True)
    assert "确认此微信用户属于本户" not in page and "工作人员 luj" in page


def test_staff_who_may_not_see_the_numbers_cannot_confirm(client, family):
    _stranger_asks(family)
    make_staff("cw", role="caseworker", street="中华街道")
    log_in(client, "cw")
    home = Session.get(Household, family["home"])
    link_id = profile.page(make_staff("tmp", role="admin", district="厦门市"), home, True).pending[0]["id"]
    response = client.post(f"/staff/households/{family['home']}/links/{link_id}/confirm")
    assert response.status_code == 403
    assert profile.household_of("o-stranger-x") is None


def test_another_districts_household_is_not_found(client, family):
    _stranger_asks(family)
    make_staff("huli", role="reviewer", district="湖里区")
    log_in(client, "huli")
    assert client.get(f"/staff/households/{family['home']}").status_code == 404
    assert client.post(f"/staff/households/{family['home']}/links/1/confirm").status_code == 404
