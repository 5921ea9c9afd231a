"""A whole 低保 application over WeChat: questions, verdict, photos, submission, progress."""
from sqlalchemy import func, select

from models import Application, ApplicationDocument, Household, Session, db
from tests.examples import WORKED_EXAMPLE_PLAN


def test_worked_example_from_menu_to_submission(chat):
    first = chat.click("APPLY_DIBAO")
    assert "最低生活保障" in first and "您家的户口在厦门吗？" in first

    verdict = chat.fill(WORKED_EXAMPLE_PLAN)
    assert "请核对" in verdict and "没问题请回复“确认”" in verdict
    summary = verdict + "\n".join(chat.pushed())  # a long summary goes on in a second message
    assert "138****5678" in summary and "13812345678" not in summary  # the phone number is masked
    assert "您的孩子（15岁）在读哪个阶段？ 初中" in summary  # members named as the verdict names them

    verdict = chat.say("确认")
    assert "✔ 低保：符合条件，每月约 710 元" in verdict
    assert "先发第1份：身份证（您本人）" in verdict
    assert "【需要准备的材料，共" in "\n".join(chat.pushed())  # the checklist follows
    working = chat.say("为什么")
    for figure in ("510 元", "300 元", "563.33 元"):
        assert figure in working

    application = Session.scalar(select(Application))
    assert application.state == "draft" and application.programme == "dibao"
    assert application.verdict["programmes"]["dibao"]["monthly_benefit"] > 0
    assert application.rules_version
    slots = chat.session()["slots"]
    total = len(slots)

    progress = chat.photo()
    assert f"已收到 1/{total}：身份证（您本人）" in progress
    early = chat.say("提交")
    assert "材料还没有齐" in early and f"还缺这 {total - 1} 份材料" in early
    for i in range(2, total + 1):
        reply = chat.photo()
        assert f"已收到 {i}/{total}" in reply
    assert "材料已经齐全了" in reply

    done = chat.say("提交")
    assert "已提交，申请编号" in done
    Session.expire_all()
    application = Session.scalar(select(Application))
    assert application.state == "submitted"
    assert Session.scalar(select(func.count(ApplicationDocument.id))) == total
    assert [t.to_state for t in application.transitions] == ["draft", "submitted"]

    assert f"（编号{application.id}）：已提交" in chat.say("进度")


def test_personal_data_is_not_stored_in_clear(chat):
    chat.click("APPLY_DIBAO")
    chat.fill(WORKED_EXAMPLE_PLAN)
    chat.say("确认")
    chat.say("人工")  # a case for staff, with the conversation so far
    chat.pushed()  # and the long verdict's second half sent through the queue
    from sqlalchemy import inspect, text

    from models import kv

    with db.engine().connect() as conn:
        raw = " ".join(str(row) for table in inspect(db.engine()).get_table_names()
                       for row in conn.execute(text(f'SELECT * FROM "{table}"')))
    redis = kv.client()
    raw += " ".join(str(redis.get(key)) for key in redis.keys("bot:*") if redis.type(key) == b"string")
    for secret in ("11010519491231002X", "13812345678", "陈明", "鹭江道1号"):
        assert secret not in raw
    household = Session.scalar(select(Household))
    assert household.members[0].id_number == "11010519491231002X"


def test_the_same_photo_twice_is_recognised(chat):
    chat.click("APPLY_DIBAO")
    chat.fill(WORKED_EXAMPLE_PLAN)
    chat.say("确认")
    same = b"\x89PNG\r\n\x1a\n the very same picture"
    assert "已收到 1/" in chat.photo(same)
    assert "已收到 2/" in chat.photo(same)
    pushed = chat.pushed()
    assert any("「身份证（您的妻子，43岁）」和「身份证（您本人）」是同一张照片" in text for text in pushed)
    session = chat.session()
    assert session["current"] == 1 and "1" not in session["received"]
    assert Session.scalar(select(func.count(ApplicationDocument.id))) == 1
    missing = chat.say("还缺")
    assert "现在请发：身份证（您的妻子，43岁）" in missing


def test_choosing_which_document_to_send(chat):
    chat.click("APPLY_DIBAO")
    chat.fill(WORKED_EXAMPLE_PLAN)
    chat.say("确认")
    assert "好的，请发：身份证（您的妻子，43岁）" in chat.say("2")
    assert "已收到 1/" in chat.photo() and chat.session()["received"].keys() == {"1"}
    assert "没有第99项" in chat.say("99")


def test_not_eligible_explains_the_distance(chat):
    plan = dict(WORKED_EXAMPLE_PLAN, members=[dict(WORKED_EXAMPLE_PLAN["members"][0], monthly_income="9000")])
    chat.click("APPLY_DIBAO")
    chat.fill(plan)
    reply = chat.say("确认")
    assert "✘ 低保：暂不符合" in reply
    assert "比" in reply and "高" in reply
    assert Session.scalar(select(func.count(Application.id))) == 0


def test_typing_a_familys_identity_number_does_not_join_the_family(app, client, fake_wechat):
    """Issue 9 finding 11: an identity number proves nothing; a stranger stays in their own draft."""
    from models import Resident
    from tests.bot.conftest import Chat

    family, stranger = Chat(app, client, fake_wechat, "o-family"), Chat(app, client, fake_wechat, "o-stranger")
    for resident in (family, stranger):
        resident.click("APPLY_DIBAO")
        resident.fill(WORKED_EXAMPLE_PLAN)  # the same identity number, 11010519491231002X
        resident.say("确认")
    Session.expire_all()
    homes = {r.openid: r.household_id for r in Session.scalars(select(Resident))}
    assert homes["o-family"] and homes["o-stranger"] and homes["o-family"] != homes["o-stranger"]
    by_openid = {a.openid: a.household_id for a in Session.scalars(select(Application))}
    assert by_openid["o-stranger"] == homes["o-stranger"]
    family_home = Session.get(Household, homes["o-family"])
    assert [r.openid for r in family_home.residents] == ["o-family"]
