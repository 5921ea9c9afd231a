"""A fake of the WeChat HTTP API, served for real on loopback.

It answers the WeChat paths this project calls with the same JSON shapes and
errcodes as https://api.weixin.qq.com/, keeps everything it receives for
inspection, and can be told to misbehave (fault injection).  Drive it from
Python (`FakeWeChat`) or over HTTP (the control API under `/_fake/`).

WeChat paths (relative to `url`): cgi-bin/token, cgi-bin/stable_token,
cgi-bin/message/custom/send, cgi-bin/message/template/send,
cgi-bin/message/subscribe/send (and .../bizsend), cgi-bin/media/get,
cgi-bin/media/upload, cgi-bin/menu/create, cgi-bin/menu/get,
cgi-bin/user/info, sns/jscode2session, wxa/msg_sec_check,
wxa/media_check_async, wxa/business/getuserphonenumber.  Other paths: HTTP
404, recorded.

Content checks: wxa/msg_sec_check (v2) answers result.suggest "risky" (label
20001) when the content contains a flagged text, else "pass".
wxa/media_check_async answers a trace_id as WeChat does; WeChat's verdict
comes later as a wxa_media_check event, which the fake does NOT send:
instead (a fake-only shortcut) it answers the verdict at once under
"result", "risky" when the media_url contains a flagged sha256 (uploads are
stored under their checksum, so the URL names it).  With
`media_check_later(True)` it answers the trace_id only, as WeChat does, and
keeps the verdict for `media_check_event(trace_id)`: the wxa_media_check
event XML to deliver to the mini-program's message push URL.

Phone numbers: phone_code(number) gives a one-time code of the
getPhoneNumber button; wxa/business/getuserphonenumber {code} answers
phone_info for it (with the calling token's appid in the watermark); an
unknown, used or stale code -> 40029.

Tokens: missing -> 41001, not ours -> 40001 (40014 when not even shaped like
a token), past expiry -> 42001, replaced and past its grace -> 40001.
cgi-bin/token mints a new token on every call (the previous one lives
`old_token_grace` seconds more); stable_token returns the same token until
it expires or force_refresh is true (which kills the old one at once);
the two are independent, as in WeChat.

Users: everyone is subscribed until unsubscribe() (custom/template -> 43004).
The 48-hour window: a user we never heard of is inside it when
`window_open_by_default` (default True, so tests need not bother); after
interact() it is open for `window_seconds`; close_window() closes it
(custom send -> 45015).  Template and subscribe sends ignore the window.

Control API (JSON, CORS open, not recorded as calls):
  GET  /_fake/calls?path=&since=        {"calls": [call...]}
  GET  /_fake/messages?openid=&since=   {"messages": [message...]}
  GET  /_fake/faults                    {"faults": [...]}
  POST /_fake/faults {"path": null|"cgi-bin/...", "fault": NAME, "times": 1,
                      "openid"?, "seconds"?, "errcode"?, "errmsg"?}
  POST /_fake/media  multipart field "media", or the raw body with its
                     Content-Type -> {"media_id", "content_type", "size"}
  POST /_fake/reset                     {"ok": true}
  GET  /_fake/token_fetches             {"token_fetches": N}
  POST /_fake/expire_tokens             {"ok": true}
  POST /_fake/login_code {"openid", "unionid"?} -> {"code"}  (single-use, lives
                     `login_code_ttl` seconds: then 40029; used twice: 40163)
  POST /_fake/expire_login_codes        {"ok": true}: every code issued so far is stale
  POST /_fake/unionid {"openid", "unionid"} -> {"ok": true}: what cgi-bin/user/info says
  GET  /_fake/menu                      {"menu": {...} | null}
  POST /_fake/users/OPENID/{unsubscribe|subscribe|interact|close_window}
  POST /_fake/flag {"text": ...} | {"sha256": ...} -> {"ok": true}: content checks
                     now flag that text (substring) or that file
  POST /_fake/phone_code {"phone", "country_code"?} -> {"code"}  (single-use, lives
                     `login_code_ttl` seconds; then, or used twice: 40029)
  POST /_fake/deliver {"server": {"url", "token", "aes_key"?, "app_id"?, "mode"?},
                       "message": {"openid", "kind", ...}} -> {"status", "reply"}
       plays WeChat's part: the message XML, signed (and encrypted) as WeChat would,
       POSTed to the Official Account's server URL; the reply opened again.
A call is {"id", "time", "method", "path", "query", "json", "files",
"status", "errcode", "fault"}; a message is {"id", "time", "kind":
custom|template|subscribe, "openid", "msgtype", "body"}.  Ids share one
increasing sequence, so `since=<last id seen>` polls for what is new.
"""

