"""Going back, changing an answer, wrong answers, skipping, resuming, cancelling."""
import time

from bot import session as sessions
from tests.examples import WORKED_EXAMPLE_PLAN


def start_household(chat, members="2"):
    chat.click("APPLY_DIBAO")
    chat.say("是")
    chat.say("否")
    return chat.say(members)


def test_invalid_answer_is_re_asked_with_a_hint(chat):
    chat.click("APPLY_DIBAO")
    reply = chat.say("也许吧")
    assert "您家的户口在厦门吗？" in reply and "是" in reply
    assert chat.question().path == ("hukou_xiamen",)


def test_three_failures_offer_a_person_or_skipping(chat):
    start_household(chat)
    for _ in range(2):
        chat.say("很老了")
    third = chat.say("很老了")
    assert "回复“人工”" in third
    assert chat.question().path == ("members", 0, "age")


def test_optional_question_can_be_skipped(chat):
    chat.click("APPLY_DIBAO")
    chat.fill(WORKED_EXAMPLE_PLAN | {"street": None})  # the plan answers 跳过 to the street
    assert chat.session()["answers"]["street"] is None
    assert "请核对" in chat.say("你好")  # the walk went on to the summary


def test_required_question_cannot_be_skipped(chat):
    chat.click("APPLY_DIBAO")
    reply = chat.say("跳过")
    assert chat.question().path == ("hukou_xiamen",)
    assert "您家的户口在厦门吗？" in reply


def test_back_returns_to_the_previous_question(chat):
    start_household(chat)
    assert chat.question().path == ("members", 0, "age")
    reply = chat.say("返回")
    assert "您家一起生活的有几口人？" in reply
    assert chat.question().path == ("members",)


def test_change_an_earlier_answer_from_the_summary(chat):
    chat.click("APPLY_DIBAO")
    chat.fill(WORKED_EXAMPLE_PLAN)
    listing = chat.say("修改")
    assert "要修改哪一项？" in listing and "3. 您家一起生活的有几口人？ 3人" in listing
    lines = [line for line in listing.splitlines() if "存款" in line]
    number = lines[0].split(".")[0]
    asked = chat.say(number)
    assert "存款" in asked
    summary = chat.say("50000")
    assert "请核对" in summary
    assert chat.session()["answers"]["financial_assets"] == 50000


def test_fewer_members_drop_their_answers(chat):
    chat.click("APPLY_DIBAO")
    chat.fill(WORKED_EXAMPLE_PLAN)
    listing = chat.say("修改")
    chat.say([l for l in listing.splitlines() if "几口人" in l][0].split(".")[0])
    chat.say("2")
    assert len(chat.session()["answers"]["members"]) == 2


def test_interrupted_conversation_resumes(chat):
    start_household(chat)
    chat.say("45")
    session = chat.session()
    session["updated_at"] = time.time() - sessions.RESUME_AFTER_S - 60  # the pause, as keep() stores it
    keep(chat.openid, session)
    prompt = chat.say("你好")
    assert "继续上次的申请吗？" in prompt
    again = chat.say("1")
    assert "性别" in again or "男" in again
    assert chat.question().path == ("members", 0, "sex")


def test_resume_can_start_over(chat):
    start_household(chat)
    session = chat.session()
    session["updated_at"] = time.time() - sessions.RESUME_AFTER_S - 60  # the pause, as keep() stores it
    keep(chat.openid, session)
    chat.say("在吗")
    assert "您家的户口在厦门吗？" in chat.say("2")
    assert chat.session()["answers"] == {}


def keep(openid, session, days_ago: float = 0):
    """Store the conversation as if its last message was `days_ago` days ago."""
    from datetime import timedelta

    from models import Conversation, Session, utcnow

    row = Session.get(Conversation, openid)
    chat = dict(row.state)
    chat["contexts"] = dict(chat["contexts"], **{chat["active"]: session})
    chat["updated_at"] = session.get("updated_at", time.time()) if not days_ago else time.time() - days_ago * 86400
    row.state, row.updated_at = chat, utcnow() - timedelta(days=days_ago)
    Session.commit()


def test_expired_after_seven_days_is_said_politely(chat):
    start_household(chat)
    keep(chat.openid, chat.session(), days_ago=7.1)
    reply = chat.say("你好")
    assert "超过7天没有办完" in reply
    assert "超过7天" not in chat.say("你好")


def test_session_lives_seven_days(chat):
    start_household(chat)
    chat.say("45")
    keep(chat.openid, chat.session(), days_ago=6.9)  # a week later, less two hours
    assert "继续上次的申请吗？" in chat.say("你好")
    assert chat.say("1")
    assert chat.session()["answers"]["members"][0]["age"] == 45


def test_cancel_and_restart(chat):
    start_household(chat)
    restarted = chat.say("重新开始")
    assert "好的，我们来办「最低生活保障" in restarted and "户口在厦门" in restarted  # the first question again
    assert chat.session()["answers"] == {}
    assert "已取消" in chat.say("取消")
    assert chat.session() is None


def test_duplicate_delivery_of_an_answer_is_applied_once(chat):
    chat.click("APPLY_DIBAO")
    xml = chat.sender.text(chat.openid, "是", msg_id=55501)
    first, second = chat.deliver(xml), chat.deliver(xml)
    assert first == second
    assert chat.question().path == ("any_tekun",)  # one answer taken, not two


def test_help_and_keywords(chat):
    assert "我可以帮您" in chat.say("帮助")
    assert "农村危房改造" in chat.say("我家房子漏雨")
    chat.say("取消")
    assert "最低生活保障" in chat.say("想申请困难补助")


def test_human_opens_a_case_with_the_conversation_so_far(chat):
    from models import Escalation, Session
    from sqlalchemy import select

    start_household(chat)
    reply = chat.say("人工")
    assert "已为您转给工作人员" in reply and "12345" in reply
    case = Session.scalar(select(Escalation))
    assert case.kind == "human" and case.state == "open"
    said = [entry["text"] for entry in case.transcript]
    assert "2" in said and "人工" in said  # the member count typed before, and the request
    assert chat.question().path == ("members", 0, "age")  # the application waits where it was


def test_words_of_urgency_escalate_at_once(chat):
    from models import Escalation, Session
    from sqlalchemy import func, select

    reply = chat.say("家里断粮了，没钱吃饭")
    assert "比较紧急" in reply and "12345" in reply
    case = Session.scalar(select(Escalation))
    assert case.kind == "urgent" and "断粮" in case.reason
    chat.say("人工")  # asking again adds to the same case
    assert Session.scalar(select(func.count(Escalation.id))) == 1


def test_urgent_words_after_seven_days_drop_the_old_form_once(chat):
    """One turn drops the expired conversation and opens the urgent case (which looks the
    conversation up itself): the old form is gone and not brought up again."""
    from models import Conversation, Escalation, Session
    from sqlalchemy import select

    start_household(chat)
    keep(chat.openid, chat.session(), days_ago=7.1)
    Session.remove()  # a new request: nothing of the conversation loaded
    assert "比较紧急" in chat.say("家里断粮了，没钱吃饭")
    assert Session.scalar(select(Escalation)).kind == "urgent"
    assert Session.get(Conversation, chat.openid) is None
    assert "超过7天" not in chat.say("你好")
