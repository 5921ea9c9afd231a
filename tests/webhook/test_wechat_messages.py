"""What a resident sees for each kind of message and event."""
from sqlalchemy import select

from models import Resident, Session


def test_subscribe_welcomes(wechat, sender):
    response = wechat.post(sender.event("o-sub", "subscribe"))
    assert "欢迎关注" in response.opened["Content"]


def test_unsubscribe_stops_everything(wechat, sender):
    wechat.post(sender.event("o-bye", "subscribe"))
    response = wechat.post(sender.event("o-bye", "unsubscribe", create_time=1700000001))
    assert response.data == b"success"
    resident = Session.scalar(select(Resident).where(Resident.openid == "o-bye"))
    assert resident.subscribed is False


def test_menu_click_names_the_item(wechat, sender):
    response = wechat.post(sender.event("o-menu", "CLICK", key="APPLY_WEIFANG"))
    assert "危房改造" in response.opened["Content"]


def test_view_scan_and_location_events_are_quiet(wechat, sender):
    for xml in (sender.event("o-ev", "VIEW", key="https://example.org/", create_time=1),
                sender.event("o-ev", "SCAN", key="123", create_time=2, Ticket="t"),
                sender.event("o-ev", "LOCATION", create_time=3, Latitude="24.48", Longitude="118.08",
                             Precision="30")):
        response = wechat.post(xml)
        assert response.status_code == 200 and response.data == b"success"


def test_voice_uses_recognition(wechat, sender):
    response = wechat.post(sender.voice("o-voice", "m1", recognition="我想找工作"))
    assert "求职" in response.opened["Content"]  # the words start the 112 registration
    response = wechat.post(sender.voice("o-voice", "m2"))
    assert "没有听清" in response.opened["Content"]


def test_location_link_video(wechat, sender):
    assert "思明区" in wechat.post(sender.location("o-l", 24.45, 118.08, "思明区鹭江道"))\
        .opened["Content"]
    assert "低保政策" in wechat.post(sender.link("o-l", "低保政策", "https://example.org"))\
        .opened["Content"]
    assert "视频" in wechat.post(sender.video("o-l", "v1")).opened["Content"]


def test_inbound_message_opens_the_48_hour_window(wechat, sender):
    wechat.post(sender.text("o-window", "在吗"))
    resident = Session.scalar(select(Resident).where(Resident.openid == "o-window"))
    assert resident.last_inbound_at is not None
