"""The fake's phonenumber.getPhoneNumber and its mediaCheckAsync answered later by event."""
import hashlib

import pytest
import requests
from wechatpy import parse_message

from channels.wechat_api import WeChatAPI, WeChatError
from models import kv
from tests.fakewechat.conftest import APP_ID, APP_SECRET


@pytest.fixture
def api(app, wx):
    with app.app_context():
        with WeChatAPI(wx.url, APP_ID, APP_SECRET, redis=kv.client()) as client:
            yield client


def test_a_phone_code_answers_its_number_once(api, wx):
    code = wx.phone_code("13800138000")
    info = api.user_phone_number(code)
    assert info["purePhoneNumber"] == "13800138000" and info["phoneNumber"] == "13800138000"
    assert info["countryCode"] == "86" and info["watermark"]["appid"] == APP_ID
    with pytest.raises(WeChatError) as used:
        api.user_phone_number(code)
    assert used.value.errcode == 40029
    with pytest.raises(WeChatError) as unknown:
        api.user_phone_number("never-issued")
    assert unknown.value.errcode == 40029


def test_phone_codes_go_stale_and_come_from_the_control_api(api, wx):
    answer = requests.post(wx.url + "_fake/phone_code", json={"phone": "91234567", "country_code": "852"})
    code = answer.json()["code"]
    wx.login_code_ttl = 0
    stale = wx.phone_code("13800138000")
    with pytest.raises(WeChatError):
        api.user_phone_number(stale)
    assert api.user_phone_number(code)["phoneNumber"] == "+852 91234567"  # issued before: still fresh
    assert requests.post(wx.url + "_fake/phone_code", json={"phone": "abc"}).status_code == 400


def test_a_media_check_answered_later_comes_as_a_wxa_media_check_event(api, wx):
    digest = hashlib.sha256(b"a picture").hexdigest()
    wx.flag(sha256=digest)
    wx.media_check_later(True)
    answer = api.media_check_async("o-mp-1", f"https://yitang.example/api/wxa-media/{digest}/t", scene=1)
    assert answer["trace_id"] and "result" not in answer
    event = parse_message(wx.media_check_event(answer["trace_id"]))
    assert event.event == "wxa_media_check" and event.source == "o-mp-1"
    assert event._data["result"] == {"suggest": "risky", "label": "20002"}
    assert event._data["appid"] == APP_ID
    with pytest.raises(KeyError):
        wx.media_check_event("no-such-trace")
