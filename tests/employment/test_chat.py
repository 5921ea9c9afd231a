"""The 112 service in the chat: registering from 求职登记, 推荐岗位, and "感兴趣 / 不合适"."""
from __future__ import annotations

from sqlalchemy import func, select

import forms
from employment import chat, registration
from models import Delivery, Household, Recommendation, Resident, Seeker, Session
from tests.examples import typed

from .builders import id_number, make_employer, make_opening

OPENID = "o-jobseeker"
# 林芳, 45, unemployed 8 months and registered: a 就业困难人员 by the rules.
PLAN = {"name": "林芳", "sex": "女", "age": "45", "hukou_xiamen": "是", "education": "2",
        "registered_unemployed": "是", "unemployed_months": "8", "land_expropriated": "否", "dibao_recipient": "否",
        "disabled": "否", "skills": "收银、保洁", "desired_work": "保洁", "work_districts": "1",
        "public_welfare": "是", "contact": "1", "phone": "13912345678",
        "id_number": id_number(7, born="19751231"), "district": "1", "consent": "1"}


def answered(plan: dict) -> dict:
    """The jiuye form's answers as the chat stores them, from what a resident types."""
    form, answers = forms.get("jiuye"), {}
    while (question := forms.next_question(form, answers)) is not None:
        text = typed(question, plan)
        answers = forms.skip(form, answers, question.path) if text is None else \
            forms.answer(form, answers, question.path, text)
    return answers


def register(openid: str = OPENID, **over) -> Seeker:
    answers = answered(PLAN | over)
    seeker = registration.register_from_chat(openid, answers, forms.assess(forms.get("jiuye"), answers))
    Session.commit()
    return seeker


def test_registering_makes_one_seeker_from_the_answers_linked_to_the_residents_household(app):
    home = Household(district="思明区", street="中华街道")
    Session.add(home)
    Session.flush()
    Session.add(Resident(openid=OPENID, household_id=home.id))
    Session.commit()
    seeker = register(contact="3", email="lin@example.com")
    assert (seeker.name, seeker.phone, seeker.email) == ("林芳", "13912345678", "lin@example.com")
    assert (seeker.district, seeker.street, seeker.household_id) == ("思明区", "中华街道", home.id)
    assert seeker.occupation_code == "4-09-07" and seeker.desired_work == "保洁"
    assert seeker.education == "junior" and seeker.birth_year == 1975 and seeker.sex == "female"
    assert seeker.jiuye_kunnan and seeker.registered_unemployed and seeker.source == "chat"
    assert seeker.prefer == ["email", "wechat", "sms"] and seeker.work_districts == ["思明区"]
    again = register(contact="2", desired_work="超市收银")  # the same person registers again
    assert again.id == seeker.id and Session.scalar(select(func.count()).select_from(Seeker)) == 1
    assert again.prefer[0] == "sms" and again.occupation_code == "4-01-02"


def test_a_seeker_who_is_not_registered_unemployed_is_not_a_jiuye_kunnan(app):
    seeker = register(age="30", id_number=id_number(8, born="19951231"), registered_unemployed="否")
    assert not seeker.jiuye_kunnan


def test_registering_matches_at_once_and_queues_the_first_digest(app):
    make_opening("小区保洁员")
    seeker = register()
    [delivery] = Session.scalars(select(Delivery)).all()
    assert delivery.purpose == "jobs" and "小区保洁员" in delivery.content["text"]
    assert delivery.contact["openid"] == OPENID and delivery.prefer == "wechat,sms,email"
    text = chat.registered(seeker)
    assert "1次上门走访、1次培训机会、2次岗位推荐" in text and "微信消息" in text
    assert "推荐岗位" in text and "退订" in text and "已为您找到1个" in text
    assert "公益性岗位" in text  # she is a 就业困难人员
    register()  # the same message handled again: nothing more is sent
    assert Session.scalar(select(func.count()).select_from(Delivery)) == 1


def test_the_reply_says_how_sms_and_email_pushes_stop(app):
    assert "TD" in chat.registered(register(contact="2"))
    sms_text = chat.registered(register(contact="3", email="lin@example.com"))
    assert "退订链接" in sms_text and "暂时没有合适的岗位" in sms_text


def test_jobs_lists_current_matches_with_reasons_and_how_to_answer(app):
    assert "还没有做求职登记" in chat.current(OPENID)
    register()
    assert "暂时没有适合您的新岗位" in chat.current(OPENID)
    opening = make_opening("小区保洁员")
    from employment import matching
    matching.recommend()
    Session.commit()
    text = chat.current(OPENID)
    assert f"【{opening.id}】小区保洁员（鹭岛物业公司）" in text
    assert "推荐理由：和您想做的工作对口" in text and f"感兴趣 {opening.id}" in text


def test_not_suitable_is_recorded_and_the_job_is_no_longer_shown(app):
    opening = make_opening("小区保洁员")
    register()
    reply = chat.respond(OPENID, f"不合适 {opening.id}")
    assert "不再推荐" in reply
    rec = Session.scalar(select(Recommendation))
    assert rec.response == "not_suitable" and rec.responded_at is not None
    assert "小区保洁员" not in chat.current(OPENID)


def test_interested_tells_the_employer_at_once_with_name_and_phone(app):
    opening = make_opening("小区保洁员", employer=make_employer(email="hr@ludao.example"))
    register()
    reply = chat.respond(OPENID, "感兴趣")  # the latest push carried one job: that one
    assert "小区保洁员" in reply and "139****5678" in reply
    assert Session.scalar(select(Recommendation.response)) == "interested"
    told = Session.scalars(select(Delivery).where(Delivery.purpose == "employer")).one()
    assert told.contact["email"] == "hr@ludao.example"
    assert "林芳" in told.content["text"] and "13912345678" in told.content["text"]
    assert str(opening.id) in told.content["text"] and "林芳" in told.content["subject"]
    chat.respond(OPENID, f"感兴趣 {opening.id}")  # said twice: the employer is told once
    assert Session.scalar(select(func.count()).select_from(Delivery).where(Delivery.purpose == "employer")) == 1


def test_answers_that_name_no_job_of_theirs_are_asked_again(app):
    assert chat.respond(OPENID, "我对这个感兴趣吗") is None  # not a 112 answer: the bot goes on
    assert chat.respond(OPENID, "你好") is None
    assert "还没有做求职登记" in chat.respond(OPENID, "感兴趣 3")
    first = make_opening("小区保洁员")
    second = make_opening("商场保洁员", street="中华街道")
    register()
    assert "没有找到给您推荐过的99999号岗位" in chat.respond(OPENID, "感兴趣 99999")
    which = chat.respond(OPENID, "感兴趣")  # the digest carried two: which one?
    assert f"感兴趣 {first.id}" in which or f"感兴趣 {second.id}" in which
    assert Session.scalar(select(Recommendation).where(Recommendation.response.is_not(None))) is None
