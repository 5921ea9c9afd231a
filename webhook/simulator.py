"""/simulator (development only): a phone-sized chat that plays WeChat's part.

The page's messages go to the fake WeChat API server over HTTP, which turns them into what
WeChat would send — message XML, signed, encrypted in the configured mode — and POSTs them to
this server's own /wechat. Photos go to the fake server first, as WeChat would hold a
resident's upload, and pushed (customer-service and template) messages are read back from it.
Nothing of the fake is imported: production code never carries it.
"""
from __future__ import annotations

import base64
import binascii

import requests
from flask import Blueprint, abort, current_app, jsonify, render_template, request

from bot.router import menu

bp = Blueprint("simulator", __name__)

MAX_IMAGE_BYTES = 5 * 1024 * 1024


@bp.before_request
def only_in_development():
    if not current_app.config["SIMULATOR_ENABLED"] or current_app.config["APP_ENV"] == "production":
        abort(404)


def _fake(path: str) -> str:
    return current_app.config["WECHAT_API_BASE_URL"] + path


# The page shows the photo a resident picks before sending it: a data: URL, which the app's
# policy (webhook/security.py) does not allow. Scripts stay 'self' only.
SIMULATOR_CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
                 "frame-ancestors 'none'; form-action 'self'")


@bp.get("/simulator")
def page():
    response = current_app.make_response(render_template("simulator.html", menu=menu()["button"]))
    response.headers["Content-Security-Policy"] = SIMULATOR_CSP
    return response


@bp.post("/simulator/send")
def send():
    """What the page typed or tapped, handed to the fake WeChat server, which signs (and
    encrypts) it exactly as WeChat would and POSTs it to this server's /wechat."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, "a JSON object is required")
    message = {k: data[k] for k in ("openid", "kind", "text", "key", "lat", "lng", "label") if k in data}
    if data.get("kind") == "image":
        message["media_id"] = _upload_image(data.get("image"))
    cfg = current_app.config
    server = {"url": request.host_url + "wechat", "token": cfg["WECHAT_TOKEN"],
              "aes_key": cfg["WECHAT_ENCODING_AES_KEY"], "app_id": cfg["WECHAT_APP_ID"],
              "mode": cfg["WECHAT_MODE"]}
    try:
        answer = requests.post(_fake("_fake/deliver"), json={"server": server, "message": message}, timeout=15)
        result = answer.json()
    except (requests.RequestException, ValueError):
        abort(502, "the fake WeChat server is not reachable; is make run running?")
    if answer.status_code != 200:
        abort(answer.status_code if answer.status_code in (400, 413) else 502,
              result.get("error", "the fake WeChat server refused the message"))
    return jsonify(status=result["status"], reply=result["reply"])


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
