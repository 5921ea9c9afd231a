"""SMS through a provider with the HTTP shape of Aliyun's SendSms (dysmsapi, version
2017-05-25, RPC style): one request per message, form parameters signed with the account's
AccessKeySecret (HMAC-SHA1, Aliyun's RPC signature version 1.0), a JSON answer whose `Code`
is "OK" when the provider took the message.

The text goes in as the one variable of a template the provider approved in advance
(`[sms] template_code`, a template whose body is `${content}`), under `[sms] sign_name`
(the 【签名】 in front of every message). Production points `[sms] api_base_url` at
https://dysmsapi.aliyuncs.com/; development and tests at the fake (fakesms/).

Logs carry provider codes only: no phone numbers, no texts.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import quote

import requests

log = logging.getLogger(__name__)

API_VERSION = "2017-05-25"
# Connect, read: a provider that does not answer within these counts as failed, and the push
# falls back to its next channel.
TIMEOUT = (3.05, 10)
_MOBILE = re.compile(r"1[3-9]\d{9}")


class SmsError(Exception):
    """The provider refused or could not be reached; `code` is its Code (or ours)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


def normalize_phone(raw: str) -> str:
    """A mainland mobile number as 11 digits ("+86 138-1234-5678" → "13812345678");
    ValueError naming the problem otherwise."""
    digits = re.sub(r"[\s\-()]", "", str(raw or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise ValueError("the phone number must be an 11-digit mainland mobile number")
    return digits


def percent_encode(value: str) -> str:
    # Aliyun's rule: RFC 3986, so "~" stays and a space is %20 (never "+").
    return quote(str(value), safe="~")


def signature(params: Mapping[str, str], secret: str, method: str = "POST") -> str:
    """Aliyun RPC signature v1: HMAC-SHA1 over METHOD&%2F&encoded(sorted query), keyed by
    secret + "&", base64."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class SmsClient:
    def __init__(self, base_url: str, access_key_id: str, access_key_secret: str,
                 sign_name: str, template_code: str, *, session: requests.Session | None = None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.access_key_id, self.access_key_secret = access_key_id, access_key_secret
        self.sign_name, self.template_code = sign_name, template_code
        self._http = session or requests.Session()

    @classmethod
    def from_config(cls, config: Mapping) -> SmsClient | None:
        """None when SMS is not configured (no key or sign name): the channel is skipped."""
        if not (config.get("SMS_ACCESS_KEY_ID") and config.get("SMS_ACCESS_KEY_SECRET")
                and config.get("SMS_SIGN_NAME") and config.get("SMS_TEMPLATE_CODE")):
            return None
        return cls(config["SMS_API_BASE_URL"], config["SMS_ACCESS_KEY_ID"],
                   config["SMS_ACCESS_KEY_SECRET"], config["SMS_SIGN_NAME"],
                   config["SMS_TEMPLATE_CODE"])

    def close(self) -> None:
        self._http.close()

    def send(self, phone: str, text: str) -> str:
        """Send `text` to `phone`; the provider's BizId. SmsError when it is refused or the
        provider cannot be reached."""
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": normalize_phone(phone),
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps({"content": text}, ensure_ascii=False),
            "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        params["Signature"] = signature(params, self.access_key_secret, "POST")
        try:
            resp = self._http.post(self.base_url, data=params, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise SmsError("Unreachable", f"the SMS provider did not answer ({type(exc).__name__})") from None
        try:
            body = resp.json()
        except ValueError:
            raise SmsError(f"HTTP{resp.status_code}", "the SMS provider answered something that is not JSON") from None
        code = str(body.get("Code", f"HTTP{resp.status_code}"))
        if code != "OK":
            log.info("sms refused: %s", code)
            raise SmsError(code, str(body.get("Message", ""))[:200])
        return str(body.get("BizId", ""))
