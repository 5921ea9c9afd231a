"""GET/POST /wechat: the Official Account's server URL.

Parsing, signatures, crypto and HTTP errors only: the message is turned into a plain
InboundEvent, stored, handed to the bot, and the bot's answer is turned back into XML.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from flask import Blueprint, Response, abort, current_app, request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from limits import parse as parse_limit
from wechatpy.utils import check_signature

import bot
from channels import inbound
from models import Session, kv

from . import wechat_events
from .limits import limiter

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


def _claim_signature(raw: bytes) -> None:
    """A signed (timestamp, nonce) pair serves one body only.

    The query signature covers the timestamp and nonce but not the body, and access logs
    keep query strings: without this, anyone holding one logged URL could post any message
    for five minutes. WeChat's own retries repeat the body byte for byte and pass.
    """
    args = request.args
    key = f"wechat:nonce:{args['timestamp']}:{args['nonce']}"
    digest = hashlib.sha256(raw).hexdigest()
    redis = kv.client()
    # Kept past the replay window, so a pair is never forgotten while it is still acceptable.
    if not redis.set(key, digest, nx=True, ex=2 * REPLAY_WINDOW_S + 60):
        seen = redis.get(key)
        if seen is not None and seen.decode() != digest:
            abort(403, "this signature was already used for another message")


def _over_message_limit(event: inbound.InboundEvent) -> bool:
    """True once a resident sends faster than any person types: the rest are kept, not handled."""
    limit = _limit(current_app.config["WECHAT_MESSAGE_RATE_LIMIT"])
    return not limiter.limiter.hit(limit, "wechat-messages", event.openid)


@functools.lru_cache(maxsize=4)
def _limit(text: str):
    """Parsed once per configured value, not once per message."""
    return parse_limit(text)


@bp.post("/wechat")
def receive():
    _verify_query()
    raw = body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: 413 before we read it
    _safe_xml(raw)
    encrypted = request.args.get("encrypt_type") == "aes"
    if current_app.config["WECHAT_MODE"] == "safe" and not encrypted:
        # In safe mode WeChat encrypts everything; a plaintext post is a downgrade attempt.
        abort(403, "safe mode: only encrypted messages (encrypt_type=aes) are accepted")
    if encrypted:
        if current_app.config["WECHAT_MODE"] == "plain":
            abort(403, "encrypted messages are not configured (WECHAT_MODE is plain)")
        if not request.args.get("msg_signature"):
            abort(403, "missing msg_signature")
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
        event = inbound.from_wechat(message)
    except (KeyError, ValueError, TypeError, AttributeError):
        abort(400, "not a WeChat message")
    _claim_signature(body)

    sealer = _Sealer(message, encrypted, request.args["nonce"], request.args["timestamp"])
    if inbound.store(event) and event.kind != "event" and _over_message_limit(event):
        body, _ = sealer.seal(bot.flooded(event))
        inbound.settle(event, body, "throttled")
        Session.commit()
        return _respond(body)
    # First delivery or WeChat's copy alike: the resident's turn decides (bot.turns).
    app = current_app._get_current_object()
    budget = current_app.config["WECHAT_REPLY_BUDGET_S"]
    future = _pool.submit(_serve, app, event, sealer, budget)
    try:
        answer = future.result(timeout=budget)
    except FutureTimeout:
        # WeChat gives up after 5 s: say "success" now; the turn pushes its reply when ready.
        if sealer.give_up():
            return _respond("success")
        answer = future.result()  # it finished in the same instant: answer as usual
    return _respond(answer if answer is not None else "success")


class _Sealer:
    """Turns the bot's reply into this delivery's body: the passive reply XML (encrypted like
    the request), or, once the delivery has given up waiting, a push of the whole reply."""

    def __init__(self, message, encrypted: bool, nonce: str, timestamp: str):
        self.message, self.encrypted, self.nonce, self.timestamp = message, encrypted, nonce, timestamp
        self._lock = threading.Lock()
        self._late = self._done = False

    def give_up(self) -> bool:
        """The delivery stops waiting; False when the reply was settled just now."""
        with self._lock:
            self._late = not self._done
            return self._late

    def seal(self, reply: bot.Reply | None) -> tuple[str, bot.Reply | None]:
        """(the passive reply body, what must follow by push): a passive reply carries one text."""
        if reply is None or not reply.texts:
            return "success", None
        xml, rest = wechat_events.render_reply(self.message, reply)
        if self.encrypted:
            xml = _crypto().encrypt_message(xml, self.nonce, self.timestamp)
        return xml, rest

    def finisher(self, event: inbound.InboundEvent):
        def finish(reply: bot.Reply | None, state: str) -> str:
            with self._lock:
                self._done = True
                late = self._late
            if late:
                body, rest = "success", reply
                state = "late" if state == "handled" else state
            else:
                body, rest = self.seal(reply)
            inbound.settle(event, body, state)
            Session.commit()  # the message's outcome and the conversation, together
            if rest is not None and rest.texts:
                bot.push(event.openid, rest, inbound_id=event.inbound_id)
            return body
        return finish


def _serve(app, event: inbound.InboundEvent, sealer: _Sealer, budget: float) -> str | None:
    with app.app_context():
        return bot.turns.serve(event, budget, sealer.finisher(event))


def _respond(body: str) -> Response:
    return Response(body, mimetype="application/xml" if body.startswith("<") else "text/plain")
