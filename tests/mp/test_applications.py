"""From the mini-program: a draft, its answers, the verdict, documents, submission, 进度; and
the same resident starting in the chat and finishing in the mini-program."""
from sqlalchemy import select

from models import Application, Session
from tests.mp.conftest import MiniProgram
from tests.mp.helpers import ANSWERS, SITUATION, fill, png


def test_login_draft_answers_verdict_documents_submit_and_progress(client, resident):
    created = resident.post("/api/mp/applications", json={"form": "dibao"})
    assert created.status_code == 201
    draft = created.get_json()
    assert draft["id"] == "dibao" and draft["next"]["field"] == "hukou_xiamen"

    # Not complete yet: no verdict, and the next question named.
    early = resident.post("/api/mp/applications/dibao/verdict")
    assert early.status_code == 409 and early.get_json()["field"] == "hukou_xiamen"

    view = fill(resident)
    assert view["complete"] is True and view["next"] is None
    assert view["answers"]["id_number"] != ANSWERS["id_number"]  # masked on the way out
    assert view["groups"]["members"]["count"] == 3

    verdict = resident.post("/api/mp/applications/dibao/verdict")
    assert verdict.status_code == 200
    body = verdict.get_json()
    precheck = client.post("/api/mp/precheck", json=SITUATION).get_json()
    # The form's programmes (forms/verdict.py), each exactly as the pre-check computes it.
    assert body["programmes"] and all(precheck["programmes"][name] == result
                                      for name, result in body["programmes"].items())
    assert body["programmes"]["dibao"]["eligible"] is True and body["programmes"]["dibao"]["monthly_benefit"] == 710.0
    assert body["programme"] == "dibao" and body["application_id"]
    assert {d["id"] for d in body["documents"]} == {d["id"] for d in precheck["documents"]}

    # Answers cannot change once assessed; the verdict asked again is the same.
    assert resident.patch("/api/mp/applications/dibao", json={"answers": {"owns_vehicle": True}}).status_code == 409
    assert resident.post("/api/mp/applications/dibao/verdict").get_json()["programmes"] == body["programmes"]

    refused = resident.post("/api/mp/applications/dibao/submit")
    assert refused.status_code == 409
    missing = refused.get_json()["missing"]
    assert missing and set(missing) == set(body["missing"])

    for n, slot in enumerate(missing):
        uploaded = resident.upload("dibao", slot, png(colour=(n * 20 % 256, 40, 90)))
        assert uploaded.status_code == 201, uploaded.get_json()
        assert uploaded.get_json()["state"] == "received"

    application_id = body["application_id"]
    submitted = resident.post(f"/api/mp/applications/{application_id}/submit")
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["state"] == "submitted"

    listed = resident.get("/api/mp/applications").get_json()["applications"]
    assert [(a["id"], a["state"], a["state_label"]) for a in listed] == [(application_id, "submitted", "已提交，等待审核")]
    assert resident.get(f"/api/mp/applications/{application_id}").get_json()["state"] == "submitted"


def test_a_refused_answer_names_its_field_and_keeps_nothing(resident):
    resident.post("/api/mp/applications", json={"form": "dibao"})
    bad = resident.patch("/api/mp/applications/dibao", json={"answers": {
        "hukou_xiamen": True, "any_tekun": False, "members": [{"age": 130, "sex": "male"}]}})
    assert bad.status_code == 400
    assert bad.get_json()["field"] == "members[0].age"
    assert "members[0].age" in bad.get_json()["errors"]
    assert resident.get("/api/mp/applications/dibao").get_json()["answers"] == {}

    wrong_type = resident.patch("/api/mp/applications/dibao", json={"answers": {"hukou_xiamen": "是"}})
    assert wrong_type.status_code == 400 and wrong_type.get_json()["field"] == "hukou_xiamen"
    unknown = resident.patch("/api/mp/applications/dibao", json={"answers": {"surprise": 1}})
    assert unknown.status_code == 400 and unknown.get_json()["field"] == "surprise"
    not_option = resident.patch("/api/mp/applications/dibao", json={"answers": {"district": "北京"}})
    assert not_option.status_code == 400 and not_option.get_json()["field"] == "district"


def test_withdraw_a_draft(resident):
    resident.post("/api/mp/applications", json={"form": "jiaoyu"})
    assert resident.get("/api/mp/applications").get_json()["applications"][0]["id"] == "jiaoyu"
    assert resident.post("/api/mp/applications/jiaoyu/withdraw").status_code == 200
    assert resident.get("/api/mp/applications").get_json()["applications"] == []
    assert resident.get("/api/mp/applications/jiaoyu").status_code == 404


def test_started_in_the_chat_finished_in_the_mini_program(client, chat, mp_wechat):
    chat.say("低保")
    chat.say("是")  # hukou_xiamen
    chat.say("否")  # any_tekun
    assert chat.session()["answers"] == {"hukou_xiamen": True, "any_tekun": False}
    mp_wechat.set_unionid(chat.openid, "union-chen")

    mini = MiniProgram(client, mp_wechat, mp_openid="o-mp-chen", unionid="union-chen")
    mini.login()
    resumed = mini.post("/api/mp/applications", json={"form": "dibao"})
    assert resumed.status_code == 200  # the chat's draft, not a new one
    assert resumed.get_json()["answers"] == {"hukou_xiamen": True, "any_tekun": False}
    assert resumed.get_json()["next"]["field"] == "members"

    rest = {k: v for k, v in ANSWERS.items() if k not in ("hukou_xiamen", "any_tekun")}
    fill(mini, answers=rest)
    body = mini.post("/api/mp/applications/dibao/verdict").get_json()
    application = Session.scalar(select(Application).where(Application.id == body["application_id"]))
    assert application.openid == chat.openid  # the follower's application: one resident
    assert chat.session()["stage"] == "documents"  # the chat now collects its documents


def test_without_a_shared_unionid_the_chat_draft_is_not_shared(client, chat, mp_wechat):
    chat.say("低保")
    chat.say("是")
    mp_wechat.set_unionid(chat.openid, "union-chen")
    stranger = MiniProgram(client, mp_wechat, mp_openid="o-mp-stranger", unionid="union-someone-else")
    stranger.login()
    created = stranger.post("/api/mp/applications", json={"form": "dibao"})
    assert created.status_code == 201 and created.get_json()["answers"] == {}
