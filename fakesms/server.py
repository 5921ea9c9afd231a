"""A fake of Aliyun's SMS API (dysmsapi SendSms, RPC style), served for real on loopback.

It takes SendSms as Aliyun does (GET or POST form parameters at the root path), checks the
RPC signature v1 (HMAC-SHA1 with the configured AccessKeySecret), the parameters and the
nonce, answers Aliyun's JSON ({"Code": "OK", "Message": "OK", "BizId", "RequestId"} or an
error Code), keeps every message for inspection and can be told to fail. It can also play a
resident's reply (上行短信): POST /_fake/reply forwards it to the app's inbound URL.

Control API (JSON, not recorded as calls):
  GET  /_fake/messages?phone=&since=   {"messages": [{"id", "time", "phone", "sign_name",
                                        "template_code", "params", "text", "biz_id"}]}
  POST /_fake/faults {"fault": "system_error"|"limit"|"http_500", "times": 1}
  POST /_fake/reset                    {"ok": true}
  POST /_fake/reply {"phone", "text"}  -> {"status", "body"} from the app's inbound URL
"""
from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from datetime import datetime, timezone
from urllib.parse import quote

import requests
from flask import Flask, jsonify, request

from fakewechat.loopback import LoopbackServer, is_loopback  # noqa: F401 (is_loopback: public here too)

FAULTS = {
    "system_error": ("isp.SYSTEM_ERROR", "系统错误"),
    "limit": ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"),
    "http_500": (None, None),
}
REQUIRED = ("AccessKeyId", "Action", "PhoneNumbers", "SignName", "SignatureMethod", "SignatureNonce",
            "SignatureVersion", "TemplateCode", "Timestamp", "Version", "Signature")
MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
MAX_SKEW_S = 15 * 60


def _encode(value: str) -> str:
    return quote(str(value), safe="~")


