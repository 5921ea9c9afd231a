"""What WeChat's servers send to an Official Account's server URL: message XML, signed, in
plaintext, compatible or safe mode. Used by the simulator, the tests and the benchmark."""
from __future__ import annotations

import itertools
import re
import random
import secrets
import string
import time


import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

_ids = itertools.count(int(time.time() * 1000) * 1000 + random.randrange(1000))


def _nonce() -> str:
    # Not `random`: test tools seed it, and a nonce repeated within 5 minutes is refused.
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))


def _field(name: str, value) -> str:
    if isinstance(value, (int, float)):
        return f"<{name}>{value}</{name}>"
    return f"<{name}><![CDATA[{value}]]></{name}>"


class WeChatSender:
    def __init__(self, token: str, encoding_aes_key: str = "", app_id: str = "",
                 account: str = "gh_yitang", mode: str = "safe"):
        if mode not in ("plain", "compat", "safe"):
            raise ValueError("mode is plain, compat or safe")
        self.token, self.app_id, self.account, self.mode = token, app_id, account, mode
        self.crypto = WeChatCrypto(token, encoding_aes_key, app_id) if encoding_aes_key else None

    # -- messages ------------------------------------------------------------------------
    def message(self, openid: str, msg_type: str, fields: dict, msg_id: int | None = None,
                create_time: int | None = None) -> str:
        parts = [_field("ToUserName", self.account), _field("FromUserName", openid),
                 _field("CreateTime", create_time or int(time.time())), _field("MsgType", msg_type)]
        parts += [_field(k, v) for k, v in fields.items()]
        if msg_type != "event":
            parts.append(_field("MsgId", msg_id or next(_ids)))
        return "<xml>" + "".join(parts) + "</xml>"

    def text(self, openid: str, content: str, **kw) -> str:
        return self.message(openid, "text", {"Content": content}, **kw)

    def image(self, openid: str, media_id: str, pic_url: str = "http://mmbiz.qpic.cn/fake", **kw) -> str:
        return self.message(openid, "image", {"PicUrl": pic_url, "MediaId": media_id}, **kw)

    def voice(self, openid: str, media_id: str, recognition: str = "", **kw) -> str:
        fields = {"MediaId": media_id, "Format": "amr"}
        if recognition:
            fields["Recognition"] = recognition
        return self.message(openid, "voice", fields, **kw)

    def video(self, openid: str, media_id: str, **kw) -> str:
        return self.message(openid, "video", {"MediaId": media_id, "ThumbMediaId": "thumb"}, **kw)

    def location(self, openid: str, lat: float, lng: float, label: str = "", **kw) -> str:
        return self.message(openid, "location", {"Location_X": lat, "Location_Y": lng, "Scale": 15,
                                                 "Label": label}, **kw)

    def link(self, openid: str, title: str, url: str, **kw) -> str:
        return self.message(openid, "link", {"Title": title, "Description": "", "Url": url}, **kw)

    def event(self, openid: str, event: str, key: str | None = None, create_time: int | None = None,
              **fields) -> str:
        body = {"Event": event}
        if key is not None:
            body["EventKey"] = key
        body.update(fields)
        return self.message(openid, "event", body, create_time=create_time)

    def from_spec(self, spec: dict) -> str:
        """A message described as plain JSON (what the simulator page sends): kind text, voice,
        click, subscribe, unsubscribe, location or image. ValueError names what is wrong."""
        openid = spec.get("openid")
        if not isinstance(openid, str) or not openid:
            raise ValueError("openid is required")
        openid, kind = openid[:64], spec.get("kind")
        if kind == "text":
            return self.text(openid, str(spec.get("text", ""))[:2000])
        if kind == "voice":
            return self.voice(openid, "sim-voice", recognition=str(spec.get("text", ""))[:500])
        if kind == "click":
            return self.event(openid, "CLICK", key=str(spec.get("key", "")))
        if kind in ("subscribe", "unsubscribe"):
            return self.event(openid, kind)
        if kind == "location":
            try:
                return self.location(openid, float(spec["lat"]), float(spec["lng"]), str(spec.get("label", "")))
            except (KeyError, TypeError, ValueError):
                raise ValueError("lat and lng must be numbers") from None
        if kind == "image":
            if not isinstance(spec.get("media_id"), str) or not spec["media_id"]:
                raise ValueError("an image needs the media_id the fake server gave its upload")
            return self.image(openid, spec["media_id"])
        raise ValueError("kind must be text, voice, click, subscribe, unsubscribe, location or image")

    # -- the envelope ----------------------------------------------------------------------
    def envelope(self, xml: str, timestamp: int | None = None, nonce: str | None = None) -> tuple[dict, bytes]:
        """Query parameters and body as WeChat would POST them."""
        timestamp = str(timestamp or int(time.time()))
        nonce = nonce or _nonce()
        signer = WeChatSigner()
        signer.add_data(self.token, timestamp, nonce)
        query = {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce,
                 "openid": _openid_of(xml)}
        if self.mode == "plain":
            return query, xml.encode()
        encrypted = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, timestamp))["xml"]
        query.update(encrypt_type="aes", msg_signature=encrypted["MsgSignature"])
        envelope = "<xml>" + _field("ToUserName", self.account) + _field("Encrypt", encrypted["Encrypt"])
        if self.mode == "compat":  # compatible mode carries the clear fields as well
            envelope += xml[len("<xml>"):-len("</xml>")]
        return query, (envelope + "</xml>").encode()

    def open_reply(self, body: str | bytes, query: dict) -> dict | None:
        """The reply as a dict ({"MsgType": "text", "Content": …}); None for "success"/empty."""
        text = body.decode() if isinstance(body, bytes) else body
        if not text or text == "success":
            return None
        if query.get("encrypt_type") == "aes":
            outer = xmltodict.parse(text)["xml"]
            text = self.crypto.decrypt_message(text, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
        return xmltodict.parse(text)["xml"]


def _openid_of(xml: str) -> str:
    found = re.search(r"<FromUserName>(?:<!\[CDATA\[)?([^<\]]*)", xml)
    return found.group(1) if found else ""



