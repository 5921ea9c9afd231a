"""The mini-program from log-in to a decision: a resident applies, a reviewer approves in the
console, and the decision reaches the resident as a 订阅消息 when they granted one, through
the Official Account when they did not."""
from datetime import timedelta

from sqlalchemy import func, select, update

from models import Application, MpSubscription, OutboundMessage, Session, utcnow
from tests.mp.conftest import MiniProgram
from tests.mp.helpers import SITUATION, fill, png
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in

STATUS_TEMPLATE = "yitang-mp-status"  # webhook/config.py's default [miniprogram] status_template_id


def _apply(client, mini) -> int:
    """login → draft → answers → verdict (= precheck) → documents → submit; the application id."""
    assert mini.post("/api/mp/applications", json={"form": "dibao"}).status_code == 201
    fill(mini)
    verdict = mini.post("/api/mp/applications/dibao/verdict").get_json()
    precheck = client.post("/api/mp/precheck", json=SITUATION).get_json()["programmes"]
    assert verdict["programmes"] and all(precheck[name] == result for name, result in verdict["programmes"].items())
    for n, slot in enumerate(verdict["missing"]):
        assert mini.upload("dibao", slot, png(colour=(n * 30 % 256, 80, 20))).status_code == 201
    application_id = verdict["application_id"]
    submitted = mini.post(f"/api/mp/applications/{application_id}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    return application_id


def _console(app):
    make_staff("lin")
    console = app.test_client()
    log_in(console, "lin")
    return console


def _post_publicly(console, application_id: int, run_worker) -> None:
    """The reviewer sees it, claims it and posts the 公示; its notice goes out."""
    queue = console.get("/staff/queue").get_data(as_text=True)
    assert f'/staff/applications/{application_id}"' in queue
    console.post(f"/staff/applications/{application_id}/claim")
    console.post(f"/staff/applications/{application_id}/publicity", data={"amount": "710"})
    run_worker()


def _approve(console, application_id: int) -> int:
    """Seven days later the 公示 is over: approved. The decision's message is the first one
    recorded after this (the approval's linked-programmes job may tell the family more)."""
    before = Session.scalar(select(func.max(OutboundMessage.id))) or 0
    Session.execute(update(Application).where(Application.id == application_id)
                    .values(publicity_until=utcnow() - timedelta(minutes=1)))
    Session.commit()
    page = console.post(f"/staff/applications/{application_id}/approve", data={"amount": "710"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已批准" in page
    return before


def _approve_in_console(app, application_id: int, run_worker) -> int:
    console = _console(app)
    _post_publicly(console, application_id, run_worker)
    return _approve(console, application_id)


def _decision(before: int) -> OutboundMessage:
    """The message that told the resident of the approval: the first recorded after `before`."""
    Session.remove()
    return Session.scalars(select(OutboundMessage).where(OutboundMessage.id > before)
                           .order_by(OutboundMessage.id)).first()


def test_apply_in_the_mini_program_approved_and_told_by_subscribe_message(app, client, mp_wechat, run_worker):
    mini = MiniProgram(client, mp_wechat, mp_openid="o-mp-chen")
    mini.login()
    application_id = _apply(client, mini)
    console = _console(app)
    _post_publicly(console, application_id, run_worker)
    granted = mini.post("/api/mp/subscriptions", json={"template_ids": [STATUS_TEMPLATE]})
    assert granted.status_code == 201 and granted.get_json()["granted"] == {STATUS_TEMPLATE: 1}
    before = _approve(console, application_id)
    run_worker()

    [subscribe] = [m for m in mp_wechat.messages() if m["kind"] == "subscribe"]
    assert subscribe["openid"] == "o-mp-chen" and subscribe["body"]["template_id"] == STATUS_TEMPLATE
    assert subscribe["body"]["data"]["thing2"]["value"] == "已批准"
    assert subscribe["body"]["page"].endswith(f"id={application_id}")
    record = _decision(before)
    assert (record.kind, record.state) == ("subscribe", "sent")
    # Sent with the mini-program's own access token, not the Official Account's.
    [call] = mp_wechat.calls("cgi-bin/message/subscribe/send")
    token = call["query"]["access_token"]
    assert mp_wechat._tokens[token]["app_id"] == app.config["MINIPROGRAM_APP_ID"]
    # The grant paid for that one message: the next decision would take the Official Account.
    assert Session.scalar(select(MpSubscription.outbound_id)) == record.id
    assert mini.post("/api/mp/subscriptions", json={"template_ids": [STATUS_TEMPLATE]}).get_json()["granted"] \
        == {STATUS_TEMPLATE: 1}

    listed = {a["id"]: a for a in mini.get("/api/mp/applications").get_json()["applications"]}
    assert (listed[application_id]["state"], listed[application_id]["state_label"]) == ("approved", "已批准")
    # The worked example's household has a pupil: the 低保 approval opened 教育救助 without an application.
    [linked] = [a for a in listed.values() if a["id"] != application_id]
    assert (linked["programme"], linked["state"]) == ("jiaoyu", "submitted")


def test_without_a_grant_the_decision_goes_through_the_official_account(app, client, mp_wechat, run_worker):
    mini = MiniProgram(client, mp_wechat, mp_openid="o-mp-lin")
    mini.login()
    application_id = _apply(client, mini)
    before = _approve_in_console(app, application_id, run_worker)
    run_worker()

    assert not [m for m in mp_wechat.messages() if m["kind"] == "subscribe"]
    record = _decision(before)
    assert (record.kind, record.state) == ("custom", "sent")
    assert any("批准" in m["body"]["text"]["content"] and "710" in m["body"]["text"]["content"]
               for m in mp_wechat.messages("o-mp-lin") if m["kind"] == "custom")


def test_a_refused_subscribe_message_falls_back_to_the_official_account(app, client, mp_wechat, run_worker):
    mini = MiniProgram(client, mp_wechat, mp_openid="o-mp-wu")
    mini.login()
    application_id = _apply(client, mini)
    console = _console(app)
    _post_publicly(console, application_id, run_worker)
    mini.post("/api/mp/subscriptions", json={"template_ids": [STATUS_TEMPLATE]})
    before = _approve(console, application_id)
    mp_wechat.fail_next("cgi-bin/message/subscribe/send", "errcode", errcode=43101, errmsg="user refuse to accept the msg")
    run_worker()

    record = _decision(before)
    assert (record.kind, record.state) == ("custom", "sent")
    assert "43101" in record.last_error


def test_unknown_or_malformed_template_ids_are_refused_by_name(resident):
    unknown = resident.post("/api/mp/subscriptions", json={"template_ids": ["someone-elses-template"]})
    assert unknown.status_code == 400
    assert unknown.get_json()["field"] == "template_ids" and "someone-elses-template" in unknown.get_json()["error"]
    assert resident.post("/api/mp/subscriptions", json={"template_ids": "x"}).status_code == 400
    assert resident.post("/api/mp/subscriptions", json={"template_ids": [STATUS_TEMPLATE], "x": 1}).get_json()["field"] == "x"
    assert Session.scalar(select(MpSubscription.id)) is None


def test_subscriptions_need_a_token(client, mp_wechat):
    assert client.post("/api/mp/subscriptions", json={"template_ids": [STATUS_TEMPLATE]}).status_code == 401