import base64
import copy
import json
import math
import mimetypes
import re
import secrets
import threading
import time

from flask import Flask, Response, jsonify, request

from .loopback import LoopbackServer, is_loopback  # noqa: F401 (is_loopback: public here too)

# errmsg texts as the real API writes them (it appends ", rid: ..." to errors).
ERRMSG = {
    -1: "system error",
    0: "ok",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40004: "invalid media type",
    40007: "invalid media_id",
    40008: "invalid message type",
    40013: "invalid appid",
    40014: "invalid access_token",
    40016: "invalid button size",
    40029: "invalid code",
    40037: "invalid template_id",
    40125: "invalid appsecret",
    40163: "code been used",
    41001: "access_token missing",
    41002: "appid missing",
    41004: "appsecret missing",
    41005: "media data missing",
    41006: "media_id missing",
    41008: "missing code",
    42001: "access_token expired",
    43001: "require GET method",
    43002: "require POST method",
    43004: "require subscribe",
    43101: "user refuse to accept the msg",
    44002: "empty post data",
    44004: "empty content",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    46003: "menu no exist",
    47001: "data format error",
}

# Named faults -> the errcode they answer with.  Besides these: "slow"
# (sleep `seconds`, then answer normally), "http_NNN" (that HTTP status, an
# HTML body like a gateway's) and "errcode" (any `errcode`, optional `errmsg`).
FAULT_ERRCODES = {
    "token_expired": 42001,
    "token_invalid": 40001,
    "window_closed": 45015,
    "quota": 45009,
    "response_limit": 45047,
    "unsubscribed": 43004,
    "refused": 43101,
    "system_error": -1,
}

TOKEN_PATHS = ("cgi-bin/token", "cgi-bin/stable_token")
NO_TOKEN_PATHS = TOKEN_PATHS + ("sns/jscode2session",)
TOKEN_RE = re.compile(r"^\d+_[A-Za-z0-9_-]{100,}$")
CUSTOM_MSGTYPES = {"text", "image", "voice", "video", "music", "news", "mpnews",
                   "mpnewsarticle", "msgmenu", "wxcard", "miniprogrampage"}
MEDIA_TYPES = {"image", "voice", "video", "thumb"}


def _err(code, errmsg=None):
    msg = errmsg or ERRMSG.get(code, "error")
    if code != 0:
        msg += ", rid: " + secrets.token_hex(4)
    return {"errcode": code, "errmsg": msg}


def _norm(path):
    return path.lstrip("/") if path else path


def _new_token():
    # Real tokens look like "78_<130 or so url-safe characters>".
    return "%d_%s" % (secrets.randbelow(90) + 10, secrets.token_urlsafe(100))