def expected_signature(params: dict, secret: str, method: str) -> str:
    canonical = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()) if k != "Signature")
    to_sign = f"{method}&%2F&{_encode(canonical)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class FakeSMS(LoopbackServer):
    """`with FakeSMS(key, secret) as sms:` serves on 127.0.0.1 at a free port: `sms.url`."""

    name = "fakesms"

    def __init__(self, access_key_id="yitang-dev-sms-key", access_key_secret="yitang-dev-sms-secret", *,
                 inbound_url=None, inbound_secret="", quiet=True):
        self.keys = {access_key_id: access_key_secret}
        self.inbound_url, self.inbound_secret, self.quiet = inbound_url, inbound_secret, quiet
        self._lock = threading.RLock()
        self._server = self._thread = None
        self.app = self._build_app()
        self.reset()

    # ---- lifecycle: start/stop, `with`, `url` come from fakewechat/loopback.py ------------

    # ---- state ---------------------------------------------------------------------------
    def reset(self):
        with self._lock:
            self._messages, self._faults, self._nonces, self._calls, self._seq = [], [], set(), [], 0

    def messages(self, phone=None, since=0):
        """Messages the provider accepted, oldest first."""
        with self._lock:
            return copy.deepcopy([m for m in self._messages
                                  if m["id"] > since and (phone is None or m["phone"] == phone)])

    def calls(self):
        """Every SendSms request with the Code it was answered."""
        with self._lock:
            return copy.deepcopy(self._calls)

    def fail_next(self, fault="system_error", times=1):
        if fault not in FAULTS:
            raise ValueError("unknown fault %r; faults are %s" % (fault, ", ".join(FAULTS)))
        if not isinstance(times, int) or times < 1:
            raise ValueError("times must be a positive integer")
        with self._lock:
            self._faults.extend([fault] * times)

    def reply(self, phone, text):
        """A resident's SMS to us, delivered to the app as Aliyun's SmsUp push would be."""
        if not self.inbound_url:
            raise RuntimeError("FakeSMS has no inbound_url to deliver replies to")
        body = [{"phone_number": phone, "content": text, "send_time": time.strftime("%Y-%m-%d %H:%M:%S"),
                 "sign_name": next(iter(m["sign_name"] for m in self._messages[-1:]), ""),
                 "dest_code": "", "sequence_id": secrets.randbelow(10 ** 9)}]
        resp = requests.post(self.inbound_url, json=body, timeout=10,
                             headers={"X-Yitang-Inbound-Secret": self.inbound_secret})
        return resp.status_code, resp.text

    # ---- HTTP ----------------------------------------------------------------------------
    def _build_app(self):
        app = Flask("fakesms")
        app.json.ensure_ascii = False
        app.add_url_rule("/", "api", self._api, methods=["GET", "POST"])
        app.add_url_rule("/_fake/messages", "messages",
                         lambda: jsonify(messages=self.messages(request.args.get("phone"),
                                                                int(request.args.get("since", 0)))))
        app.add_url_rule("/_fake/faults", "faults", self._ctl_faults, methods=["POST"])
        app.add_url_rule("/_fake/reset", "reset", lambda: (self.reset(), jsonify(ok=True))[1], methods=["POST"])
        app.add_url_rule("/_fake/reply", "reply", self._ctl_reply, methods=["POST"])
        return app

    def _ctl_faults(self):
        body = request.get_json(silent=True) or {}
        try:
            self.fail_next(body.get("fault", "system_error"), body.get("times", 1))
        except ValueError as err:
            return jsonify(error=str(err)), 400
        return jsonify(ok=True)

    def _ctl_reply(self):
        body = request.get_json(silent=True) or {}
        if not isinstance(body.get("phone"), str) or not isinstance(body.get("text"), str):
            return jsonify(error="phone and text are required strings"), 400
        try:
            status, text = self.reply(body["phone"], body["text"])
        except (RuntimeError, requests.RequestException) as err:
            return jsonify(error=str(err)), 502
        return jsonify(status=status, body=text)

    def _answer(self, params, code, message, status=200, **extra):
        with self._lock:
            self._calls.append({"time": time.time(), "params": {k: v for k, v in params.items()
                                                                if k != "Signature"}, "code": code})
        return jsonify(RequestId=secrets.token_hex(16).upper(), Code=code, Message=message, **extra), status

    def _api(self):
        params = request.values.to_dict()
        with self._lock:
            fault = self._faults.pop(0) if self._faults else None
        if fault == "http_500":
            return "<html><body>500 Internal Server Error</body></html>", 500
        if fault:
            return self._answer(params, *FAULTS[fault])
        missing = [k for k in REQUIRED if not params.get(k)]
        if missing:
            return self._answer(params, "MissingParameter", "%s is mandatory for this action." % missing[0], 400)
        if params["Action"] != "SendSms":
            return self._answer(params, "InvalidAction.NotFound", "Specified api is not found.", 404)
        secret = self.keys.get(params["AccessKeyId"])
        if secret is None:
            return self._answer(params, "InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
            return self._answer(params, "InvalidParameter", "SignatureMethod or SignatureVersion.", 400)
        if not hmac.compare_digest(params["Signature"], expected_signature(params, secret, request.method)):
            return self._answer(params, "SignatureDoesNotMatch", "Specified signature is not matched "
                                "with our calculation.", 400)
        try:
            sent_at = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        except ValueError:
            return self._answer(params, "InvalidTimeStamp.Format", "Specified time stamp is not valid.", 400)
        if abs(time.time() - sent_at.timestamp()) > MAX_SKEW_S:
            return self._answer(params, "InvalidTimeStamp.Expired", "Specified time stamp is expired.", 400)
        with self._lock:
            if params["SignatureNonce"] in self._nonces:
                return self._answer(params, "SignatureNonceUsed", "Specified signature nonce was used already.", 400)
            self._nonces.add(params["SignatureNonce"])
        phones = params["PhoneNumbers"].split(",")
        if not all(MOBILE.fullmatch(p) for p in phones):
            return self._answer(params, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        try:
            template = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return self._answer(params, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        if not isinstance(template, dict) or not all(isinstance(v, str) for v in template.values()):
            return self._answer(params, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        biz_id = "%d^%d" % (secrets.randbelow(10 ** 12), secrets.randbelow(10 ** 9))
        with self._lock:
            for phone in phones:
                self._seq += 1
                self._messages.append({
                    "id": self._seq, "time": time.time(), "phone": phone[-11:],
                    "sign_name": params["SignName"], "template_code": params["TemplateCode"],
                    "params": template, "biz_id": biz_id,
                    # What the phone shows, for a template whose body is ${content}.
                    "text": "【%s】%s" % (params["SignName"], template.get("content", "")),
                })
        return self._answer(params, "OK", "OK", BizId=biz_id)
