"""Content security through the mini-program and the console: text residents write passes
WeChat's msgSecCheck before it is filed, uploaded images its mediaCheckAsync; what the fake
WeChat flags (or what WeChat cannot check) is held for staff, who release or reject it."""
from pathlib import Path

import pytest
from sqlalchemy import select

from fakewechat.sender import WeChatSender

from models import AuditEntry, Clue, MediaFile, Session
from models.moderation import ContentCheck
from tests.mp.conftest import mp_wechat, resident  # noqa: F401 (the mini-program's fixtures)
from tests.mp.helpers import ANSWERS, fill, png
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in

CLUE = {"what": "楼下张阿姨一个人住，最近没见她出门，坏词在这里", "urgency": "soon", "subject_name": "张阿姨",
        "subject_phone": None, "district": "思明区", "address": "鹭江道1号", "location": None, "photo": None,
        "reporter_name": "小林", "reporter_org": None, "reporter_phone": "13812345678"}


def console(app, username="lin", **kw):
    make_staff(username, **kw)
    client = app.test_client()
    log_in(client, username)
    return client


def checks() -> list[ContentCheck]:
    Session.remove()
    return list(Session.scalars(select(ContentCheck).order_by(ContentCheck.id)))


def report_clue(resident):
    """A volunteer reports a clue in the mini-program; the verdict call files it."""
    resident.post("/api/mp/applications", json={"form": "xiansuo"})
    assert resident.patch("/api/mp/applications/xiansuo", json={"answers": CLUE}).status_code == 200
    return resident.post("/api/mp/applications/xiansuo/verdict")


# ---- text -----------------------------------------------------------------------------------

def test_a_clean_clue_is_filed_at_once(resident):
    answer = report_clue(resident)
    assert answer.status_code == 200 and answer.get_json()["clue"]
    assert Session.scalar(select(Clue.id)) and not checks()


def test_a_flagged_clue_is_held_told_plainly_and_filed_when_staff_release_it(app, resident, mp_wechat):
    mp_wechat.flag(text="坏词")
    answer = report_clue(resident)
    assert answer.status_code == 202
    body = answer.get_json()
    assert body["held"] is True and "工作人员" in body["message"] and "不需要重新提交" in body["message"]
    assert Session.scalar(select(Clue.id)) is None  # not passed on
    [check] = checks()
    assert (check.kind, check.state, check.suggest) == ("text", "held", "risky")
    # The draft is staff's now: it is not the resident's open draft any more.
    assert all(a.get("form") != "xiansuo" for a in resident.get("/api/mp/applications").get_json()["applications"])

    staff = console(app, role="caseworker")
    page = staff.get("/staff/held").get_data(as_text=True)
    assert "楼下张阿姨一个人住" in page and "微信内容安全检查认为有风险" in page
    released = staff.post(f"/staff/held/{check.id}/release", follow_redirects=True)
    assert "已放行" in released.get_data(as_text=True)
    Session.remove()
    clue = Session.scalars(select(Clue)).one()
    assert "楼下张阿姨一个人住" in clue.description and clue.reporter_openid == "o-mp-resident"
    assert checks()[0].state == "released" and checks()[0].clue_id == clue.id
    assert {"view_held", "release_held"} <= set(Session.scalars(select(AuditEntry.action)))
    assert "没有待阅读的内容" in staff.get("/staff/held").get_data(as_text=True)


def _daikuan(resident, business: str):
    resident.post("/api/mp/applications", json={"form": "daikuan"})
    answers = {"age": 30, "registered_unemployed": True, "graduate": False, "special_group": False,
               "business_in_xiamen": True, "other_debt": 0, "business": business, "amount_wanted": 100000,
               **{k: ANSWERS[k] for k in ("name", "id_number", "phone", "district", "street", "address")}}
    view = resident.patch("/api/mp/applications/daikuan", json={"answers": answers})
    assert view.status_code == 200, view.get_json()
    return view.get_json()


def test_a_held_draft_waits_and_a_rejected_text_must_change(app, resident, mp_wechat):
    mp_wechat.flag(text="违规")
    view = _daikuan(resident, "在集美开早餐店，违规内容")
    assert view["complete"], view["next"]
    held = resident.post("/api/mp/applications/daikuan/verdict")
    assert held.status_code == 202 and "查看结果" in held.get_json()["message"]
    # Asked again while staff have not read it: the same answer, WeChat not asked twice.
    calls = len(mp_wechat.calls("wxa/msg_sec_check"))
    assert resident.post("/api/mp/applications/daikuan/verdict").status_code == 202
    assert len(mp_wechat.calls("wxa/msg_sec_check")) == calls

    staff = console(app)
    [check] = checks()
    staff.post(f"/staff/held/{check.id}/reject")
    refused = resident.post("/api/mp/applications/daikuan/verdict")
    assert refused.status_code == 409
    assert refused.get_json()["field"] == "business" and "生意情况" in refused.get_json()["error"]

    # New words: checked again, and they pass.
    assert resident.patch("/api/mp/applications/daikuan",
                          json={"answers": {"business": "在集美开早餐店，已经半年"}}).status_code == 200
    assert resident.post("/api/mp/applications/daikuan/verdict").status_code == 200


def test_a_released_draft_goes_on_to_its_verdict(app, resident, mp_wechat):
    mp_wechat.flag(text="违规")
    _daikuan(resident, "违规的生意")
    assert resident.post("/api/mp/applications/daikuan/verdict").status_code == 202
    staff = console(app)
    staff.post(f"/staff/held/{checks()[0].id}/release")
    verdict = resident.post("/api/mp/applications/daikuan/verdict")
    assert verdict.status_code == 200 and "programmes" in verdict.get_json()


