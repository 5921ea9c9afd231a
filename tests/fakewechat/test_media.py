import requests

from tests.fakewechat.conftest import get_token

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def media_get(fake, token, media_id):
    return requests.get(fake.url + "cgi-bin/media/get",
                        params={"access_token": token, "media_id": media_id})


def test_added_media_is_downloaded_byte_for_byte(wx):
    media_id = wx.add_media(PNG, "image/png")
    r = media_get(wx, get_token(wx), media_id)
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["Content-Type"] == "image/png"
    assert media_id in r.headers["Content-Disposition"]


def test_unknown_media_is_40007_json(wx):
    r = media_get(wx, get_token(wx), "no-such-media")
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["errcode"] == 40007


def test_media_get_needs_a_token(wx):
    media_id = wx.add_media(PNG, "image/png")
    assert media_get(wx, "12_" + "B" * 120, media_id).json()["errcode"] == 40001


def test_upload_then_get(wx):
    token = get_token(wx)
    r = requests.post(wx.url + "cgi-bin/media/upload", params={"access_token": token, "type": "image"},
                      files={"media": ("card.jpg", b"JPEGDATA", "image/jpeg")})
    answer = r.json()
    assert answer["type"] == "image" and isinstance(answer["created_at"], int)
    got = media_get(wx, token, answer["media_id"])
    assert got.content == b"JPEGDATA" and got.headers["Content-Type"] == "image/jpeg"
    assert wx.calls("cgi-bin/media/upload")[0]["files"]["media"]["filename"] == "card.jpg"


def test_upload_errors(wx):
    token = get_token(wx)
    url = wx.url + "cgi-bin/media/upload"
    bad_type = requests.post(url, params={"access_token": token, "type": "pdf"},
                             files={"media": ("a.pdf", b"x", "application/pdf")})
    assert bad_type.json()["errcode"] == 40004
    no_file = requests.post(url, params={"access_token": token, "type": "image"},
                            files={"other": ("a.jpg", b"x", "image/jpeg")})
    assert no_file.json()["errcode"] == 41005
    thumb = requests.post(url, params={"access_token": token, "type": "thumb"},
                          files={"media": ("t.jpg", b"x", "image/jpeg")}).json()
    assert "thumb_media_id" in thumb
