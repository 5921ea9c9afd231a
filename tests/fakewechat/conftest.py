import pytest
import requests

from fakewechat import FakeWeChat

APP_ID, APP_SECRET = "wx_test", "secret"


@pytest.fixture
def wx():
    with FakeWeChat(APP_ID, APP_SECRET) as fake:
        yield fake


def get_token(fake):
    r = requests.get(fake.url + "cgi-bin/token", params={
        "grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET})
    return r.json()["access_token"]


def send_text(fake, token, openid, content="你好"):
    return requests.post(fake.url + "cgi-bin/message/custom/send",
                         params={"access_token": token},
                         json={"touser": openid, "msgtype": "text", "text": {"content": content}})