class FakeWeChat(LoopbackServer):
    """The fake WeChat server and its state.

    `with FakeWeChat() as wx:` starts it on 127.0.0.1 at a free port;
    point the client at `wx.url`.
    """

    name = "fakewechat"

    def __init__(self, app_id="wx_test", app_secret="secret", token_ttl=7200, *,
                 mp_app_id=None, mp_app_secret=None, window_open_by_default=True,
                 window_seconds=48 * 3600, old_token_grace=300, login_code_ttl=300, quiet=True):
        self.apps = {app_id: app_secret}
        if mp_app_id:
            self.apps[mp_app_id] = mp_app_secret
        self.token_ttl = token_ttl
        self.window_open_by_default = window_open_by_default
        self.window_seconds = window_seconds
        self.old_token_grace = old_token_grace
        self.login_code_ttl = login_code_ttl
        self.quiet = quiet
        self._lock = threading.RLock()
        self._server = None
        self._thread = None
        self.app = self._build_app()
        self.reset()

    # ---- lifecycle: start/stop, `with`, `url` (the base URL ending with '/': BASE +
    # "cgi-bin/token" is the token API) come from fakewechat/loopback.py.

    # ---- state -------------------------------------------------------------

    def reset(self):
        """Forget everything: calls, messages, tokens, faults, media, users, menu."""
        with self._lock:
            self._calls = []
            self._messages = []
            self._faults = []
            self._media = {}
            self._users = {}       # openid -> {"subscribed": bool, "last_interaction": float|None}
            self._tokens = {}      # token -> {"app_id", "kind", "expires_at", "superseded"}
            self._current = {}     # (app_id, "plain"|"stable") -> token
            self._login_codes = {}  # code -> {"openid", "unionid", "used", "expires_at"}
            self._token_fetches = 0
            self._menu = None
            self._seq = 0
            self._flagged_texts = set()
            self._flagged_sha256 = set()
            self._phone_codes = {}  # code -> {"phone", "country_code", "used", "expires_at"}
            self._media_check_later = False
            self._media_verdicts = {}  # trace_id -> {"openid", "appid", "result"}

    def _next_id(self):
        self._seq += 1
        return self._seq

    @property
    def token_fetches(self):
        """How many access tokens were handed out (cgi-bin/token + stable_token)."""
        with self._lock:
            return self._token_fetches

    @property
    def menu(self):
        with self._lock:
            return copy.deepcopy(self._menu)

    def calls(self, path=None, since=0):
        """Every WeChat API request received, oldest first; `since` is a call id."""
        path = _norm(path)
        with self._lock:
            return copy.deepcopy([c for c in self._calls
                                  if c["id"] > since and (path is None or c["path"] == path)])

    def messages(self, openid=None, since=0):
        """Messages successfully sent to users (custom, template, subscribe), in order."""
        with self._lock:
            return copy.deepcopy([m for m in self._messages
                                  if m["id"] > since and (openid is None or m["openid"] == openid)])

    def faults(self):
        """Faults still waiting to be served."""
        with self._lock:
            return copy.deepcopy(self._faults)

    def fail_next(self, path, fault, times=1, **kw):
        """Answer the next `times` matching calls with `fault`.

        path: a WeChat path ("cgi-bin/message/custom/send") or None for any
        path except the token paths.  kw: openid= (only calls whose body's
        touser is that openid), seconds= (for "slow"), errcode=/errmsg= (for
        "errcode").  Faults are served in the order they were added.
        """
        if not isinstance(times, int) or times < 1:
            raise ValueError("times must be a positive integer")
        entry = {"path": _norm(path), "fault": fault, "times": times,
                 "openid": kw.pop("openid", None)}
        if fault == "slow":
            if kw.get("seconds") is None:
                raise ValueError('fault "slow" needs seconds=')
            entry["seconds"] = float(kw.pop("seconds"))
        elif fault == "errcode":
            if kw.get("errcode") is None:
                raise ValueError('fault "errcode" needs errcode=')
            entry["errcode"] = int(kw.pop("errcode"))
            entry["errmsg"] = kw.pop("errmsg", None)
        elif not (fault in FAULT_ERRCODES or re.fullmatch(r"http_[45]\d\d", str(fault))):
            raise ValueError("unknown fault %r" % (fault,))
        if kw:
            raise ValueError("unexpected arguments for fault %r: %s" % (fault, sorted(kw)))
        with self._lock:
            self._faults.append(entry)

    def add_media(self, data, content_type="image/jpeg"):
        """Store a file as if a resident had sent it; returns its media_id."""
        return self._store_media(bytes(data), content_type, "image")

    def _store_media(self, data, content_type, media_type):
        media_id = secrets.token_urlsafe(48)
        with self._lock:
            self._media[media_id] = {"data": data, "content_type": content_type,
                                     "type": media_type, "created_at": int(time.time())}
        return media_id

    def _user(self, openid):
        return self._users.setdefault(openid, {"subscribed": True, "last_interaction": None,
                                               "unionid": None})

    def flag(self, text=None, sha256=None):
        """Make the content checks flag `text` (any content containing it) or a file by checksum."""
        with self._lock:
            if text:
                self._flagged_texts.add(text)
            if sha256:
                self._flagged_sha256.add(sha256.lower())

    def phone_code(self, phone, country_code="86"):
        """A one-time code of the getPhoneNumber button that getuserphonenumber turns into `phone`."""
        code = secrets.token_hex(16)
        with self._lock:
            self._phone_codes[code] = {"phone": str(phone), "country_code": str(country_code), "used": False,
                                       "expires_at": time.time() + self.login_code_ttl}
        return code

    def media_check_later(self, later=True):
        """mediaCheckAsync answers the trace_id only, as WeChat does; the verdict waits for
        media_check_event()."""
        with self._lock:
            self._media_check_later = bool(later)

    def media_check_event(self, trace_id, account="gh_yitang_mp"):
        """The wxa_media_check event XML (v2) WeChat pushes for a check answered later."""
        with self._lock:
            verdict = copy.deepcopy(self._media_verdicts.get(trace_id))
        if verdict is None:
            raise KeyError("no media check with trace_id %r" % (trace_id,))
        result = verdict["result"]
        fields = {"ToUserName": account, "FromUserName": verdict["openid"], "CreateTime": int(time.time()),
                  "MsgType": "event", "Event": "wxa_media_check", "appid": verdict["appid"],
                  "trace_id": trace_id, "version": 2, "errcode": 0, "errmsg": "ok"}
        body = "".join("<%s>%s</%s>" % (k, v if isinstance(v, int) else "<![CDATA[%s]]>" % v, k)
                       for k, v in fields.items())
        body += ("<detail><strategy><![CDATA[content_model]]></strategy><errcode>0</errcode>"
                 "<suggest><![CDATA[%s]]></suggest><label>%d</label></detail>" % (result["suggest"], result["label"]))
        body += "<result><suggest><![CDATA[%s]]></suggest><label>%d</label></result>" % (
            result["suggest"], result["label"])
        return "<xml>" + body + "</xml>"

    def set_unionid(self, openid, unionid):
        """The Official Account follower's unionid, as cgi-bin/user/info will tell it."""
        with self._lock:
            self._user(openid)["unionid"] = unionid

    def unsubscribe(self, openid):
        with self._lock:
            self._user(openid)["subscribed"] = False

    def subscribe(self, openid):
        """Subscribing is an interaction too: it opens the reply window."""
        with self._lock:
            self._user(openid).update(subscribed=True, last_interaction=time.time())

    def interact(self, openid):
        """The user wrote to us / clicked the menu: the 48-hour window opens."""
        with self._lock:
            self._user(openid)["last_interaction"] = time.time()

    def close_window(self, openid):
        """As if the user's last interaction was long ago (custom send -> 45015)."""
        with self._lock:
            self._user(openid)["last_interaction"] = 0.0

    def _window_open(self, openid):
        last = self._user(openid)["last_interaction"]
        if last is None:
            return self.window_open_by_default
        return time.time() - last < self.window_seconds

    def login_code(self, openid, unionid=None):
        """A one-time wx.login() code that jscode2session turns into `openid`."""
        code = secrets.token_hex(16)
        with self._lock:
            self._login_codes[code] = {"openid": openid, "unionid": unionid, "used": False,
                                       "expires_at": time.time() + self.login_code_ttl}
        return code

    def expire_login_codes(self):
        """Every wx.login() code issued so far is past its 5 minutes (next use -> 40029)."""
        with self._lock:
            for entry in self._login_codes.values():
                entry["expires_at"] = 0.0

    def expire_tokens(self):
        """Every access token issued so far expires now (next use -> 42001)."""
        with self._lock:
            now = time.time()
            for info in self._tokens.values():
                info["expires_at"] = min(info["expires_at"], now)

    # ---- the HTTP app --------------------------------------------------------

    def _build_app(self):
        app = Flask("fakewechat")
        app.json.ensure_ascii = False
        app.after_request(self._cors)
        self._routes = self._wechat_routes()
        app.add_url_rule("/<path:path>", "wechat", self._dispatch, methods=["GET", "POST"])
        ctl = [("calls", self._ctl_calls, ["GET"]),
               ("messages", self._ctl_messages, ["GET"]),
               ("faults", self._ctl_faults, ["GET", "POST"]),
               ("media", self._ctl_media, ["POST"]),
               ("reset", self._ctl_reset, ["POST"]),
               ("token_fetches", self._ctl_token_fetches, ["GET"]),
               ("expire_tokens", self._ctl_expire_tokens, ["POST"]),
               ("login_code", self._ctl_login_code, ["POST"]),
               ("expire_login_codes", self._ctl_expire_login_codes, ["POST"]),
               ("unionid", self._ctl_unionid, ["POST"]),
               ("menu", self._ctl_menu, ["GET"]),
               ("users/<openid>/<action>", self._ctl_user, ["POST"]),
               ("deliver", self._ctl_deliver, ["POST"]),
               ("flag", self._ctl_flag, ["POST"]),
               ("phone_code", self._ctl_phone_code, ["POST"])]
        for rule, view, methods in ctl:
            app.add_url_rule("/_fake/" + rule, "ctl_" + rule.split("/")[0], view, methods=methods)
        return app

    @staticmethod
    def _cors(resp):
        # The simulator page lives on another localhost port and polls us.
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
        return resp

    # Each WeChat path -> (HTTP method, handler); see NO_TOKEN_PATHS for the
    # ones that take no access_token.
    def _wechat_routes(self):
        return {
            "cgi-bin/token": ("GET", self._api_token),
            "cgi-bin/stable_token": ("POST", self._api_stable_token),
            "cgi-bin/message/custom/send": ("POST", self._api_custom_send),
            "cgi-bin/message/template/send": ("POST", self._api_template_send),
            "cgi-bin/message/subscribe/send": ("POST", self._api_subscribe_send),
            "cgi-bin/message/subscribe/bizsend": ("POST", self._api_subscribe_send),
            "cgi-bin/media/get": ("GET", self._api_media_get),
            "cgi-bin/media/upload": ("POST", self._api_media_upload),
            "cgi-bin/menu/create": ("POST", self._api_menu_create),
            "cgi-bin/menu/get": ("GET", self._api_menu_get),
            "cgi-bin/user/info": ("GET", self._api_user_info),
            "sns/jscode2session": ("GET", self._api_jscode2session),
            "wxa/msg_sec_check": ("POST", self._api_msg_sec_check),
            "wxa/media_check_async": ("POST", self._api_media_check_async),
            "wxa/business/getuserphonenumber": ("POST", self._api_phone_number),
        }

    def _dispatch(self, path):
        body, files = self._read_body()
        call = {"id": None, "time": time.time(), "method": request.method, "path": path,
                "query": request.args.to_dict(), "json": body, "files": files,
                "status": None, "errcode": None, "fault": None}
        with self._lock:
            call["id"] = self._next_id()
            self._calls.append(call)
            openid = body.get("touser") if isinstance(body, dict) else None
            fault = self._take_fault(path, openid)
            call["fault"] = fault and fault["fault"]
        if fault and fault["fault"] == "slow":
            time.sleep(fault["seconds"])
        elif fault:
            return self._finish(call, self._fault_response(fault))

        route = self._routes.get(path)
        if route is None:
            return self._finish(call, (jsonify(errcode=404, errmsg="fakewechat: no such API"), 404))
        method, handler = route
        if request.method != method:
            return self._finish(call, _err(43001 if method == "GET" else 43002))
        if path not in NO_TOKEN_PATHS:
            problem = self._check_token(request.args.get("access_token"))
            if problem:
                return self._finish(call, _err(problem))
        return self._finish(call, handler(body))

    def _read_body(self):
        if request.mimetype == "multipart/form-data":
            files = {name: {"filename": f.filename, "content_type": f.mimetype}
                     for name, f in request.files.items()}
            return request.form.to_dict() or None, files
        raw = request.get_data(cache=True)
        if not raw:
            return None, None
        try:
            return json.loads(raw.decode("utf-8")), None
        except (UnicodeDecodeError, ValueError):
            return {"_unparsed": raw[:2000].decode("utf-8", "replace")}, None

    def _take_fault(self, path, openid):
        for fault in self._faults:
            if fault["path"] is None and path in TOKEN_PATHS:
                continue
            if fault["path"] not in (None, path):
                continue
            if fault["openid"] is not None and fault["openid"] != openid:
                continue
            fault["times"] -= 1
            if fault["times"] == 0:
                self._faults.remove(fault)
            return dict(fault)
        return None

    @staticmethod
    def _fault_response(fault):
        name = fault["fault"]
        if name.startswith("http_"):
            status = int(name[5:])
            return Response("<html><body><h1>%d</h1></body></html>" % status,
                            status=status, mimetype="text/html")
        if name == "errcode":
            return _err(fault["errcode"], fault.get("errmsg"))
        return _err(FAULT_ERRCODES[name])

    def _finish(self, call, result):
        if isinstance(result, dict):
            result = jsonify(result)
        resp = self.app.make_response(result)
        errcode = None
        if resp.mimetype == "application/json":
            errcode = (resp.get_json(silent=True) or {}).get("errcode", 0)
        with self._lock:
            call["status"], call["errcode"] = resp.status_code, errcode
        return resp

    def _check_token(self, token):
        """None when the token is good, else the errcode the real API gives."""
        if not token:
            return 41001
        with self._lock:
            info = self._tokens.get(token)
            if info is None:
                return 40001 if TOKEN_RE.match(token) else 40014
            if time.time() >= info["expires_at"]:
                return 40001 if info["superseded"] else 42001
        return None

    # ---- WeChat APIs -----------------------------------------------------------

    def _check_app(self, appid, secret):
        if not appid:
            return 41002
        if not secret:
            return 41004
        if appid not in self.apps:
            return 40013
        if secret != self.apps[appid]:
            return 40125
        return None

    def _issue(self, appid, kind):
        """Mint a token of `kind` for `appid`; caller holds the lock."""
        now = time.time()
        old = self._tokens.get(self._current.get((appid, kind)))
        if old:
            old["superseded"] = True
            # cgi-bin/token: the old token lives on a few minutes; a forced
            # stable_token refresh kills the old one at once.
            grace = self.old_token_grace if kind == "plain" else 0
            old["expires_at"] = min(old["expires_at"], now + grace)
        token = _new_token()
        self._tokens[token] = {"app_id": appid, "kind": kind, "superseded": False,
                               "expires_at": now + self.token_ttl}
        self._current[(appid, kind)] = token
        return token

    def _api_token(self, body):
        args = request.args
        if args.get("grant_type") != "client_credential":
            return _err(40002)
        problem = self._check_app(args.get("appid"), args.get("secret"))
        if problem:
            return _err(problem)
        with self._lock:
            token = self._issue(args["appid"], "plain")
            self._token_fetches += 1
        return {"access_token": token, "expires_in": int(math.ceil(self.token_ttl))}

    def _api_stable_token(self, body):
        if not isinstance(body, dict):
            return _err(44002 if body is None else 47001)
        if body.get("grant_type") != "client_credential":
            return _err(40002)
        problem = self._check_app(body.get("appid"), body.get("secret"))
        if problem:
            return _err(problem)
        appid, now = body["appid"], time.time()
        with self._lock:
            token = self._current.get((appid, "stable"))
            info = self._tokens.get(token)
            if body.get("force_refresh") is True or not info or info["expires_at"] <= now:
                token = self._issue(appid, "stable")
                info = self._tokens[token]
            self._token_fetches += 1
            remaining = info["expires_at"] - time.time()
        expires_in = min(int(math.ceil(self.token_ttl)), int(math.ceil(remaining)))
        return {"access_token": token, "expires_in": expires_in}

    def _validate_send(self, body):
        """Common checks of a message body; returns an errcode or None."""
        if body is None:
            return 44002
        if not isinstance(body, dict) or "_unparsed" in body:
            return 47001
        if not body.get("touser") or not isinstance(body["touser"], str):
            return 40003
        return None

    def _store_message(self, kind, body, msgtype):
        with self._lock:
            msg_id = self._next_id()
            self._messages.append({"id": msg_id, "time": time.time(), "kind": kind,
                                   "openid": body["touser"], "msgtype": msgtype,
                                   "body": body})
        return msg_id

    def _api_custom_send(self, body):
        problem = self._validate_send(body)
        if problem:
            return _err(problem)
        msgtype = body.get("msgtype")
        if msgtype not in CUSTOM_MSGTYPES:
            return _err(40008)
        content = body.get(msgtype)
        if not isinstance(content, dict):
            return _err(47001)
        if msgtype == "text" and not content.get("content"):
            return _err(44004)
        with self._lock:
            if msgtype in ("image", "voice", "video") and content.get("media_id") not in self._media:
                return _err(40007)
            if not self._user(body["touser"])["subscribed"]:
                return _err(43004)
            if not self._window_open(body["touser"]):
                return _err(45015)
        self._store_message("custom", body, msgtype)
        return _err(0)

    def _api_template_send(self, body):
        problem = self._validate_send(body)
        if problem:
            return _err(problem)
        if not body.get("template_id"):
            return _err(40037)
        with self._lock:
            if not self._user(body["touser"])["subscribed"]:
                return _err(43004)
        msg_id = self._store_message("template", body, "template")
        return dict(_err(0), msgid=msg_id)

    def _api_subscribe_send(self, body):
        # Subscribe messages need the user's one-off consent, not the
        # 48-hour window; refusal is the "refused" fault (43101).
        problem = self._validate_send(body)
        if problem:
            return _err(problem)
        if not body.get("template_id"):
            return _err(40037)
        msg_id = self._store_message("subscribe", body, "subscribe")
        return dict(_err(0), msgid=msg_id)

    def _api_media_get(self, body):
        media_id = request.args.get("media_id")
        if not media_id:
            return _err(41006)
        with self._lock:
            item = self._media.get(media_id)
        if item is None:
            return _err(40007)
        ext = mimetypes.guess_extension(item["content_type"]) or ""
        return Response(item["data"], mimetype=item["content_type"], headers={
            "Content-Disposition": 'attachment; filename="%s%s"' % (media_id, ext),
            "Cache-Control": "no-cache, must-revalidate"})

    def _api_media_upload(self, body):
        media_type = request.args.get("type")
        if media_type not in MEDIA_TYPES:
            return _err(40004)
        upload = request.files.get("media")
        if upload is None:
            return _err(41005)
        data = upload.read()
        if not data:
            return _err(41005)
        content_type = upload.mimetype
        if content_type in ("", "application/octet-stream"):
            content_type = mimetypes.guess_type(upload.filename or "")[0] or content_type
        media_id = self._store_media(data, content_type, media_type)
        key = "thumb_media_id" if media_type == "thumb" else "media_id"
        return {"type": media_type, key: media_id, "created_at": int(time.time())}

    def _api_menu_create(self, body):
        if body is None:
            return _err(44002)
        if not isinstance(body, dict) or "_unparsed" in body:
            return _err(47001)
        buttons = body.get("button")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            return _err(40016)
        with self._lock:
            self._menu = body
        return _err(0)

    def _api_menu_get(self, body):
        with self._lock:
            if self._menu is None:
                return _err(46003)
            return {"menu": copy.deepcopy(self._menu)}

    def _api_jscode2session(self, body):
        args = request.args
        problem = self._check_app(args.get("appid"), args.get("secret"))
        if problem:
            return _err(problem)
        if args.get("grant_type") != "authorization_code":
            return _err(40002)
        code = args.get("js_code")
        if not code:
            return _err(41008)
        with self._lock:
            entry = self._login_codes.get(code)
            if entry is None or (not entry["used"] and time.time() >= entry["expires_at"]):
                return _err(40029)
            if entry["used"]:
                return _err(40163)
            entry["used"] = True
        answer = {"openid": entry["openid"],
                  "session_key": base64.b64encode(secrets.token_bytes(16)).decode()}
        if entry["unionid"]:
            answer["unionid"] = entry["unionid"]
        return answer

    def _api_msg_sec_check(self, body):
        if not isinstance(body, dict) or "_unparsed" in body:
            return _err(47001)
        if body.get("version") != 2 or not body.get("openid") or body.get("scene") not in (1, 2, 3, 4):
            return _err(40003 if not body.get("openid") else 47001)
        content = body.get("content")
        if not isinstance(content, str) or not content:
            return _err(47001)
        with self._lock:
            risky = any(text in content for text in self._flagged_texts)
        result = {"suggest": "risky", "label": 20001} if risky else {"suggest": "pass", "label": 100}
        return dict(_err(0), trace_id=secrets.token_hex(12), result=result,
                    detail=[dict(result, strategy="content_model", errcode=0)])

    def _api_media_check_async(self, body):
        if not isinstance(body, dict) or "_unparsed" in body:
            return _err(47001)
        url = body.get("media_url")
        if body.get("version") != 2 or not body.get("openid") or not isinstance(url, str) or not url:
            return _err(40003 if not body.get("openid") else 47001)
        with self._lock:
            risky = any(digest in url.lower() for digest in self._flagged_sha256)
        result = {"suggest": "risky", "label": 20002} if risky else {"suggest": "pass", "label": 100}
        trace_id = secrets.token_hex(12)
        with self._lock:
            if self._media_check_later:  # as WeChat: the verdict comes as a wxa_media_check event
                self._media_verdicts[trace_id] = {"openid": body["openid"], "result": result,
                                                  "appid": self._app_of(request.args.get("access_token"))}
                return dict(_err(0), trace_id=trace_id)
        # Fake-only: the verdict at once (WeChat sends it later as a wxa_media_check event).
        return dict(_err(0), trace_id=trace_id, result=result)

    def _app_of(self, token):
        info = self._tokens.get(token) or {}
        return info.get("app_id")

    def _api_phone_number(self, body):
        if not isinstance(body, dict) or "_unparsed" in body:
            return _err(47001)
        code = body.get("code")
        if not isinstance(code, str) or not code:
            return _err(41008)
        with self._lock:
            entry = self._phone_codes.get(code)
            if entry is None or entry["used"] or time.time() >= entry["expires_at"]:
                return _err(40029)
            entry["used"] = True
            appid = self._app_of(request.args.get("access_token"))
        pure, country = entry["phone"], entry["country_code"]
        return dict(_err(0), phone_info={
            "phoneNumber": pure if country == "86" else "+%s %s" % (country, pure),
            "purePhoneNumber": pure, "countryCode": country,
            "watermark": {"timestamp": int(time.time()), "appid": appid}})

    def _api_user_info(self, body):
        openid = request.args.get("openid")
        if not openid:
            return _err(40003)
        with self._lock:
            user = copy.deepcopy(self._user(openid))
        if not user["subscribed"]:
            return {"subscribe": 0, "openid": openid}
        answer = {"subscribe": 1, "openid": openid, "language": "zh_CN",
                  "subscribe_time": int(user["last_interaction"] or time.time())}
        if user["unionid"]:
            answer["unionid"] = user["unionid"]
        return answer

    # ---- control API (/_fake/...) -----------------------------------------------

    @staticmethod
    def _since():
        try:
            return int(request.args.get("since", 0))
        except ValueError:
            return 0

    def _ctl_calls(self):
        return {"calls": self.calls(request.args.get("path"), self._since())}

    def _ctl_messages(self):
        return {"messages": self.messages(request.args.get("openid") or None, self._since())}

    def _ctl_faults(self):
        if request.method == "GET":
            return {"faults": self.faults()}
        spec = request.get_json(force=True, silent=True)
        if not isinstance(spec, dict) or "fault" not in spec:
            return {"error": 'expected JSON {"path": ..., "fault": ..., "times": 1}'}, 400
        spec = dict(spec)
        try:
            self.fail_next(spec.pop("path", None), spec.pop("fault"),
                           spec.pop("times", 1), **spec)
        except (ValueError, TypeError, KeyError) as exc:
            return {"error": str(exc)}, 400
        return {"ok": True, "faults": self.faults()}

    def _ctl_media(self):
        upload = next(iter(request.files.values()), None)
        if upload is not None:
            data, content_type = upload.read(), upload.mimetype
        else:
            data, content_type = request.get_data(), request.mimetype
        if not data:
            return {"error": "send the file as multipart field 'media' or as the raw body"}, 400
        content_type = content_type or "application/octet-stream"
        media_id = self.add_media(data, content_type)
        return {"media_id": media_id, "content_type": content_type, "size": len(data)}

    def _ctl_reset(self):
        self.reset()
        return {"ok": True}

    def _ctl_token_fetches(self):
        return {"token_fetches": self.token_fetches}

    def _ctl_expire_tokens(self):
        self.expire_tokens()
        return {"ok": True}

    def _ctl_login_code(self):
        spec = request.get_json(force=True, silent=True) or {}
        if not spec.get("openid"):
            return {"error": 'expected JSON {"openid": ..., "unionid": null}'}, 400
        return {"code": self.login_code(spec["openid"], spec.get("unionid"))}

    def _ctl_expire_login_codes(self):
        self.expire_login_codes()
        return {"ok": True}

    def _ctl_unionid(self):
        spec = request.get_json(force=True, silent=True) or {}
        if not spec.get("openid") or not spec.get("unionid"):
            return {"error": 'expected JSON {"openid": ..., "unionid": ...}'}, 400
        self.set_unionid(spec["openid"], spec["unionid"])
        return {"ok": True}

    def _ctl_flag(self):
        spec = request.get_json(force=True, silent=True) or {}
        text, sha256 = spec.get("text"), spec.get("sha256")
        if not (isinstance(text, str) and text) and not (isinstance(sha256, str) and re.fullmatch(r"[0-9a-fA-F]{64}", sha256)):
            return {"error": 'expected JSON {"text": "..."} or {"sha256": "<64 hex digits>"}'}, 400
        self.flag(text=text if isinstance(text, str) else None, sha256=sha256 if isinstance(sha256, str) else None)
        return {"ok": True}

    def _ctl_phone_code(self):
        spec = request.get_json(force=True, silent=True) or {}
        phone, country = spec.get("phone"), str(spec.get("country_code") or "86")
        if not isinstance(phone, str) or not re.fullmatch(r"[0-9]{5,20}", phone) or not country.isdigit():
            return {"error": 'expected JSON {"phone": "13800138000", "country_code": "86"}'}, 400
        return {"code": self.phone_code(phone, country)}

    def _ctl_menu(self):
        return {"menu": self.menu}

    def _ctl_user(self, openid, action):
        actions = {"unsubscribe": self.unsubscribe, "subscribe": self.subscribe,
                   "interact": self.interact, "close_window": self.close_window}
        if action not in actions:
            return {"error": "action is one of %s" % sorted(actions)}, 404
        actions[action](openid)
        return {"ok": True}

    def _ctl_deliver(self):
        import requests

        from fakewechat.sender import WeChatSender

        spec = request.get_json(force=True, silent=True)
        server = spec.get("server") if isinstance(spec, dict) else None
        if not isinstance(server, dict) or not server.get("url") or not server.get("token"):
            return {"error": 'expected JSON {"server": {"url", "token", ...}, "message": {...}}'}, 400
        if not is_loopback(requests.utils.urlparse(server["url"]).hostname or ""):
            return {"error": "the fake delivers to loopback addresses only"}, 400
        try:
            sender = WeChatSender(server["token"], server.get("aes_key") or "", server.get("app_id") or "",
                                  mode=server.get("mode") or "plain")
            xml = sender.from_spec(spec.get("message") or {})
        except ValueError as exc:
            return {"error": str(exc)}, 400
        query, body = sender.envelope(xml)
        try:
            answer = requests.post(server["url"], params=query, data=body, timeout=10,
                                   headers={"Content-Type": "text/xml"})
        except requests.RequestException as exc:
            return {"error": "the server URL did not answer: %s" % type(exc).__name__}, 502
        reply = sender.open_reply(answer.content, query) if answer.status_code == 200 else None
        return {"status": answer.status_code, "reply": reply}
