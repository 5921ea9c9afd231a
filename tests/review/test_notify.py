"""Every state change reaches the resident's phone, through the fake WeChat server."""
from sqlalchemy import select

import review
from models import OutboundMessage, Session
from review import documents, lifecycle
from tests.review.fixtures import make_application, make_staff, store_photo, texts


def test_the_whole_journey_reaches_the_resident(app, fake_wechat, run_worker):
    reviewer = make_staff()
    application = make_application("draft")
    review.submit(application.id)
    lifecycle.claim(application.id, reviewer)
    documents.request_documents(application.id, reviewer, ["hukou_book", "id_card:1"], "请拍清楚户主页")
    run_worker()
    inbox = texts(fake_wechat)
    assert len(inbox) == 3
    assert "已经提交" in inbox[0] and "前办结" in inbox[0]
    assert "开始审核" in inbox[1]
    # Two documents asked for: ONE message names both.
    assert "户口簿" in inbox[2] and "身份证（第2位家庭成员）" in inbox[2] and "请拍清楚户主页" in inbox[2]

    review.attach_document(application.id, "hukou_book", store_photo(app).id)
    review.attach_document(application.id, "id_card", store_photo(app, content=b"\x89PNG other").id, member=1)
    lifecycle.approve(application.id, reviewer, "710")
    run_worker()
    inbox = texts(fake_wechat)
    assert len(inbox) == 5
    assert "已经收齐" in inbox[3]
    assert "已经批准" in inbox[4] and "核定金额710.00元" in inbox[4]
    assert {m.state for m in Session.scalars(select(OutboundMessage))} == {"sent"}


def test_rejection_reason_reaches_the_resident_word_for_word(app, fake_wechat, run_worker):
    reviewer = make_staff()
    application = make_application("in_review")
    lifecycle.reject(application.id, reviewer, "家庭人均收入高于低保标准。")
    run_worker()
    assert "原因：家庭人均收入高于低保标准。" in texts(fake_wechat)[0]


def test_outside_the_48_hour_window_the_template_carries_it(app, fake_wechat, run_worker):
    from channels import outbound
    from webhook import create_app

    fake_wechat.close_window("o-resident")
    reviewer = make_staff()
    application = make_application("in_review")
    # The account's own template id comes from [wechat] status_template_id.
    create_app({"WECHAT_STATUS_TEMPLATE_ID": "TPL-account-issued-id",
                "DATABASE_URL": app.config["DATABASE_URL"]})
    try:
        lifecycle.approve(application.id, reviewer, "500")
    finally:
        outbound.configure_templates(status=app.config["WECHAT_STATUS_TEMPLATE_ID"])
    run_worker()
    [message] = fake_wechat.messages("o-resident")
    assert message["kind"] == "template"
    assert message["body"]["template_id"] == "TPL-account-issued-id"
    data = message["body"]["data"]
    assert data["keyword1"]["value"] == "最低生活保障（低保）" and data["keyword2"]["value"] == "已批准"
    assert "500.00" in data["remark"]["value"]


def test_withdrawal_is_confirmed(app, fake_wechat, run_worker):
    application = make_application("need_documents")
    review.withdraw(application.id, "o-resident")
    run_worker()
    assert "已经撤回" in texts(fake_wechat)[0]


def test_an_application_without_a_resident_changes_quietly(app):
    reviewer = make_staff()
    application = make_application("in_review", openid=None)
    lifecycle.approve(application.id, reviewer, "1")
    assert Session.scalars(select(OutboundMessage)).all() == []
