"""Urgent cases stay a conversation: after 人工 or words of urgency, everything the resident
sends goes into the case's thread, which staff read and answer in the console, until staff
close the case; a case nobody can place asks the resident where they live."""
from datetime import timedelta

from sqlalchemy import select, update

from bot.escalate import PAUSE_LASTS
from models import Escalation, Household, Resident, Session, utcnow
from models.casework import EscalationMessage
from tests.conftest import run_jobs
from tests.review.fixtures import PHONE, make_staff
from tests.staff.conftest import log_in


NOT_UNDERSTOOD = "我没太明白"


def _household(openid: str = "o-resident", district: str = "思明区", street: str = "鹭江街道") -> None:
    Session.add(Resident(openid=openid, household=Household(district=district, street=street)))
    Session.commit()


def _case() -> Escalation:
    Session.remove()
    return Session.scalar(select(Escalation))


def _thread(case_id: int) -> list[tuple[str, str]]:
    Session.remove()
    return Session.execute(select(EscalationMessage.author, EscalationMessage.text)
                           .where(EscalationMessage.escalation_id == case_id)
                           .order_by(EscalationMessage.id)).all()


def _staff_client(app, username: str, **kw):
    make_staff(username, role="caseworker", **kw)
    client = app.test_client()
    log_in(client, username)
    return client


def test_an_urgent_case_stays_a_conversation_until_staff_answer(app, chat):
    _household()
    assert "比较紧急" in chat.say("家里断粮了，孩子两天没吃饭")
    replies = [chat.say("我一个人带两个孩子，没有收入"), chat.photo(), chat.say(f"我的电话是{PHONE}")]
    assert "已经转给处理您情况的工作人员" in replies[0]
    assert all("已转给工作人员" in reply for reply in replies[1:])
    assert not any(NOT_UNDERSTOOD in reply or "请把材料拍照" in reply for reply in replies)
    assert "还没有提交过申请" in chat.say("进度")  # 进度 is still the chat's to answer

    run_jobs(app)  # the photo is downloaded
    case = _case()
    staff = _staff_client(app, "luj", street="鹭江街道")
    assert "新消息 3" in staff.get("/staff/escalations").get_data(as_text=True)
    page = staff.get(f"/staff/escalations/{case.id}").get_data(as_text=True)
    said = [page.index(text) for text in ("我一个人带两个孩子，没有收入", "[照片]", f"我的电话是{PHONE}")]
    assert said == sorted(said)  # the three messages, in order, the number whole for the household's street
    assert f"/staff/escalations/{case.id}/photos/" in page and "已转给工作人员" in page

    staff.post(f"/staff/escalations/{case.id}/message", data={"text": "您好，我是鹭江街道的小林，一小时内到您家。"})
    assert "您好，我是鹭江街道的小林，一小时内到您家。" in chat.pushed()
    thanks = chat.say("好的，谢谢，我在家等")
    assert NOT_UNDERSTOOD not in thanks and "已转给工作人员" in thanks
    assert [text for author, text in _thread(case.id) if author != "bot"][-2:] == [
        "您好，我是鹭江街道的小林，一小时内到您家。", "好的，谢谢，我在家等"]
    assert not any(NOT_UNDERSTOOD in text for text in chat.pushed())


def test_a_new_residents_case_asks_which_district_and_goes_there(app, chat):
    opened = chat.say("救命，我被赶出来了，没地方住")
    assert "比较紧急" in opened and "哪个区" in opened and "2 湖里区" in opened
    assert _case().district is None  # until the resident answers, the city's admins have it
    huli = _staff_client(app, "dianqian", district="湖里区", street="殿前街道")
    assert "没有会商" in huli.get("/staff/escalations").get_data(as_text=True)

    asked_street = chat.say("2")
    assert "湖里区" in asked_street and "哪个街道" in asked_street
    placed = chat.say("住在殿前街道")
    assert "湖里区殿前街道的工作人员" in placed
    case = _case()
    assert (case.district, case.street, case.asking) == ("湖里区", "殿前街道", None)
    listing = huli.get("/staff/escalations").get_data(as_text=True)
    assert f"/staff/escalations/{case.id}\"" in listing and "新消息 2" in listing
    assert "已转给工作人员" in chat.say("我现在在公园")  # asked once, not again


def test_district_and_street_in_one_answer(chat):
    assert "哪个区" in chat.say("急，老人住院了没钱交押金")
    assert "集美区灌口镇的工作人员" in chat.say("我家在集美区灌口镇")
    case = _case()
    assert (case.district, case.street) == ("集美区", "灌口镇")


def test_the_resident_can_go_back_to_an_application_and_come_back(chat):
    _household()
    chat.click("APPLY_DIBAO")
    chat.say("是")
    waiting_at = chat.question().path
    chat.say("人工")
    case = _case()
    asked = chat.say("低保多久能批下来")
    assert "继续申请" in asked and chat.question().path == waiting_at
    chat.say("继续申请")
    chat.say("否")  # the form's answer goes to the form, not to staff
    assert chat.question().path != waiting_at
    assert "否" not in [text for author, text in _thread(case.id) if author == "resident"]
    assert "已经转给处理您情况的工作人员" in chat.say("人工")  # asking for a person again: back in the thread
    assert _thread(case.id)[-2] == ("resident", "人工")

    chat.say("继续申请")
    Session.execute(update(Escalation).values(paused_at=utcnow() - PAUSE_LASTS - timedelta(minutes=1)))
    Session.commit()
    assert "已经转给处理您情况的工作人员" in chat.say("孩子发烧了怎么办")  # quiet for a while: staff have it again
    assert _thread(case.id)[-2] == ("resident", "孩子发烧了怎么办")


def test_when_staff_close_the_case_the_resident_is_told_and_the_chat_answers_again(app, chat):
    _household()
    chat.click("JOBS")
    chat.say("人工")
    case = _case()
    staff = _staff_client(app, "luj", street="鹭江街道")
    staff.post(f"/staff/escalations/{case.id}/message", data={"text": "已帮您登记，明天上午来电。"})
    staff.post(f"/staff/escalations/{case.id}/resolve", data={"resolution": "已电话联系，转低保申请"})
    pushed = chat.pushed()
    assert pushed[-2] == "已帮您登记，明天上午来电。" and "处理完" in pushed[-1]
    assert "最低生活保障" in chat.say("我要申请低保")  # the chat has the resident's messages again

    chat.say("人工")  # a new case: its transcript reads as people talk, both sides
    newer = Session.scalars(select(Escalation).order_by(Escalation.id.desc())).first()
    assert newer.id != case.id
    lines = [(line["from"], line["text"]) for line in newer.transcript]
    assert ("居民", "点击菜单「推荐岗位」") in lines and ("公众号", "已帮您登记，明天上午来电。") in lines
    assert not any("JOBS" in text for _, text in lines)
