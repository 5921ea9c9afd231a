"""Every state change reaches the resident's phone, through the fake WeChat server. Each step
is committed here as the HTTP handler or the chat's turn commits it: review only adds rows."""
from datetime import timedelta

from sqlalchemy import select, update

import review
from models import Application, OutboundMessage, Session, utcnow
from review import documents, lifecycle
from review.routing import local_date
from tests.review.fixtures import make_application, make_staff, reload, store_photo, texts


def _next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _publicity_over(application_id: int) -> None:
    """Seven days later: the 公示 has ended."""
    Session.execute(update(Application).where(Application.id == application_id)
                    .values(publicity_until=utcnow() - timedelta(minutes=1)))
    Session.commit()


def test_the_whole_journey_reaches_the_resident(app, fake_wechat, run_worker):
    reviewer = make_staff()
    application = make_application("draft", applicant_name="张秀英", street="筼筜街道")
    for step in (lambda: review.submit(application.id), lambda: lifecycle.claim(application.id, reviewer),
                 lambda: documents.request_documents(application.id, reviewer, ["hukou_book", "id_card:1"],
                                                     "请拍清楚户主页")):
        step()
        Session.commit()
    run_worker()
    inbox = texts(fake_wechat)
    assert len(inbox) == 3
    assert "已经提交" in inbox[0] and "前办结" in inbox[0]
    assert "开始审核" in inbox[1]
    # Two documents asked for: ONE message names both.
    assert "户口簿" in inbox[2] and "身份证（第2位家庭成员）" in inbox[2] and "请拍清楚户主页" in inbox[2]

    review.attach_document(application.id, "hukou_book", store_photo(app).id)
    review.attach_document(application.id, "id_card", store_photo(app, content=b"\x89PNG other").id, member=1)
    Session.commit()
    # Two people without income: the rules' figure is the whole standard for two, 1,600 a month.
    lifecycle.start_publicity(application.id, reviewer, "1600")
    Session.commit()
    run_worker()
    inbox = texts(fake_wechat)
    assert "已经收齐" in inbox[3]
    assert "公示7天" in inbox[4] and "张某 · 筼筜街道 · 低保 · 每月 1,600 元" in inbox[4]
    assert "秀英" not in inbox[4]  # the notice shows the surname only

    _publicity_over(application.id)
    lifecycle.approve(application.id, reviewer, "")
    Session.commit()
    run_worker()
    approval = texts(fake_wechat)[5]
    start = _next_month(local_date(utcnow()))
    assert "已经批准：每月 1,600 元" in approval
    assert f"从{start.year}年{start.month}月起发放" in approval
    assert "发放方式：社会化发放，每月打入您家的银行账户（社会保障卡）" in approval
    assert {m.state for m in Session.scalars(select(OutboundMessage))} == {"sent"}


def test_a_refusal_names_the_reason_the_rights_and_the_way_to_a_person(app, fake_wechat, run_worker):
    reviewer = make_staff()
    application = make_application("in_review")
    lifecycle.reject(application.id, reviewer, "家庭人均收入高于低保标准。")
    Session.commit()
    run_worker()
    [message] = texts(fake_wechat)
    assert "原因：家庭人均收入高于低保标准。" in message
    assert "60日内申请行政复议" in message and "6个月内向人民法院提起行政诉讼" in message
    assert "回复“人工”" in message


def test_an_extension_tells_the_resident_why_and_until_when(app, fake_wechat, run_worker):
    reviewer = make_staff()
    application = make_application("in_review")
    before = application.deadline_at
    lifecycle.extend(application.id, reviewer, "需要到车管所核对家中车辆信息")
    Session.commit()
    run_worker()
    after = reload(Application, application.id)
    assert after.deadline_at > before and after.extension_reason == "需要到车管所核对家中车辆信息"
    due = local_date(after.deadline_at)
    [message] = texts(fake_wechat)
    assert "延长办理时间15个工作日" in message and f"最迟{due.year}年{due.month}月{due.day}日前办结" in message
    assert "延期原因：需要到车管所核对家中车辆信息" in message


def test_outside_the_48_hour_window_the_template_carries_it(app, fake_wechat, run_worker):
    from channels import outbound
    from webhook import create_app

    fake_wechat.close_window("o-resident")
    reviewer = make_staff()
    application = make_application("in_review", programme="weifang")
    # The account's own template id comes from [wechat] status_template_id.
    create_app({"WECHAT_STATUS_TEMPLATE_ID": "TPL-account-issued-id",
                "DATABASE_URL": app.config["DATABASE_URL"]})
    try:
        lifecycle.approve(application.id, reviewer, "500")
        Session.commit()
    finally:
        outbound.configure_templates(status=app.config["WECHAT_STATUS_TEMPLATE_ID"])
    run_worker()
    [message] = fake_wechat.messages("o-resident")
    assert message["kind"] == "template"
    assert message["body"]["template_id"] == "TPL-account-issued-id"
    data = message["body"]["data"]
    assert data["keyword1"]["value"] == "农村危房改造" and data["keyword2"]["value"] == "已批准"
    assert "核定金额500元" in data["remark"]["value"]


def test_withdrawal_is_confirmed(app, fake_wechat, run_worker):
    application = make_application("need_documents")
    review.withdraw(application.id, "o-resident")
    Session.commit()
    run_worker()
    assert "已经撤回" in texts(fake_wechat)[0]


def test_a_message_is_sent_only_with_the_change_it_reports(app, fake_wechat, run_worker):
    """A step that is rolled back (the handler failed after it) sends nothing."""
    reviewer = make_staff()
    app_id = make_application("in_review").id
    lifecycle.reject(app_id, reviewer, "收入超过标准")
    Session.rollback()
    run_worker()
    assert fake_wechat.messages("o-resident") == []
    assert Session.scalars(select(OutboundMessage)).all() == []
    assert reload(Application, app_id).state == "in_review"


def test_an_application_without_a_resident_changes_quietly(app):
    reviewer = make_staff()
    application = make_application("in_review", openid=None, programme="weifang")
    lifecycle.approve(application.id, reviewer, "1")
    Session.commit()
    assert reload(Application, application.id).state == "approved"
    assert Session.scalars(select(OutboundMessage)).all() == []
