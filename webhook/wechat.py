"""GET/POST /wechat: the Official Account's server URL.

Parsing, signatures, crypto and HTTP errors only: the message is turned into a plain
InboundEvent, stored, handed to the bot, and the bot's answer is turned back into XML.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from flask import Blueprint, Response, abort, current_app, request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

import bot
from channels import inbound

from . import wechat_events

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)

REPLAY_WINDOW_S = 300
# Handlers that outlive the reply budget finish here and send their answer afterwards.
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="wechat-handler")


def _verify_query() -> None:
    args = request.args
    signature, timestamp, nonce = args.get("signature"), args.get("timestamp"), args.get("nonce")
    if not (signature and timestamp and nonce):
        abort(403, "missing signature, timestamp or nonce")
    try:
        check_signature(current_app.config["WECHAT_TOKEN"], signature, timestamp, nonce)
    except InvalidSignatureException:
        abort(403, "bad signature")
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        abort(403, "bad timestamp")
    if age > REPLAY_WINDOW_S:
        abort(403, "timestamp outside the 5-minute window (replay?)")


def _safe_xml(raw: bytes | str) -> None:
    """Refuse DOCTYPEs, entities (XXE, billion laughs) and malformed XML before any parser
    that could expand them sees the text."""
    try:
        safe_fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        abort(400, "XML with a DOCTYPE or entities is refused")
    except Exception:
        abort(400, "malformed XML")


def _crypto() -> WeChatCrypto:
    cfg = current_app.config
    return WeChatCrypto(cfg["WECHAT_TOKEN"], cfg["WECHAT_ENCODING_AES_KEY"], cfg["WECHAT_APP_ID"])


@bp.get("/wechat")
def verify_url():
    _verify_query()
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


@bp.post("/wechat")
def receive():
    _verify_query()
    raw = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: 413 before we read it
    _safe_xml(raw)
    encrypted = request.args.get("encrypt_type") == "aes"
    if encrypted:
        if not current_app.config["WECHAT_ENCODING_AES_KEY"]:
            abort(403, "safe mode is not configured")
        try:
            raw = _crypto().decrypt_message(raw, request.args.get("msg_signature", ""),
                                            request.args["timestamp"], request.args["nonce"])
        except InvalidSignatureException:
            abort(403, "bad msg_signature")
        except InvalidAppIdException:
            abort(403, "message is for another AppId")
        except Exception:
            abort(400, "cannot decrypt the message")
        _safe_xml(raw)
    try:
        message = parse_message(raw)
        event = wechat_events.to_event(message)
    except (KeyError, ValueError, TypeError, AttributeError):
        abort(400, "not a WeChat message")

    budget = current_app.config["WECHAT_REPLY_BUDGET_S"]
    if not inbound.store(event):
        body = inbound.reply_for_retry(event.dedupe_key, budget)
        return _respond(body if body is not None else "success")

    app = current_app._get_current_object()
    future = _pool.submit(_handle, app, event)
    try:
        reply = future.result(timeout=budget)
    except FutureTimeout:
        # WeChat gives up after 5 s: say "success" now, deliver the reply when it is ready.
        inbound.finish(event, "success", state="late")
        future.add_done_callback(lambda f: _pool.submit(_send_late, app, event, f))
        return _respond("success")
    except Exception:
        log.exception("handler failed for inbound message %s", event.inbound_id)
        reply = bot.sorry()
    body = _render(message, event, reply, encrypted)
    inbound.finish(event, body)
    return _respond(body)


def _handle(app, event: inbound.InboundEvent) -> bot.Reply | None:
    with app.app_context():
        return bot.handle(event)


def _send_late(app, event: inbound.InboundEvent, future) -> None:
    with app.app_context():
        try:
            reply = future.result()
        except Exception:
            log.exception("late handler failed for inbound message %s", event.inbound_id)
            reply = bot.sorry()
        if reply is not None:
            bot.push(event.openid, reply, inbound_id=event.inbound_id)


def _render(message, event: inbound.InboundEvent, reply: bot.Reply | None, encrypted: bool) -> str:
    if reply is None or not reply.texts:
        return "success"
    xml, rest = wechat_events.render_reply(message, reply)
    if rest is not None:  # a passive reply carries one message; the others follow by push
        bot.push(event.openid, rest, inbound_id=event.inbound_id)
    if encrypted:
        return _crypto().encrypt_message(xml, request.args["nonce"], request.args["timestamp"])
    return xml


def _respond(body: str) -> Response:
    return Response(body, mimetype="application/xml" if body.startswith("<") else "text/plain")