def test_wechat_down_holds_the_text_for_staff_instead_of_losing_it(resident, mp_wechat):
    mp_wechat.fail_next("wxa/msg_sec_check", "http_502", times=2)
    answer = report_clue(resident)
    assert answer.status_code == 202 and answer.get_json()["held"] is True
    [check] = checks()
    assert (check.state, check.suggest) == ("held", "unavailable")
    assert check.content["answers"]["what"] == CLUE["what"]  # kept whole, to be filed on release
    assert Session.scalar(select(Clue.id)) is None


def test_staff_of_another_district_cannot_see_or_decide(app, resident, mp_wechat):
    mp_wechat.flag(text="坏词")
    report_clue(resident)
    other = console(app, "wu", district="湖里区")
    assert "张阿姨" not in other.get("/staff/held").get_data(as_text=True)
    assert other.post(f"/staff/held/{checks()[0].id}/release").status_code == 404
    assert checks()[0].state == "held"


# ---- images --------------------------------------------------------------------------------

@pytest.fixture
def slot(resident):
    resident.post("/api/mp/applications", json={"form": "dibao"})
    fill(resident)
    return resident.post("/api/mp/applications/dibao/verdict").get_json()["missing"][0]


def _stored(app, media: MediaFile) -> bytes:
    return (Path(app.config["APP_VAR_DIR"]) / "uploads" / media.path).read_bytes()


def test_a_flagged_image_is_held_not_shown_and_released_by_staff(app, resident, slot, mp_wechat, run_worker):
    upload = resident.upload("dibao", slot, png(colour=(1, 2, 3)))
    assert upload.status_code == 201 and upload.get_json()["content_check"] == "checking"
    media = Session.scalars(select(MediaFile)).one()
    mp_wechat.flag(sha256=media.sha256)
    run_worker()

    [check] = checks()
    assert (check.kind, check.state, check.suggest, check.label) == ("image", "held", "risky", 20002)
    [call] = mp_wechat.calls("wxa/media_check_async")
    assert call["json"]["openid"] == "o-mp-resident" and media.sha256 in call["json"]["media_url"]
    # The link WeChat fetched works only while the check waited.
    path = "/" + call["json"]["media_url"].split("/", 3)[3]
    assert app.test_client().get(path).status_code == 404
    assert Session.get(MediaFile, media.id).state == "held"
    view = resident.get(f"/api/mp/applications/{check.application_id}").get_json()
    assert view["held"][0]["state"] == "held" and "工作人员" in view["held"][0]["message"]

    staff = console(app)
    page = staff.get("/staff/held").get_data(as_text=True)
    assert f"/staff/held/{check.id}/image" in page
    image = staff.get(f"/staff/held/{check.id}/image")
    assert image.status_code == 200 and image.data == _stored(app, media)
    staff.post(f"/staff/held/{check.id}/release")
    Session.remove()
    assert Session.get(MediaFile, media.id).state == "stored"
    assert "held" not in resident.get(f"/api/mp/applications/{check.application_id}").get_json()


def test_a_clean_image_is_cleared_and_a_rejected_one_stays_out(app, resident, slot, mp_wechat, run_worker):
    resident.upload("dibao", slot, png(colour=(9, 9, 9)))
    run_worker()
    assert [c.state for c in checks()] == ["cleared"]

    second = resident.upload("dibao", slot, png(colour=(8, 8, 8)))
    assert second.status_code == 201
    mp_wechat.flag(sha256=Session.scalars(select(MediaFile).order_by(MediaFile.id.desc())).first().sha256)
    run_worker()
    held = checks()[-1]
    console(app).post(f"/staff/held/{held.id}/reject")
    Session.remove()
    assert Session.get(MediaFile, held.media_file_id).state == "rejected"
    view = resident.get(f"/api/mp/applications/{held.application_id}").get_json()
    assert view["held"][0]["state"] == "rejected" and "重新上传" in view["held"][0]["message"]


def test_the_verdict_can_come_later_as_a_wxa_media_check_event(app, resident, slot, mp_wechat, run_worker):
    mp_wechat.media_check_later(True)
    resident.upload("dibao", slot, png(colour=(5, 6, 7)))
    media = Session.scalars(select(MediaFile)).one()
    mp_wechat.flag(sha256=media.sha256)
    run_worker()
    [check] = checks()
    assert check.state == "checking" and check.trace_id

    # WeChat's message push posts the verdict to /wechat, signed like any delivery.
    sender = WeChatSender(app.config["WECHAT_TOKEN"], app.config["WECHAT_ENCODING_AES_KEY"],
                          app.config["WECHAT_APP_ID"], mode="compat")
    query, body = sender.envelope(mp_wechat.media_check_event(check.trace_id))
    for _ in range(2):  # WeChat's retry (the same body) changes nothing
        answer = resident.client.post("/wechat", query_string=query, data=body, content_type="text/xml")
        assert answer.status_code == 200
    [check] = checks()
    assert (check.state, check.suggest) == ("held", "risky")


def test_wechat_down_holds_the_image_after_the_last_retry(app, resident, slot, mp_wechat, run_worker):
    mp_wechat.fail_next("wxa/media_check_async", "http_503", times=10)
    resident.upload("dibao", slot, png(colour=(3, 3, 3)))
    for _ in range(4):  # the first try and the retries (the test configuration retries at once)
        run_worker()
    [check] = checks()
    assert (check.state, check.suggest) == ("held", "unavailable")


def test_a_pdf_is_not_sent_to_the_image_check(resident, slot, run_worker, mp_wechat):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    answer = resident.upload("dibao", slot, pdf, name="proof.pdf")
    assert answer.status_code == 201 and "content_check" not in answer.get_json()
    run_worker()
    assert not checks() and not mp_wechat.calls("wxa/media_check_async")
