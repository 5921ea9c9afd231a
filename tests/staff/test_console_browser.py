"""A reviewer's morning in a real browser: log in, open the queue, claim an application, look
at its photos, ask for two documents, receive them, approve. The pages need no JavaScript."""
from datetime import timedelta

import pytest
from sqlalchemy import update

import review
from models import Application, ApplicationDocument, Session, utcnow
from tests.staff.conftest import log_in_page
from tests.review.fixtures import make_application, make_staff, reload, store_photo, texts

pytestmark = pytest.mark.browser


def test_review_an_application_from_queue_to_approval(app, live_server, browser, screenshot, csrf, fake_wechat,
                                                      run_worker):
    make_staff("lin")
    draft = make_application("draft")
    review.attach_document(draft.id, "id_card", store_photo(app).id, member=0)
    review.submit(draft.id)
    Session.commit()  # as the chat's turn does: review only adds rows

    page = browser.new_page(java_script_enabled=False)  # every page must work without it
    page.goto(f"{live_server.url}/staff/queue")
    assert page.url.startswith(f"{live_server.url}/staff/login")
    page.fill("#username", "lin")
    page.fill("#password", "a-long-test-password")
    screenshot(page, "01-login")
    page.click("button:has-text('登录')")

    assert page.url.startswith(f"{live_server.url}/staff/queue")
    row = page.locator("tbody tr", has_text="最低生活保障（低保）")
    assert "陈**" in row.inner_text() and "未认领" in row.inner_text()
    assert "350203198001011234" not in page.content()  # lists show no identity number
    screenshot(page, "02-queue")
    row.get_by_role("link", name=str(draft.id)).click()

    page.click("button:has-text('认领')")
    assert "已认领" in page.inner_text(".flash")
    assert "审核中" in page.inner_text("h1")
    photo = page.locator(".docs img")
    assert photo.count() == 1
    screenshot(page, "03-application-claimed")

    page.check("input[name=items][value='hukou_book']")
    page.check("input[name=items][value='id_card:1']")
    page.fill("#note", "户口簿请拍户主页和本人页")
    page.click("button:has-text('通知居民补充')")
    assert "待补充材料" in page.inner_text("h1")
    screenshot(page, "04-documents-requested")
    run_worker()
    submitted, claimed, request = texts(fake_wechat)  # the two documents in ONE message
    assert "户口簿" in request and "身份证（第2位家庭成员）" in request

    # The resident sends the two photos in the chat.
    review.attach_document(draft.id, "hukou_book", store_photo(app, content=b"\x89PNG hukou").id)
    review.attach_document(draft.id, "id_card", store_photo(app, content=b"\x89PNG id").id, member=1)
    Session.commit()
    Session.remove()
    page.reload()
    assert "审核中" in page.inner_text("h1")
    screenshot(page, "05-documents-received")

    # 低保 is decided after 7 days of 公示 in the community (masked: surname, street, amount).
    page.fill("#amount", "1600")
    page.click("button:has-text('开始公示')")
    assert "公示中" in page.inner_text("h1")
    assert "陈某" in page.inner_text("#publicity") and "每月 1,600 元" in page.inner_text("#publicity")
    assert page.get_by_role("button", name="批准", exact=True).is_disabled()
    screenshot(page, "06-publicity")
    Session.execute(update(Application).where(Application.id == draft.id)
                    .values(publicity_until=utcnow() - timedelta(minutes=1)))  # a week on
    Session.commit()
    page.reload()
    assert "公示期已满" in page.inner_text("#publicity")
    page.get_by_role("button", name="批准", exact=True).click()
    assert "已批准" in page.inner_text(".flash")
    screenshot(page, "07-approved")
    approved = reload(Application, draft.id)
    assert approved.state == "approved" and float(approved.decision_amount) == 1600.0
    run_worker()
    assert "每月 1,600 元" in texts(fake_wechat)[-1] and "发放方式" in texts(fake_wechat)[-1]


def test_photos_show_in_the_page(app, live_server, browser, screenshot):
    """The stored image is served to the page (its pixels arrive: it has a width)."""
    make_staff("lin")
    application = make_application("in_review")
    Session.add(ApplicationDocument(application_id=application.id, item_id="id_card", member=0,
                                    media_file_id=store_photo(app).id, state="received"))
    Session.commit()
    page = browser.new_page()
    log_in_page(page, live_server.url, "lin")
    page.goto(f"{live_server.url}/staff/applications/{application.id}")
    width = page.locator(".docs img").evaluate("img => img.complete && img.naturalWidth")
    assert width == 240
    screenshot(page, "07-document-image")


def _csp_violations(page) -> list[str]:
    """What Chromium logs when the Content-Security-Policy blocks something on the page
    ("Applying inline style violates the following Content Security Policy directive …";
    older versions: "Refused to …")."""
    refused = []
    page.on("console", lambda msg: refused.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text else None)
    return refused


def test_the_content_security_policy_blocks_nothing_on_the_console(app, live_server, browser, screenshot):
    make_staff("lin")
    make_application("submitted")
    make_application("submitted", openid="o-2")
    make_application("in_review", openid="o-3")
    page = browser.new_page()
    refused = _csp_violations(page)
    page.goto(f"{live_server.url}/staff/login")
    screenshot(page, "08-login-under-csp")
    page.fill("#username", "lin")
    page.fill("#password", "a-long-test-password")
    page.click("button:has-text('登录')")
    page.goto(f"{live_server.url}/staff/dashboard")
    screenshot(page, "09-dashboard-under-csp")
    assert refused == []
    # The bars are drawn by the stylesheet: 2 submitted is the full track, 1 in review half of it.
    full = page.locator(".bars [aria-label='已提交，等待审核 2'] .fill").bounding_box()["width"]
    half = page.locator(".bars [aria-label='审核中 1'] .fill").bounding_box()["width"]
    track = page.locator(".bars [aria-label='已提交，等待审核 2']").bounding_box()["width"]
    assert full == pytest.approx(track, abs=1) and half == pytest.approx(track / 2, abs=1)
    page.goto(f"{live_server.url}/staff/no-such-page")
    assert "没有找到" in page.inner_text("h1")
    assert page.evaluate("() => getComputedStyle(document.body).maxWidth") != "none"  # styled, not inline
    assert refused == []
    # And the policy is in force: script injected into a page does not run, and is reported.
    with page.expect_console_message(lambda msg: "inline script" in msg.text and "Content Security Policy" in msg.text):
        ran = page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.injected = true'; document.body.appendChild(s); return window.injected; }""")
    assert ran is None
