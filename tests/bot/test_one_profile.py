"""Issue 12: nothing asked twice. A family that applied for 低保 applies for 教育救助 from
what it already told us; the verdict is the one a fresh form with the same answers gives."""
from sqlalchemy import select

from models import Application, Session
from tests.bot.conftest import Chat
from tests.examples import WORKED_EXAMPLE_PLAN


def submit_dibao(chat) -> None:
    chat.click("APPLY_DIBAO")
    chat.fill(WORKED_EXAMPLE_PLAN)
    chat.say("确认")
    for _ in chat.session()["slots"]:
        chat.photo()
    assert "已提交" in chat.say("提交")
    chat.pushed()  # the photos are downloaded and stored by the worker


def test_a_second_programme_asks_only_what_is_new(app, client, fake_wechat, chat):
    submit_dibao(chat)
    offer = chat.click("APPLY_JIAOYU")
    assert "上次登记的家庭情况还对吗" in offer
    asked = []
    reply = chat.say("对")
    while chat.session()["stage"] == "form":  # only questions the profile cannot answer
        asked.append(chat.question().path)
        reply = chat.say("跳过")
    assert len(asked) <= 3, asked
    assert "请核对" in reply
    verdict = chat.say("确认")
    assert "教育救助" in verdict
    assert "先发第1份：身份证" not in verdict  # the ID cards and 户口簿 given for 低保 are kept
    assert any("已有" in text for text in chat.pushed())  # the checklist says which
    slots, missing = chat.session()["slots"], chat.say("还缺")
    held = [slot for slot in slots if slot["item"] in ("id_card", "hukou_book")]
    assert held and all(slot["title"] not in missing.split("还缺")[-1] for slot in held)
    reused = chat.session()["verdict"]["programmes"]

    fresh = Chat(app, client, fake_wechat, "o-fresh")  # the same family, typed from scratch
    fresh.click("APPLY_JIAOYU")
    fresh.fill(WORKED_EXAMPLE_PLAN)
    fresh.say("确认")
    assert fresh.session()["verdict"]["programmes"] == reused
    apps = Session.scalars(select(Application).where(Application.openid == chat.openid)).all()
    assert {a.programme for a in apps} == {"dibao", "jiaoyu"} and len({a.household_id for a in apps}) == 1
