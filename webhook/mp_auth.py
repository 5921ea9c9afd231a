"""Mini-program sign-in: wx.login()'s code → jscode2session → an opaque token.

The token is random (secrets.token_urlsafe) and only its SHA-256 is kept, in Redis, with a TTL;
logging out deletes it, so the server can end a session at once (a JWT could not be). The
record holds the resident it acts for and WeChat's session_key, sealed: the session_key never
leaves the server.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_limiter.util import get_remote_address

from bot import drafts
from channels.wechat_api import WeChatAPI, WeChatError
from models import Session, kv, pii
from review import profile

TOKEN_TTL_S = 2 * 3600
PREFIX = "mp:token:"
# WeChat's refusals of a code: invalid or expired (40029), already used (40163), a risky
# user (40226), no code (41008).
BAD_CODE = {40029, 40163, 40226, 41008}


@dataclass(frozen=True)
class MpSession:
    user_id: int
    openid: str  # whose conversation and applications: the follower's when linked


def _key(token: str) -> str:
    return PREFIX + hashlib.sha256(token.encode()).hexdigest()


def api() -> WeChatAPI:
    return WeChatAPI.from_config(current_app.config, kv.client())


def mini_api() -> WeChatAPI:
    """The mini-program's own client (its access token): content checks, phone numbers."""
    return WeChatAPI.for_miniprogram(current_app.config, kv.client())


class LoginRefused(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def login(code: str) -> dict:
    config = current_app.config
    appid, secret = config.get("MINIPROGRAM_APP_ID"), config.get("MINIPROGRAM_APP_SECRET")
    if not appid or not secret:
        raise LoginRefused("小程序登录尚未开通（[miniprogram] app_id / app_secret 未配置）。", 503)
    with api() as client:
        try:
            answer = client.jscode2session(appid, secret, code)
        except WeChatError as err:
            if err.errcode in BAD_CODE:
                raise LoginRefused("登录码无效、已过期或已经用过，请重新登录（wx.login）。", 401) from None
            current_app.logger.warning("jscode2session failed: %s", err.errcode)
            raise LoginRefused("暂时无法通过微信登录，请稍后再试。", 503) from None
        openid, session_key = answer.get("openid"), answer.get("session_key")
        if not openid or not session_key:
            raise LoginRefused("暂时无法通过微信登录，请稍后再试。", 503)
        user = drafts.sign_in(client, openid, answer.get("unionid"))
        Session.commit()
    token = secrets.token_urlsafe(32)
    record = {"u": user.id, "openid": user.chat_openid, "sk": pii.seal(session_key)}
    kv.client().set(_key(token), json.dumps(record), ex=TOKEN_TTL_S)
    return {"token": token, "expires_in": TOKEN_TTL_S}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        return None
    return token.strip()


def current() -> MpSession | None:
    """The session of this request's token, or None; looked up once per request."""
    if "mp_session" in g:
        return g.mp_session
    token = _bearer()
    raw = kv.client().get(_key(token)) if token else None
    record = json.loads(raw) if raw else None
    g.mp_session = MpSession(record["u"], record["openid"]) if record else None
    return g.mp_session


def mp_openid() -> str | None:
    """The mini-program openid of this request's resident (WeChat's checks are about it)."""
    from models import MiniProgramUser

    session = current()
    user = Session.get(MiniProgramUser, session.user_id) if session else None
    return user.mp_openid if user else None


def logout() -> bool:
    token = _bearer()
    return bool(token and kv.client().delete(_key(token)))


def unauthorized():
    response = jsonify(error="请先登录：Authorization: Bearer <token>，token 无效或已过期时请重新登录。")
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="yitang-mp"'
    return response


def required(view):
    """Every call but login: a valid token, else 401."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current() is None:
            return unauthorized()
        return view(*args, **kwargs)
    return wrapper


def resident_key() -> str:
    """Rate limits per resident (whatever token they use), else per address."""
    session = current()
    return f"mp-resident:{session.openid}" if session else f"mp-address:{get_remote_address()}"


# ---- the phone number (wx getPhoneNumber → phonenumber.getPhoneNumber) -------------------------

def confirm_phone(code: str) -> dict:
    """The number WeChat confirms for a getPhoneNumber code, kept sealed on the resident
    (models.pii); answers it masked. The caller commits. LoginRefused: 400 for a bad code,
    503 when WeChat cannot say."""
    session = current()
    with mini_api() as client:
        try:
            info = client.user_phone_number(code)
        except WeChatError as err:
            if err.errcode in BAD_CODE:
                raise LoginRefused("手机号授权码无效、已过期或已经用过，请重新点一次“授权手机号”。", 400) from None
            current_app.logger.warning("getuserphonenumber failed: %s", err.errcode)
            raise LoginRefused("暂时无法向微信确认手机号，请稍后再试。", 503) from None
    number, country = str(info.get("purePhoneNumber") or ""), str(info.get("countryCode") or "86")
    watermark = info.get("watermark") or {}
    if not re.fullmatch(r"[0-9]{5,20}", number) or not re.fullmatch(r"[0-9]{1,4}", country) \
            or watermark.get("appid") != current_app.config["MINIPROGRAM_APP_ID"]:
        raise LoginRefused("暂时无法向微信确认手机号，请稍后再试。", 503)
    phone = number if country == "86" else f"+{country} {number}"
    profile.resident(session.openid).phone = phone
    return {"phone": pii.mask(phone), "country_code": country}
