"""The fake's content checks (security.msgSecCheck v2, mediaCheckAsync v2), through the
project's own WeChat client, and the control call that makes them flag something."""
import hashlib

import pytest
import requests

from channels.wechat_api import WeChatAPI, WeChatError
from models import kv
from tests.fakewechat.conftest import APP_ID, APP_SECRET


@pytest.fixture
def api(app, wx):
    with app.app_context():
        with WeChatAPI(wx.url, APP_ID, APP_SECRET, redis=kv.client()) as client:
            yield client


def test_text_passes_until_it_is_flagged(api, wx):
    assert api.msg_sec_check("o-mp-1", "楼下张阿姨一个人住，最近没见她出门", scene=1) == "pass"
    answer = requests.post(wx.url + "_fake/flag", json={"text": "违规词"})
    assert answer.json() == {"ok": True}
    assert api.msg_sec_check("o-mp-1", "这里有违规词出现", scene=1) == "risky"
    assert api.msg_sec_check("o-mp-1", "正常的描述", scene=1) == "pass"


def test_media_check_answers_a_trace_id_and_flags_by_checksum(api, wx):
    digest = hashlib.sha256(b"a picture").hexdigest()
    url = f"https://yitang.example/mp-media/{digest[:2]}/{digest}.png"
    first = api.media_check_async("o-mp-1", url, scene=1)
    assert first["trace_id"] and first["result"]["suggest"] == "pass"
    wx.flag(sha256=digest)
    assert api.media_check_async("o-mp-1", url, scene=1)["result"]["suggest"] == "risky"


def test_bad_check_requests_are_refused(api, wx):
    with pytest.raises(WeChatError) as err:
        api.call("POST", "wxa/msg_sec_check", json={"version": 2, "scene": 1, "content": "x"})
    assert err.value.errcode == 40003  # no openid
    with pytest.raises(WeChatError):
        api.call("POST", "wxa/media_check_async", json={"version": 2, "openid": "o", "scene": 1})
    refused = requests.post(wx.url + "_fake/flag", json={"sha256": "not-a-digest"})
    assert refused.status_code == 400 and "sha256" in refused.json()["error"]
