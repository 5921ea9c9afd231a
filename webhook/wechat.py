"""GET/POST /wechat: the Official Account's server URL.

Parsing, signatures, crypto and HTTP errors only: the message is turned into a plain
InboundEvent, stored, handed to the bot, and the bot's answer is turned back into XML.

The path is handled in the request's own thread under hard limits: Redis and the database
answer within their socket timeouts, and the resident's turn is waited for only as long as
the reply budget has left. A reply that cannot make the budget is pushed instead; a thread
of the pool finishes a turn that could not begin in time.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from flask import Blueprint, Response, abort, current_app, request
from limits import parse as parse_limit
from redis.exceptions import RedisError
from werkzeug.exceptions import ServiceUnavailable
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

import bot
from channels import inbound
from models import Session, kv

from . import wechat_events
from .staff import csrf

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)
csrf.exempt(bp)  # WeChat signs its requests; there is no session to forge

REPLAY_WINDOW_S = 300
# A turn that could not begin within the reply budget is finished here, its reply pushed.
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="wechat-late")
# How long such a turn waits for the resident's earlier one before leaving the message to
# the sweeper (tasks/inbound.py).
LATE_WAIT_S = 30.0


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


def _parse(raw: bytes | str) -> dict:
    """The fields of one `<xml>` document, parsed once, by defusedxml: DOCTYPEs, entities
    (XXE, billion laughs) and malformed XML are refused before anything expands them."""
    try:
        root = safe_fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        abort(400, "XML with a DOCTYPE or entities is refused")
    except Exception:
        abort(400, "malformed XML")
    if root.tag != "xml":
        abort(400, "not a WeChat message")
    try:
        fields = _fields(root)
    except RecursionError:
        abort(400, f"XML nested deeper than {MAX_XML_DEPTH} levels")
    return fields if isinstance(fields, dict) else {}


# WeChat's deepest message (a photo batch) nests 4 levels under <xml>.
MAX_XML_DEPTH = 16


def _fields(element, depth: int = 0):
    """An element as xmltodict reads it (wechatpy's shape, and what inbound rows keep): the
    stripped text or None for a leaf, else a dict of children, repeated ones as a list."""
    if depth > MAX_XML_DEPTH:
        raise RecursionError  # refused above, long before Python's own limit
    children = list(element)
    text = (element.text or "").strip() or None
    if not children and not element.attrib:
        return text
    out: dict = {f"@{name}": value for name, value in element.attrib.items()}
    for child in children:
        value = _fields(child, depth + 1)
        if child.tag not in out:
            out[child.tag] = value
        elif isinstance(out[child.tag], list):
            out[child.tag].append(value)
        else:
            out[child.tag] = [out[child.tag], value]
    if text:
        out["#text"] = text
    return out


def _crypto() -> WeChatCrypto:
    cfg = current_app.config
    return _crypto_for(cfg["WECHAT_TOKEN"], cfg["WECHAT_ENCODING_AES_KEY"], cfg["WECHAT_APP_ID"])


@functools.lru_cache(maxsize=4)
def _crypto_for(token: str, aes_key: str, app_id: str) -> WeChatCrypto:
    """Built once per configured account (it decodes the key), not once per message."""
    return _Crypto(token, aes_key, app_id)


class _Crypto(WeChatCrypto):
    """WeChatCrypto keeping its AES cipher, which wechatpy builds again for every message
    (thread-safe: each use starts its own encryptor or decryptor)."""

    def __init__(self, token: str, aes_key: str, app_id: str):
        super().__init__(token, aes_key, app_id)
        prp = PrpCrypto(self.key)
        self._prp = lambda _key: prp

    def encrypt_message(self, msg, nonce, timestamp=None):
        return self._encrypt_message(msg, nonce, timestamp, self._prp)

    def decrypt_message(self, msg, signature, timestamp, nonce):
        return self._decrypt_message(msg, signature, timestamp, nonce, self._prp)


@bp.get("/wechat")
def verify_url():
    _verify_query()
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


def _claim(raw: bytes, event: inbound.InboundEvent) -> int:
    """Claim this delivery's signature and count the resident's message: one round trip to
    Redis. How many messages the resident sent in the current window (0 for events).

    A signed (timestamp, nonce) pair serves one body only. The query signature covers the
    timestamp and nonce but not the body, and access logs keep query strings: without this,
    anyone holding one logged URL could post any message for five minutes. WeChat's own
    retries repeat the body byte for byte and pass, and are not counted again.
    """
    args = request.args
    limit = _limit(current_app.config["WECHAT_MESSAGE_RATE_LIMIT"])
    window = limit.get_expiry()
    keys = [f"wechat:nonce:{args['timestamp']}:{args['nonce']}", f"wechat:seen:{event.dedupe_key}",
            f"wechat:rate:{window}:{event.openid}"]
    # Kept past the replay window, so a pair (or a message) is never forgotten while a
    # delivery of it is still acceptable.
    count = _claim_script()(keys=keys, args=[hashlib.sha256(raw).hexdigest(), 2 * REPLAY_WINDOW_S + 60,
                                             window, int(event.kind != "event")], client=kv.client())
    if count < 0:
        abort(403, "this signature was already used for another message")
    return count


# KEYS: the signed pair, the message, the resident's window. ARGV: the body's digest, how long
# a pair and a message are kept, the window's length, whether the message counts.
_CLAIM = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  local seen = redis.call('GET', KEYS[1])
  if seen and seen ~= ARGV[1] then return -1 end
end
if ARGV[4] == '0' then return 0 end
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[2]) then
  local count = redis.call('INCR', KEYS[3])
  if count == 1 then redis.call('EXPIRE', KEYS[3], ARGV[3]) end
  return count
end
return tonumber(redis.call('GET', KEYS[3]) or '0')
"""


@functools.cache
def _claim_script():
    """Registered once (EVALSHA from then on); run on whichever client kv holds now."""
    return kv.client().register_script(_CLAIM)


@functools.lru_cache(maxsize=4)
def _limit(text: str):
    """The most messages a resident sends in a window (faster than any person types: the
    rest are kept, not handled); parsed once per configured value, not once per message."""
    return parse_limit(text)


@bp.post("/wechat")
def receive():
    deadline = time.monotonic() + current_app.config["WECHAT_REPLY_BUDGET_S"]
    _verify_query()
    body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: 413 before we read it
    fields = _parse(body)
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
            inner = _crypto().decrypt_message(fields, request.args["msg_signature"],
                                              request.args["timestamp"], request.args["nonce"])
        except InvalidSignatureException:
            abort(403, "bad msg_signature")
        except InvalidAppIdException:
            abort(403, "message is for another AppId")
        except Exception:
            abort(400, "cannot decrypt the message")
        fields = _parse(inner)
    try:
        message = inbound.wechat_message(fields)
        if wechat_events.is_media_check(message):
            return _media_check(body, message)
        event = inbound.from_wechat(message)
    except (KeyError, ValueError, TypeError, AttributeError):
        abort(400, "not a WeChat message")
    sent = _claim(body, event)

    sealer = _Sealer(message, encrypted, request.args["nonce"], request.args["timestamp"])
    over_limit = sent > _limit(current_app.config["WECHAT_MESSAGE_RATE_LIMIT"]).amount
    if inbound.store(event) and over_limit:
        answer, _ = sealer.seal(bot.flooded(event))
        bot.turns.settle(event, answer, "throttled")
        return _respond(answer)
    # First delivery or WeChat's copy alike: the resident's turn decides (bot.turns), here,
    # for as long as the budget lasts.
    remaining = deadline - time.monotonic()
    if remaining > 0:
        answer = bot.turns.serve(event, remaining, _finisher(event, sealer, deadline))
        if answer is not None:
            return _respond(answer)
    # An earlier turn of the resident holds on past the budget: say "success" now, and a
    # thread of the pool handles the message after it and pushes the reply.
    _pool.submit(_serve_late, current_app._get_current_object(), event)
    return _respond("success")


def _media_check(body: bytes, message) -> Response:
    """WeChat's later verdict on an image of the mini-program (its message push shares this
    address): no resident's turn, no reply; the signature is claimed like any delivery."""
    _claim_signature(body)
    wechat_events.media_check(message)
    return _respond("success")


def _claim_signature(raw: bytes) -> None:
    """The signed pair claimed as in _claim, with nothing to count (the same script)."""
    args = request.args
    nonce = f"wechat:nonce:{args['timestamp']}:{args['nonce']}"
    claimed = _claim_script()(keys=[nonce, nonce, nonce], client=kv.client(),
                              args=[hashlib.sha256(raw).hexdigest(), 2 * REPLAY_WINDOW_S + 60, 1, 0])
    if claimed < 0:
        abort(403, "this signature was already used for another message")


@bp.errorhandler(RedisError)
def redis_unavailable(err: RedisError):
    """A Redis timeout is no ConnectionError, and as much an outage: nothing was handled,
    so a 503 tells WeChat to deliver again."""
    Session.rollback()
    log.error("redis unavailable on /wechat: %s", type(err).__name__)
    return current_app.handle_http_exception(ServiceUnavailable())


class _Sealer:
    """Turns the bot's reply into this delivery's body: the passive reply XML, encrypted
    like the request."""

    def __init__(self, message, encrypted: bool, nonce: str, timestamp: str):
        self.message, self.encrypted, self.nonce, self.timestamp = message, encrypted, nonce, timestamp

    def seal(self, reply: bot.Reply | None) -> tuple[str, bot.Reply | None]:
        """(the passive reply body, what must follow by push): a passive reply carries one text."""
        if reply is None or not reply.texts:
            return "success", None
        xml, rest = wechat_events.render_reply(self.message, reply)
        if self.encrypted:
            xml = _crypto().encrypt_message(xml, self.nonce, self.timestamp)
        return xml, rest


def _finisher(event: inbound.InboundEvent, sealer: _Sealer, deadline: float) -> bot.turns.Finish:
    def finish(reply: bot.Reply | None, state: str) -> str:
        if time.monotonic() < deadline:
            body, rest = sealer.seal(reply)
        else:  # WeChat may have stopped listening: answer "success", push the whole reply
            body, rest = "success", reply
            state = "late" if state == "handled" else state
        bot.turns.settle(event, body, state, rest)
        return body
    return finish


def _serve_late(app, event: inbound.InboundEvent) -> None:
    with app.app_context():
        try:
            if bot.turns.serve(event, LATE_WAIT_S) is None:
                log.warning("inbound message %s left to the sweeper: its turn stayed busy", event.inbound_id)
        except Exception:  # the row stays `received`: the sweeper handles it
            log.exception("late turn failed for inbound message %s", event.inbound_id)


def _respond(body: str) -> Response:
    return Response(body, mimetype="application/xml" if body.startswith("<") else "text/plain")
