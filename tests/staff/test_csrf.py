"""Every console form needs its CSRF token; WeChat's own POSTs do not."""
from sqlalchemy import select

from fakewechat.sender import WeChatSender
from models import Application, InboundMessage, Session
from tests.conftest import TEST_AES_KEY
from tests.review.fixtures import make_application, make_staff, reload
from tests.staff.conftest import token


def test_log_in_without_the_token_is_refused(app, client, csrf):
    make_staff("lin")
    response = client.post("/staff/login", data={"username": "lin", "password": "a-long-test-password"})
    assert response.status_code == 400
    page = client.get("/staff/login").get_data(as_text=True)
    response = client.post("/staff/login", data={"username": "lin", "password": "a-long-test-password",
                                                 "csrf_token": token(page)})
    assert response.status_code == 302


def test_a_decision_without_the_token_is_refused(app, client, csrf):
    make_staff("lin")
    application = make_application("in_review", programme="weifang")  # no 公示 for 危房
    login_page = client.get("/staff/login").get_data(as_text=True)
    client.post("/staff/login", data={"username": "lin", "password": "a-long-test-password",
                                      "csrf_token": token(login_page)})
    for forged in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/staff/applications/{application.id}/approve", data={"amount": "1", **forged})
        assert response.status_code == 400
        assert "请返回、刷新页面后再提交" in response.get_data(as_text=True)
    assert reload(Application, application.id).state == "in_review"
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    response = client.post(f"/staff/applications/{application.id}/approve",
                           data={"amount": "1", "csrf_token": token(page)})
    assert response.status_code == 302
    assert reload(Application, application.id).state == "approved"


def test_every_form_of_the_case_page_carries_a_token(app, client, csrf):
    make_staff("lin")
    application = make_application("in_review", programme="weifang")  # no 公示 for 危房
    login_page = client.get("/staff/login").get_data(as_text=True)
    client.post("/staff/login", data={"username": "lin", "password": "a-long-test-password",
                                      "csrf_token": token(login_page)})
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    forms = page.count('<form method="post"')
    assert forms >= 6 and page.count('name="csrf_token"') == forms


def test_wechat_posts_are_not_asked_for_a_token(app, client, csrf):
    sender = WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode="safe")
    query, body = sender.envelope(sender.text("o-csrf", "你好"))
    response = client.post("/wechat", query_string=query, data=body, content_type="text/xml")
    assert response.status_code == 200
    assert Session.scalar(select(InboundMessage).where(InboundMessage.openid == "o-csrf")) is not None
