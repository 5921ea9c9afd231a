"""A 低保 application finished from the phone: the two declarations come as signing links,
questions about them are answered, 跳过 offers the street office, "到街道签" counts as the one
trip, and 提交 goes through with nothing else left for an office."""
import base64
import re

from sqlalchemy import select

from models import Application, ApplicationDocument, Session
from review import signing
from tests.examples import WORKED_EXAMPLE_PLAN
from webhook.demo import placeholder_png

SIGNATURE = "data:image/png;base64," + base64.b64encode(placeholder_png(300, 110, (20, 20, 20))).decode()
LINK = re.compile(r"https?://[^/\s]+/sign/([\w-]+)")


def to_the_papers(chat) -> str:
    """Fill the worked example, confirm, and photograph everything before the papers."""
    chat.click("APPLY_DIBAO")
    chat.fill(WORKED_EXAMPLE_PLAN)
    reply = chat.say("确认")
    for _ in range(20):
        session = chat.session()
        if signing.is_signature(session["slots"][session["current"]]["item"]):
            return reply
        reply = chat.photo()
    raise AssertionError("the checklist never reached the papers to sign")


def sign(client, token: str, name: str, last4: str):
    html = client.get(f"/sign/{token}").get_data(as_text=True)
    digest = re.search(r'name="text_sha256" value="([0-9a-f]{64})"', html).group(1)
    return client.post(f"/sign/{token}", data={"name": name, "id_last4": last4, "signature": SIGNATURE,
                                               "text_sha256": digest})


def test_the_papers_are_signed_on_the_phone_and_submission_needs_no_office(chat, client):
    reached = to_the_papers(chat)
    assert "下一份：家庭财产申报表（签字）" in reached
    assert "点开链接，在手机上签字就行，不用跑腿" in reached
    assert len(LINK.findall(reached)) == 2  # the applicant and the spouse; the child does not sign
    assert "本人签：" in reached

    early = chat.say("提交")
    assert "材料还没有齐" in early and "家庭财产申报表（签字）（已替您填好，手机上签字）" in early

    help_text = chat.say("我没有这个表，怎么办")
    assert "替您填好了" in help_text and "不用打印" in help_text and "到街道签" in help_text
    assert "「家庭经济状况核对授权书（签字）」" in help_text
    tokens = LINK.findall(help_text)
    assert len(tokens) == 4  # two papers, two adults

    # The first links sent were for the same people and papers: they still work.
    assert client.get(f"/sign/{LINK.findall(reached)[0]}").status_code == 200
    for token in tokens:
        who = signing.page(token)["who"]
        name, last4 = ("陈明", "002X") if who.startswith("申请人") else ("李芳", "3344")
        assert sign(client, token, name, last4).status_code == 200

    status = chat.say("还缺什么")
    assert "已在手机上签字" in status and "材料已经齐全了" in status
    done = chat.say("提交")
    assert "已提交，申请编号" in done and "到街道" not in done
    Session.expire_all()
    application = Session.scalar(select(Application))
    assert application.state == "submitted"
    states = {row.item_id: row.state for row in application.documents}
    assert states["property_declaration"] == states["econ_check_authorisation"] == "received"
    assert "sign_at_visit" not in states.values()


def test_skip_offers_the_street_office_and_that_one_trip_counts(chat):
    to_the_papers(chat)
    skipped = chat.say("跳过")
    assert "不能跳过" in skipped and "到街道签" in skipped and LINK.search(skipped)

    chosen = chat.say("到街道签")
    assert "改成到街道（镇）当面签字" in chosen and "只跑这一趟" in chosen
    assert "材料已经齐全了" in chosen

    done = chat.say("提交")
    assert "已提交，申请编号" in done
    assert "唯一需要跑的一趟" in done
    Session.expire_all()
    application = Session.scalar(select(Application))
    assert application.state == "submitted"
    rows = Session.scalars(select(ApplicationDocument).where(ApplicationDocument.application_id == application.id)).all()
    # Exactly the chosen fallback needs the office: everything else arrived by phone.
    assert sorted(row.item_id for row in rows if row.state == "sign_at_visit") == \
        ["econ_check_authorisation", "property_declaration"]
    assert all(row.state == "received" for row in rows if row.state != "sign_at_visit")
    assert all("唯一" in row.note for row in rows if row.state == "sign_at_visit")


def test_a_fresh_link_replaces_the_old_one(chat, client):
    reached = to_the_papers(chat)
    old = LINK.findall(reached)[0]
    fresh = chat.say("签字")
    assert LINK.findall(fresh) and old not in fresh
    gone = client.get(f"/sign/{old}")
    assert gone.status_code == 410 and "换成新的" in gone.get_data(as_text=True)
