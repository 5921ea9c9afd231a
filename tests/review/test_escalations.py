"""Urgent cases from the chat and from staff: notes, participants, resolution, response time."""
import pytest
from sqlalchemy import select

import review
from models import Application, AuditEntry, Escalation, EscalationNote, Household, Resident, Session
from models.casework import EscalationMessage
from review import escalations
from tests.review.fixtures import make_application, make_staff, reload, texts


def test_from_chat_about_an_application(app):
    application = make_application("submitted")
    case = review.escalate_from_chat("o-resident", "human", "看不懂要交哪些材料",
                                     [{"from": "居民", "text": "人工"}], application_id=application.id)
    Session.commit()
    assert (case.district, case.application_id, case.state) == ("思明区", application.id, "open")
    assert case.transcript == [{"from": "居民", "text": "人工"}]
    assert reload(Application, application.id).escalated is True


def test_from_chat_goes_to_the_residents_district_or_the_city(app):
    household = Household(district="湖里区", street="殿前街道")
    Session.add(Resident(openid="o-known", household=household))
    Session.commit()
    assert review.escalate_from_chat("o-known", "urgent", "没饭吃了", []).district == "湖里区"
    assert review.escalate_from_chat("o-new", "urgent", "没饭吃了", [], district="集美区").district == "集美区"
    assert review.escalate_from_chat("o-unknown", "human", None, []).district is None


def test_from_chat_refuses_someone_elses_application_and_unknown_kinds(app):
    application = make_application("submitted", openid="o-owner")
    with pytest.raises(review.ReviewError):
        review.escalate_from_chat("o-other", "human", "", [], application_id=application.id)
    with pytest.raises(ValueError):
        review.escalate_from_chat("o-owner", "chat", "", [])
    assert reload(Application, application.id).escalated is False


def test_staff_work_a_case_to_its_resolution(app):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    application = make_application("in_review")
    case = review.escalate_from_chat("o-resident", "urgent", "家里老人突发重病", [], application_id=application.id)
    Session.commit()
    assert escalations.time_to_first_response(case) is None
    escalations.add_note(case, caseworker, "已电话联系，明天上门")
    Session.commit()
    assert escalations.time_to_first_response(case) is not None
    escalations.add_participant(case, caseworker, "区医保局 王科长")
    Session.commit()
    escalations.add_participant(case, caseworker, "区医保局 王科长")
    Session.commit()
    assert case.participants == ["区医保局 王科长"]
    escalations.resolve(case, caseworker, "启动临时救助5000元")
    Session.commit()
    after = reload(Escalation, case.id)
    assert (after.state, after.resolution) == ("resolved", "启动临时救助5000元") and after.resolved_at
    assert reload(Application, application.id).escalated is False
    actions = Session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["escalation_note", "escalation_participant", "escalation_participant", "resolve_escalation"]
    with pytest.raises(review.InvalidTransition, match="已经办结"):
        escalations.add_note(after, caseworker, "再补一句")


def test_the_flag_stays_while_another_case_is_open(app):
    reviewer = make_staff()
    application = make_application("in_review")
    first = escalations.escalate(application.id, reviewer, "需要民政和医保一起商量")
    Session.commit()
    escalations.escalate(application.id, reviewer, "另一个问题")
    Session.commit()
    escalations.resolve(first, reviewer, "已处理")
    Session.commit()
    assert reload(Application, application.id).escalated is True


def test_staff_escalation_needs_a_reason_and_an_open_application(app):
    reviewer = make_staff()
    with pytest.raises(review.ReviewError, match="请写明需要会商的原因"):
        escalations.escalate(make_application("in_review").id, reviewer, "")
    with pytest.raises(review.InvalidTransition, match="不能发起会商"):
        escalations.escalate(make_application("approved", openid="o-2").id, reviewer, "复查")


def test_a_reply_reaches_the_resident_and_stays_in_the_thread(app, fake_wechat, run_worker):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    case = review.escalate_from_chat("o-resident", "human", "想问问", [])
    Session.commit()
    escalations.message_resident(case, caseworker, "您好，我是鹭江街道的小林，明天上午给您打电话。")
    Session.commit()
    run_worker()
    assert texts(fake_wechat) == ["您好，我是鹭江街道的小林，明天上午给您打电话。"]
    assert reload(Escalation, case.id).first_response_at is not None
    line = Session.scalar(select(EscalationMessage))
    assert (line.author, line.staff_id, line.text) == ("staff", caseworker.id, "您好，我是鹭江街道的小林，明天上午给您打电话。")
    assert Session.scalar(select(EscalationNote)) is None  # the conference's own notes stay its own


def test_a_case_the_resident_asked_for_is_their_conversation(app):
    assert review.escalate_from_chat("o-a", "human", None, []).in_chat
    assert review.escalate_from_chat("o-b", "urgent", "没饭吃了", []).in_chat
    flood = review.escalate_from_chat("o-c", "flood", "消息过多", [])
    Session.commit()
    assert not flood.in_chat and escalations.open_thread("o-c") is None
    assert review.escalate_from_chat("o-c", "human", None, []).id == flood.id  # 人工 after a flood
    assert escalations.open_thread("o-c").id == flood.id
    staff_case = escalations.escalate(make_application("in_review", openid="o-d").id, make_staff(), "会商")
    Session.commit()
    assert not staff_case.in_chat and escalations.open_thread("o-d") is None


def test_closing_a_conversation_tells_the_resident(app, fake_wechat, run_worker):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    case = review.escalate_from_chat("o-resident", "urgent", "家里断粮了", [])
    Session.commit()
    escalations.resolve(case, caseworker, "已送去米面油，临时救助1000元")
    Session.commit()
    run_worker()
    shown = texts(fake_wechat)
    assert len(shown) == 1 and "处理完" in shown[0] and "人工" in shown[0]
    assert "1000" not in shown[0]  # the resolution is the conference's record, not a message
    assert escalations.open_thread("o-resident") is None
