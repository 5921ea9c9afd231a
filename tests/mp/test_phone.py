"""POST /api/mp/phone: getPhoneNumber's code → the number WeChat confirms, kept encrypted on the
resident and answered masked."""
from sqlalchemy import select, text

from models import Resident, Session


def test_a_code_gives_the_number_stored_sealed_and_shown_masked(resident, mp_wechat):
    answer = resident.post("/api/mp/phone", json={"code": mp_wechat.phone_code("13812345678")})
    assert answer.status_code == 200
    assert answer.get_json() == {"phone": "138****5678", "country_code": "86"}
    assert Session.scalar(select(Resident.phone).where(Resident.openid == "o-mp-resident")) == "13812345678"
    raw = Session.execute(text("SELECT phone FROM residents")).scalar_one()
    assert raw.startswith("v1:") and "13812345678" not in raw  # encrypted at rest
    assert resident.get("/api/mp/me").get_json()["phone"] == "138****5678"
    # Asked with the mini-program's own access token.
    [call] = mp_wechat.calls("wxa/business/getuserphonenumber")
    assert mp_wechat._tokens[call["query"]["access_token"]]["app_id"] == "wx_test_miniprogram"


def test_a_used_or_unknown_code_is_400_saying_to_try_again(resident, mp_wechat):
    code = mp_wechat.phone_code("13812345678")
    assert resident.post("/api/mp/phone", json={"code": code}).status_code == 200
    for bad in (code, "made-up"):
        again = resident.post("/api/mp/phone", json={"code": bad})
        assert again.status_code == 400
        assert again.get_json()["field"] == "code" and "授权手机号" in again.get_json()["error"]


def test_a_number_from_abroad_keeps_its_country_code(resident, mp_wechat):
    answer = resident.post("/api/mp/phone", json={"code": mp_wechat.phone_code("91234567", "852")})
    assert answer.get_json()["country_code"] == "852"
    assert Session.scalar(select(Resident.phone)) == "+852 91234567"


def test_bad_bodies_name_the_field_and_no_token_is_401(client, resident, mp_wechat):
    assert client.post("/api/mp/phone", json={"code": "x"}).status_code == 401
    for body, field in (({}, "code"), ({"code": 5}, "code"), ({"code": ""}, "code"),
                        ({"code": "x", "phone": "1"}, "phone")):
        answer = resident.post("/api/mp/phone", json=body)
        assert answer.status_code == 400 and answer.get_json()["field"] == field, body
    assert resident.post("/api/mp/phone", data="code=x").status_code == 400
    assert Session.scalar(select(Resident.phone)) is None


def test_wechat_down_is_503_and_nothing_stored(resident, mp_wechat):
    mp_wechat.fail_next("wxa/business/getuserphonenumber", "http_502")
    answer = resident.post("/api/mp/phone", json={"code": mp_wechat.phone_code("13812345678")})
    assert answer.status_code == 503 and "稍后再试" in answer.get_json()["error"]
    assert Session.scalar(select(Resident.phone)) is None
