"""Issue 17: /wechat parses each document once (defusedxml) and builds wechatpy's message
itself. Every kind of message must still be read, stored and replayed exactly as wechatpy's
own parser reads it."""
import dataclasses

from sqlalchemy import select
from wechatpy import parse_message

from channels import inbound
from models import InboundMessage, Session

PHOTOS = ("<SendPicsInfo><Count>2</Count><PicList>"
          "<item><PicMd5Sum><![CDATA[aaa]]></PicMd5Sum></item>"
          "<item><PicMd5Sum><![CDATA[bbb]]></PicMd5Sum></item></PicList></SendPicsInfo>")


def kinds(sender):
    return {
        "text": sender.text("o-p-text", "  我想申请低保 <第1条> & 其他  "),
        "image": sender.image("o-p-image", "media-1"),
        "voice": sender.voice("o-p-voice", "media-2", recognition="申请低保"),
        "video": sender.video("o-p-video", "media-3"),
        "location": sender.location("o-p-location", 24.48, 118.09, label="厦门市思明区"),
        "link": sender.link("o-p-link", "低保政策", "https://example.org/dibao"),
        "subscribe": sender.event("o-p-subscribe", "subscribe"),
        "subscribe via QR": sender.event("o-p-qr", "subscribe", key="qrscene_street-12"),
        "scan": sender.event("o-p-scan", "SCAN", key="street-12"),
        "click": sender.event("o-p-click", "CLICK", key="APPLY_DIBAO"),
        "view": sender.event("o-p-view", "VIEW", key="https://example.org/menu"),
        "location event": sender.event("o-p-locev", "LOCATION", Latitude="24.48", Longitude="118.09",
                                       Precision="30"),
        "unsubscribe": sender.event("o-p-unsub", "unsubscribe"),
        "unknown": sender.message("o-p-unknown", "miniprogrampage", {"Title": "x"}),
        "photo batch": sender.message("o-p-photos", "event", {"Event": "pic_photo_or_album",
                                                               "EventKey": "PHOTO"})
        .replace("</xml>", PHOTOS + "</xml>"),
    }


def plain_event(event: inbound.InboundEvent) -> dict:
    return {k: v for k, v in dataclasses.asdict(event).items() if k != "inbound_id"}


def test_every_kind_is_stored_and_replayed_as_wechatpy_reads_it(wechat, sender):
    for name, xml in kinds(sender).items():
        expected = parse_message(xml)
        response = wechat.post(xml)
        assert response.status_code == 200, name
        Session.remove()
        row = Session.scalar(select(InboundMessage).where(InboundMessage.openid == expected.source))
        assert row.payload == expected._data, name
        # What a later turn or the sweeper reads back from the row.
        assert plain_event(inbound.from_wechat(inbound.wechat_message(dict(row.payload)))) == \
            plain_event(inbound.from_wechat(parse_message(xml))), name


def test_xml_nested_past_any_message_is_refused_not_a_500(wechat, sender):
    deep = sender.text("o-p-deep", "你好").replace("</xml>", "<a>" * 50 + "</a>" * 50 + "</xml>")
    response = wechat.post(deep)
    assert response.status_code == 400
    assert "nested" in response.get_json()["error"]
    assert Session.scalar(select(InboundMessage.id)) is None
