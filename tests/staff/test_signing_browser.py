"""Signing on a phone-sized Chromium page: the resident opens the link from the chat, draws a
signature with a finger (the mouse here), types the name and the last 4 ID digits; the
application goes in with no paper, and the reviewer opens the signed PDF from the case page.
A used or expired link gets a clear page."""
from datetime import timedelta

import pytest
from sqlalchemy import select

import review
from models import Application, Session, SigningLink, utcnow
from review import signing
from tests.review.fixtures import make_application, make_staff, store_photo
from tests.staff.conftest import log_in_page

pytestmark = pytest.mark.browser

CHECKLIST = [{"id": "id_card", "title": "身份证", "count": 1, "members": [0]},
             {"id": "property_declaration", "title": "家庭财产申报表（签字）", "count": 1},
             {"id": "econ_check_authorisation", "title": "家庭经济状况核对授权书（签字）", "count": 1}]
FAMILY = {"hukou_xiamen": True, "financial_assets": 8000, "owns_vehicle": False,
          "members": [{"age": 40, "sex": "female", "monthly_income": 0},
                      {"age": 10, "sex": "male", "student_stage": "primary"}]}


def draw_signature(page) -> None:
    page.locator("#pad").scroll_into_view_if_needed()  # the mouse reaches only what is on screen
    box = page.locator("#pad").bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 12):  # a scrawl across the pad
        page.mouse.move(x + 30 + step * box["width"] / 15, y + box["height"] * (0.3 if step % 2 else 0.7), steps=3)
    page.mouse.up()


def sign_on_phone(phone, url: str, shot, name: str) -> None:
    phone.goto(url)
    assert "我们已经按您在微信里的回答替您填好了" in phone.inner_text("main")
    shot(phone, f"{name}-1-open")
    phone.fill("#name", "陈小明")
    phone.fill("#id_last4", "1234")
    phone.click("#submit")  # nothing drawn yet: the page says so and stays
    assert "还没有签名" in phone.inner_text("#pad-hint")
    draw_signature(phone)
    assert "还没有签名" not in phone.inner_text("#pad-hint")  # drawing clears the complaint
    shot(phone, f"{name}-2-signed")
    phone.click("#submit")
    phone.wait_for_selector("h1.ok")
    assert "签好了" in phone.inner_text("h1")
    shot(phone, f"{name}-3-done")


def test_sign_on_a_phone_then_the_reviewer_opens_the_signed_pdf(app, live_server, browser, screenshot, csrf):
    make_staff("lin")
    draft = make_application("draft", checklist=CHECKLIST, situation=FAMILY,
                             answers={"hukou_xiamen": True, "members": [{}, {"relation": "child"}]})
    review.attach_document(draft.id, "id_card", store_photo(app).id, member=0)
    (declaration,) = signing.issue(draft.id, "property_declaration")
    (authorisation,) = signing.issue(draft.id, "econ_check_authorisation")
    Session.commit()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                has_touch=True).new_page()
    sign_on_phone(phone, f"{live_server.url}/sign/{declaration['token']}", screenshot, "sign-declaration")
    # A wrong last 4 digits is refused with a clear message, and nothing is lost of the typing.
    phone.goto(f"{live_server.url}/sign/{authorisation['token']}")
    draw_signature(phone)
    phone.fill("#name", "陈小明")
    phone.fill("#id_last4", "9999")
    phone.click("#submit")
    assert "不一致" in phone.inner_text(".error")
    assert phone.input_value("#name") == "陈小明"
    screenshot(phone, "sign-authorisation-wrong-digits")
    sign_on_phone(phone, f"{live_server.url}/sign/{authorisation['token']}", screenshot, "sign-authorisation")

    # The link was single-use.
    phone.goto(f"{live_server.url}/sign/{declaration['token']}")
    assert "已经用过了" in phone.inner_text("main")
    screenshot(phone, "sign-reused-link")
    # A link past its 7 days.
    other = make_application("draft", checklist=CHECKLIST, situation=FAMILY, openid="o-other")
    (late,) = signing.issue(other.id, "property_declaration")
    Session.scalar(select(SigningLink).where(SigningLink.application_id == other.id)).expires_at = \
        utcnow() - timedelta(minutes=1)
    Session.commit()
    response = phone.goto(f"{live_server.url}/sign/{late['token']}")
    assert response.status == 410 and "已经过期" in phone.inner_text("main")
    screenshot(phone, "sign-expired-link")

    # Everything is in: submitted with no paper and no office visit.
    Session.remove()
    assert set(signing.filed(draft.id)) == {"property_declaration", "econ_check_authorisation"}
    assert signing.at_visit_items(draft.id) == []
    review.submit(draft.id)
    Session.commit()
    digest = Session.scalar(select(SigningLink.text_sha256).where(
        SigningLink.application_id == draft.id, SigningLink.item_id == "property_declaration"))

    desk = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN").new_page()
    log_in_page(desk, live_server.url, "lin")
    desk.goto(f"{live_server.url}/staff/applications/{draft.id}")
    figure = desk.locator(".docs figure", has_text="家庭财产申报表")
    assert figure.count() == 1 and "已在手机上签字" in figure.inner_text()
    screenshot(desk, "sign-case-page")
    href = figure.get_by_role("link", name="打开文件").get_attribute("href")
    pdf = desk.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF") and digest.encode() in pdf.body()
    assert Session.get(Application, draft.id).state == "submitted"
