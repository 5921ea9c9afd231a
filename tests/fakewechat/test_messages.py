import requests

from fakewechat import FakeWeChat
from tests.fakewechat.conftest import APP_ID, APP_SECRET, get_token, send_text


def post(fake, path, token, body):
    return requests.post(fake.url + path, params={"access_token": token}, json=body).json()


def test_custom_send_is_stored_in_order(wx):
    token = get_token(wx)
    assert send_text(wx, token, "o1", "第一条").json() == {"errcode": 0, "errmsg": "ok"}
    news = {"touser": "o2", "msgtype": "news",
            "news": {"articles": [{"title": "低保", "url": "http://x/", "description": "d"}]}}
    assert post(wx, "cgi-bin/message/custom/send", token, news)["errcode"] == 0
    menu = {"touser": "o1", "msgtype": "msgmenu",
            "msgmenu": {"head_content": "请选择", "list": [{"id": "1", "content": "是"}],
                        "tail_content": ""}}
    assert post(wx, "cgi-bin/message/custom/send", token, menu)["errcode"] == 0

    to_o1 = wx.messages("o1")
    assert [m["msgtype"] for m in to_o1] == ["text", "msgmenu"]
    assert to_o1[0]["body"]["text"]["content"] == "第一条"
    assert to_o1[0]["kind"] == "custom"
    assert [m["openid"] for m in wx.messages()] == ["o1", "o2", "o1"]
    assert wx.messages(since=to_o1[0]["id"])[0]["openid"] == "o2"


def test_custom_send_validates_the_body(wx):
    token = get_token(wx)
    path = "cgi-bin/message/custom/send"
    assert post(wx, path, token, {"msgtype": "text", "text": {"content": "x"}})["errcode"] == 40003
    assert post(wx, path, token, {"touser": "o1", "msgtype": "fax", "fax": {}})["errcode"] == 40008
    assert post(wx, path, token, {"touser": "o1", "msgtype": "text"})["errcode"] == 47001
    assert post(wx, path, token, {"touser": "o1", "msgtype": "text", "text": {"content": ""}})["errcode"] == 44004
    image = {"touser": "o1", "msgtype": "image", "image": {"media_id": "never-uploaded"}}
    assert post(wx, path, token, image)["errcode"] == 40007
    r = requests.post(wx.url + path, params={"access_token": token}, data=b"{not json")
    assert r.json()["errcode"] == 47001
    assert wx.messages() == []


def test_image_send_with_uploaded_media(wx):
    token = get_token(wx)
    media_id = wx.add_media(b"\x89PNG...", "image/png")
    image = {"touser": "o1", "msgtype": "image", "image": {"media_id": media_id}}
    assert post(wx, "cgi-bin/message/custom/send", token, image)["errcode"] == 0
    assert wx.messages("o1")[0]["msgtype"] == "image"


def test_template_and_subscribe_send(wx):
    token = get_token(wx)
    tpl = {"touser": "o1", "template_id": "T1", "url": "http://x/",
           "data": {"first": {"value": "您的申请已受理"}}}
    answer = post(wx, "cgi-bin/message/template/send", token, tpl)
    assert answer["errcode"] == 0 and isinstance(answer["msgid"], int)
    assert post(wx, "cgi-bin/message/template/send", token, {"touser": "o1"})["errcode"] == 40037
    sub = {"touser": "o1", "template_id": "S1", "page": "pages/index", "data": {"thing1": {"value": "x"}}}
    assert post(wx, "cgi-bin/message/subscribe/send", token, sub)["errcode"] == 0
    assert [m["kind"] for m in wx.messages("o1")] == ["template", "subscribe"]
    assert wx.messages("o1")[0]["body"]["data"]["first"]["value"] == "您的申请已受理"


def test_unsubscribed_user_gets_43004(wx):
    token = get_token(wx)
    wx.unsubscribe("o_gone")
    assert send_text(wx, token, "o_gone").json()["errcode"] == 43004
    tpl = {"touser": "o_gone", "template_id": "T1", "data": {}}
    assert post(wx, "cgi-bin/message/template/send", token, tpl)["errcode"] == 43004
    assert send_text(wx, token, "o_other").json()["errcode"] == 0
    wx.subscribe("o_gone")
    assert send_text(wx, token, "o_gone").json()["errcode"] == 0
    assert [m["openid"] for m in wx.messages()] == ["o_other", "o_gone"]


def test_48_hour_window():
    with FakeWeChat(APP_ID, APP_SECRET, window_open_by_default=False) as fake:
        token = get_token(fake)
        assert send_text(fake, token, "o1").json()["errcode"] == 45015
        fake.interact("o1")
        assert send_text(fake, token, "o1").json()["errcode"] == 0
        # Template messages are not bound by the window.
        tpl = {"touser": "o2", "template_id": "T1", "data": {}}
        assert post(fake, "cgi-bin/message/template/send", token, tpl)["errcode"] == 0


def test_window_open_by_default_can_be_closed_per_user(wx):
    token = get_token(wx)
    assert send_text(wx, token, "o1").json()["errcode"] == 0
    wx.close_window("o1")
    assert send_text(wx, token, "o1").json()["errcode"] == 45015
    assert send_text(wx, token, "o2").json()["errcode"] == 0
    wx.interact("o1")
    assert send_text(wx, token, "o1").json()["errcode"] == 0


def test_menu_create_is_stored(wx):
    token = get_token(wx)
    menu = {"button": [{"type": "click", "name": "我要申请", "key": "APPLY"},
                       {"name": "更多", "sub_button": [{"type": "view", "name": "政策", "url": "http://x/"}]}]}
    assert wx.menu is None
    assert post(wx, "cgi-bin/menu/create", token, menu) == {"errcode": 0, "errmsg": "ok"}
    assert wx.menu == menu
    got = requests.get(wx.url + "cgi-bin/menu/get", params={"access_token": token}).json()
    assert got["menu"] == menu
    assert post(wx, "cgi-bin/menu/create", token, {"button": [{}] * 4})["errcode"] == 40016
    assert wx.menu == menu


def test_jscode2session():
    with FakeWeChat(APP_ID, APP_SECRET, mp_app_id="wx_mp", mp_app_secret="mp_secret") as fake:
        def login(code, secret="mp_secret", grant_type="authorization_code"):
            return requests.get(fake.url + "sns/jscode2session", params={
                "appid": "wx_mp", "secret": secret, "js_code": code,
                "grant_type": grant_type}).json()

        code = fake.login_code("o_mp1", unionid="u1")
        answer = login(code)
        assert answer["openid"] == "o_mp1" and answer["unionid"] == "u1"
        assert len(answer["session_key"]) == 24
        assert login(code)["errcode"] == 40163
        assert login("made-up")["errcode"] == 40029
        assert login(fake.login_code("o_mp2"), secret="nope")["errcode"] == 40125
        no_union = login(fake.login_code("o_mp3"))
        assert no_union["openid"] == "o_mp3" and "unionid" not in no_union
