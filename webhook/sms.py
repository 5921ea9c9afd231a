"""POST /sms/inbound: residents' SMS replies (上行短信), as the provider pushes them.

The body is Aliyun's SmsUp push: a JSON list of {"phone_number", "content", "send_time",
"sign_name", "dest_code", "sequence_id"} (a single object is taken too). The provider is
recognised by the shared `[sms] inbound_secret` in the X-Yitang-Inbound-Secret header. A
reply of TD / 退订 stops SMS pushes to that number at once. Nothing personal is logged.
"""
from __future__ import annotations

import hmac
import logging

from flask import Blueprint, current_app, jsonify, request

from channels import push
from channels.sms import normalize_phone
from models import Session

from .staff import csrf

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__)
csrf.exempt(bp)  # the provider has no session; the shared secret authenticates it

STOP_WORDS = frozenset({"TD", "T", "退订", "取消订阅"})


@bp.post("/sms/inbound")
def inbound():
    secret = current_app.config.get("SMS_INBOUND_SECRET", "")
    given = request.headers.get("X-Yitang-Inbound-Secret", "")
    if not secret:
        return jsonify(code=1, msg="inbound SMS is not configured ([sms] inbound_secret)"), 403
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return jsonify(code=1, msg="wrong or missing X-Yitang-Inbound-Secret"), 403
    body = request.get_json(silent=True)
    items = [body] if isinstance(body, dict) else body
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        return jsonify(code=1, msg="the body must be a JSON list of messages"), 400
    stopped = 0
    for number, item in enumerate(items):
        content, phone = item.get("content"), item.get("phone_number")
        if not isinstance(content, str) or not isinstance(phone, str):
            return jsonify(code=1, msg=f"message {number}: phone_number and content are required strings"), 400
        try:
            phone = normalize_phone(phone)
        except ValueError as err:
            return jsonify(code=1, msg=f"message {number}: {err}"), 400
        if content.strip().upper() in STOP_WORDS:
            push.opt_out("sms", phone=phone, source="sms")
            stopped += 1
    Session.commit()
    if stopped:
        log.info("sms inbound: %s opt-out(s)", stopped)
    return jsonify(code=0, msg="接收成功")
