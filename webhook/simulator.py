"""/simulator (development only): a phone-sized chat that plays WeChat's part.

The page's messages are turned into what WeChat would send — message XML, signed, in safe
mode when an AES key is set — and POSTed over HTTP to this server's own /wechat. Photos go to
the fake WeChat API server first, as WeChat would hold a resident's upload, and pushed
(customer-service and template) messages are read back from the fake server.
"""
from __future__ import annotations

import base64
import binascii

import requests
from flask import Blueprint, abort, current_app, jsonify, render_template, request

from bot.router import menu
from fakewechat.sender import WeChatSender

bp = Blueprint("simulator", __name__)

MAX_IMAGE_BYTES = 5 * 1024 * 1024


@bp.before_request
def only_in_development():
    if not current_app.config["SIMULATOR_ENABLED"] or current_app.config["APP_ENV"] == "production":
        abort(404)


def _sender() -> WeChatSender:
    cfg = current_app.config
    mode = "safe" if cfg["WECHAT_ENCODING_AES_KEY"] else "plain"
    return WeChatSender(cfg["WECHAT_TOKEN"], cfg["WECHAT_ENCODING_AES_KEY"], cfg["WECHAT_APP_ID"], mode=mode)


def _fake(path: str) -> str:
    return current_app.config["WECHAT_API_BASE_URL"] + path


@bp.get("/simulator")
def page():
    return render_template("simulator.html", menu=menu()["button"],
                           fake_api=current_app.config["WECHAT_API_BASE_URL"])


@bp.post("/simulator/send")
def send():
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("openid"), str) or not data["openid"]:
        abort(400, "openid is required")
    sender, openid, kind = _sender(), data["openid"][:64], data.get("kind")
    if kind == "text":
        xml = sender.text(openid, str(data.get("text", ""))[:2000])
    elif kind == "voice":
        xml = sender.voice(openid, "sim-voice", recognition=str(data.get("text", ""))[:500])
    elif kind == "click":
        xml = sender.event(openid, "CLICK", key=str(data.get("key", "")))
    elif kind in ("subscribe", "unsubscribe"):
        xml = sender.event(openid, kind)
    elif kind == "location":
        try:
            xml = sender.location(openid, float(data["lat"]), float(data["lng"]), str(data.get("label", "")))
        except (KeyError, TypeError, ValueError):
            abort(400, "lat and lng must be numbers")
    elif kind == "image":
        xml = sender.image(openid, _upload_image(data.get("image")))
    else:
        abort(400, "kind must be text, voice, click, subscribe, unsubscribe, location or image")
    query, body = sender.envelope(xml)
    response = requests.post(request.host_url + "wechat", params=query, data=body, timeout=10,
                             headers={"Content-Type": "text/xml"})
    reply = sender.open_reply(response.content, query) if response.status_code == 200 else None
    return jsonify(status=response.status_code, reply=reply)


def _upload_image(data_url) -> str:
    """The resident's photo, held by the fake WeChat server as WeChat would hold it."""
    if not isinstance(data_url, str) or "," not in data_url:
        abort(400, "image must be a data: URL")
    header, encoded = data_url.split(",", 1)
    content_type = header.removeprefix("data:").split(";")[0] or "application/octet-stream"
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        abort(400, "image is not valid base64")
    if len(raw) > MAX_IMAGE_BYTES:
        abort(413, "image larger than 5 MB")
    try:
        answer = requests.post(_fake("_fake/media"), data=raw, headers={"Content-Type": content_type},
                               timeout=10)
        return answer.json()["media_id"]
    except (requests.RequestException, ValueError, KeyError):
        abort(502, "the fake WeChat server is not reachable; is make run running?")


@bp.get("/simulator/pushes")
def pushes():
    openid = request.args.get("openid", "")
    since = request.args.get("since", "0")
    try:
        answer = requests.get(_fake("_fake/messages"), params={"openid": openid, "since": since}, timeout=5)
        return jsonify(answer.json())
    except (requests.RequestException, ValueError):
        return jsonify(messages=[], error="fake WeChat server not reachable")
