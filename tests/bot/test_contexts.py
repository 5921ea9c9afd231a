"""Several pieces of work open at once: each keeps its place, the resident always knows which
one a reply is about, and documents staff asked for land in the application they are for."""
from sqlalchemy import select

from bot import session as sessions
from models import Application, ApplicationDocument, Session
from review import documents
from tests.review.fixtures import make_application, make_staff


def waiting_for_documents(chat) -> Application:
    """The resident's 低保 application, whose reviewer asked for the 户口簿 again."""
    reviewer = make_staff()
    application = make_application("in_review", openid=chat.openid, assigned_to=reviewer.id)
    documents.request_documents(application.id, reviewer, ["hukou_book"], "请拍清楚户主页")
    return application


def jiaoyu_half_way(chat) -> dict:
    chat.click("APPLY_JIAOYU")
    chat.say("是")  # 户口在厦门
    chat.say("否")  # 特困
    chat.say("2")  # 几口人
    return dict(chat.session()["answers"])


def test_a_requested_photo_lands_in_its_application_and_the_draft_is_kept(chat):
    application = waiting_for_documents(chat)
    answers = jiaoyu_half_way(chat)
    reply = chat.photo()
    assert "正在办：最低生活保障（低保）申请（编号" in reply and "户口簿" in reply
    assert "教育救助" in reply  # the draft is named as kept
    Session.expire_all()
    document = Session.scalar(select(ApplicationDocument).where(ApplicationDocument.item_id == "hukou_book"))
    assert document.application_id == application.id and document.state == "received"
    assert Session.get(Application, application.id).state == "in_review"  # the last one sent: back to review
    # That was the last one asked for: back to the 教育救助 draft, where it was.
    assert "正在办：教育救助" in reply and "多大年纪" in reply
    assert chat.session()["answers"] == answers
    assert "多大年纪" in chat.say("继续办教育救助")  # naming it is not an answer
    assert chat.question().path == ("members", 0, "age")


def test_naming_the_application_switches_to_its_documents(chat):
    application = waiting_for_documents(chat)
    jiaoyu_half_way(chat)
    reply = chat.say("我是要补低保的材料")
    assert "正在办：最低生活保障（低保）申请" in reply and "户口簿" in reply
    assert chat.session()["application_id"] == application.id


def test_text_answers_still_go_to_the_form_being_filled(chat):
    waiting_for_documents(chat)
    jiaoyu_half_way(chat)
    chat.say("45")
    assert chat.session()["answers"]["members"][0]["age"] == 45  # not taken as anything else


def test_cancelling_one_keeps_the_other(chat):
    chat.click("APPLY_DIBAO")
    chat.say("是")
    dibao = dict(chat.session()["answers"])
    reply = chat.click("APPLY_WEIFANG")
    assert "最低生活保障" in reply  # told the other one is kept
    cancelled = chat.say("取消")
    assert "「农村危房改造」已取消" in cancelled and "最低生活保障" in cancelled
    assert chat.session()["form"] == "dibao" and chat.session()["answers"] == dibao
    assert [c["form"] for c in sessions.state.contexts(sessions.load_chat(chat.openid))] == ["dibao"]


def test_starting_a_form_already_open_goes_back_to_it(chat):
    chat.click("APPLY_DIBAO")
    chat.say("是")
    chat.click("APPLY_WEIFANG")
    again = chat.click("APPLY_DIBAO")
    assert "正在办：最低生活保障" in again and "特困" in again  # the question it was at
    assert chat.session()["answers"] == {"hukou_xiamen": True}


def test_a_question_mid_form_is_answered_and_the_question_asked_again(chat):
    chat.click("APPLY_DIBAO")
    reply = chat.say("什么是低保")
    assert "最低生活保障" in reply and "户口在厦门" in reply  # the answer, then the same question
    assert chat.session()["answers"] == {} and chat.session()["failures"] == {}
    assert "特困" in chat.say("是")  # the form goes on


def test_a_new_users_question_is_answered_not_turned_into_a_form(chat):
    reply = chat.say("低保是什么")
    assert "最低生活保障" in reply
    assert chat.session() is None  # nothing was started
    assert "好的，我们来办" in chat.say("我想申请低保")


def test_unsubscribing_in_the_chat_stops_pushes_at_once(chat):
    from channels import push

    assert "已为您退订" in chat.say("退订")
    assert push.opted_out("wechat", openid=chat.openid)


def test_a_bare_why_mid_form_says_why_the_question_is_asked(chat):
    chat.click("APPLY_DIBAO")
    reply = chat.say("为什么")
    assert "户口在厦门" in reply and "请回复“是”或“否”。" not in reply  # explained, not refused
    assert chat.session()["failures"] == {}
