"""The one WeChat API client of the deployment.

WeChat hands out one access token per Official Account, and fetching a new one may invalidate
the one every other process is using. So the token lives in Redis, shared by every web process
and worker; one process at a time fetches it (a Redis lock) while the others wait and then read
what it stored. It is renewed before it expires, and a call WeChat refuses for its token renews
it at most once and is retried at most once: no loop can hammer the token endpoint.

Plain `requests` with timeouts: wechatpy's client retries token errors without limit and keeps
its token per process.
"""
from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests
from redis import Redis

# The call was refused because of its token (invalid, malformed, expired).
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
# "Not now": system busy, and the daily quota / per-minute frequency / reply-count limits.
RETRY_LATER_ERRCODES = frozenset({-1, 45009, 45011, 45047})
MEDIA_GONE = 40007

# A lock holder that died gives the lock up after this many seconds; longer than one token
# request can take with the default timeouts.
LOCK_TTL_S = 30

# Default HTTP timeouts (connect, read) and the wait for another process's token fetch, sized
# under the 30-second RQ job timeout of a send or a download (channels/outbound.py, media.py):
# a token wait, a token fetch and the call itself fit in it, so a slow WeChat ends a job with
# a RetryableError that RQ retries rather than with the job being killed mid-call.
HTTP_TIMEOUT = (3.05, 8.0)
TOKEN_LOCK_WAIT_S = 8.0
# A streamed download stops after this long in all (the read timeout bounds each read only).
DOWNLOAD_BUDGET_S = 20.0


class WeChatError(Exception):
    """WeChat refused a call (`errcode` set) or could not be reached (`errcode` None)."""

    retryable = False

    def __init__(self, errcode: int | None, errmsg: str):
        super().__init__(f"{errcode}: {errmsg}" if errcode is not None else errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


class RetryableError(WeChatError):
    """Worth trying again later: timeouts, HTTP 5xx, WeChat busy or over a quota."""

    retryable = True


class MediaTooLarge(Exception):
    """The media file is larger than the caller accepts; the download stopped early."""

    def __init__(self, max_bytes: int):
        super().__init__(f"larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


def error_for(errcode: int, errmsg: str) -> WeChatError:
    if errcode in TOKEN_ERRCODES or errcode in RETRY_LATER_ERRCODES:
        return RetryableError(errcode, errmsg)
    return WeChatError(errcode, errmsg)


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str  # as WeChat labels it; the bytes are the truth


class WeChatAPI:
    """Calls the WeChat API at `base_url` with the access token shared through `redis`."""

    def __init__(self, base_url: str, app_id: str, app_secret: str, *, redis: Redis,
                 timeout: float | tuple[float, float] = HTTP_TIMEOUT, refresh_margin: float = 300,
                 lock_wait: float = TOKEN_LOCK_WAIT_S):
        self.base_url = base_url.rstrip("/") + "/"
        self.app_id = app_id
        self._secret = app_secret
        self.redis = redis
        self.timeout = timeout
        self.refresh_margin = refresh_margin
        self.lock_wait = lock_wait
        self._token_key = f"wechat:{app_id}:access_token"
        self._http = requests.Session()

    @classmethod
    def from_config(cls, config: Mapping, redis: Redis, **options) -> WeChatAPI:
        """From the WECHAT_* keys of a config mapping (the Flask config in the job functions)."""
        return cls(config["WECHAT_API_BASE_URL"], config["WECHAT_APP_ID"],
                   config["WECHAT_APP_SECRET"], redis=redis, **options)

    @classmethod
    def for_miniprogram(cls, config: Mapping, redis: Redis, **options) -> WeChatAPI:
        """The mini-program's own client (MINIPROGRAM_APP_ID / SECRET): its access token is its
        own, kept in Redis under its app id beside the Official Account's."""
        return cls(config["WECHAT_API_BASE_URL"], config["MINIPROGRAM_APP_ID"],
                   config["MINIPROGRAM_APP_SECRET"], redis=redis, **options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WeChatAPI:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- the access token ----------------------------------------------------------------

    def access_token(self) -> str:
        """The deployment's token, fetched only when none is stored or it is due for renewal."""
        stored = self._stored_token()
        if stored and time.time() < stored["refresh_at"]:
            return stored["token"]
        return self._renew(failed=None)

    def refresh_token(self, failed: str) -> str:
        """A token to use instead of `failed`, which WeChat refused.

        If another process has already replaced it, that token is used as it is; only when
        Redis still holds `failed` is a new one forced out of WeChat."""
        return self._renew(failed=failed)

    def _renew(self, failed: str | None) -> str:
        lock = self.redis.lock(f"{self._token_key}:lock", timeout=LOCK_TTL_S, sleep=0.05,
                               raise_on_release_error=False)
        if not lock.acquire(blocking_timeout=self.lock_wait):
            raise RetryableError(None, "timed out waiting for another process to fetch the access token")
        try:
            # Whoever held the lock before us may have stored exactly what we need.
            stored = self._stored_token()
            if stored and stored["token"] != failed and (
                    failed is not None or time.time() < stored["refresh_at"]):
                return stored["token"]
            # Force only to replace a refused token: forced refreshes are limited (20 a day)
            # and kill the old token at once; the normal mode renews in the last 5 minutes.
            return self._fetch_token(force=stored is not None and stored["token"] == failed)
        finally:
            lock.release()

    def _fetch_token(self, force: bool) -> str:
        body = {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret,
                "force_refresh": force}
        answer = self._json(self._http_call("POST", "cgi-bin/stable_token", json=body))
        token, expires_in = answer["access_token"], int(answer["expires_in"])
        now = time.time()
        # Renew `refresh_margin` seconds early; a token that comes with less than that left is
        # used to its end (a call refused then renews it).
        lead = self.refresh_margin if expires_in > self.refresh_margin else 0
        stored = {"token": token, "refresh_at": now + expires_in - lead}
        self.redis.set(self._token_key, json.dumps(stored), ex=max(expires_in, 1))
        return token

    def _stored_token(self) -> dict | None:
        raw = self.redis.get(self._token_key)
        return json.loads(raw) if raw else None

    # ---- calls ---------------------------------------------------------------------------

    def call(self, method: str, path: str, *, params: dict | None = None,
             json: dict | None = None) -> dict:
        """A JSON API call with the shared token; raises WeChatError for a non-zero errcode."""
        return self._with_token(
            lambda token: self._json(self._http_call(method, path, token=token, params=params, json=json)))

    def send_custom(self, openid: str, msgtype: str, content) -> dict:
        """A customer-service message (inside the 48-hour window): `content` is the text for
        "text", else the object WeChat expects under the msgtype key."""
        body = content if msgtype != "text" else {"content": content}
        return self.call("POST", "cgi-bin/message/custom/send",
                         json={"touser": openid, "msgtype": msgtype, msgtype: body})

    def send_template(self, openid: str, template_id: str, data: dict, url: str | None = None) -> dict:
        """A template message: reaches a follower outside the 48-hour window too."""
        body = {"touser": openid, "template_id": template_id, "data": data}
        if url:
            body["url"] = url
        return self.call("POST", "cgi-bin/message/template/send", json=body)

    def send_subscribe(self, touser: str, template_id: str, data: dict, page: str | None = None) -> dict:
        """A mini-program 订阅消息 (subscribeMessage.send): needs a one-time grant of the
        template by the user (43101 otherwise); the client must be the mini-program's."""
        body = {"touser": touser, "template_id": template_id, "data": data}
        if page:
            body["page"] = page
        return self.call("POST", "cgi-bin/message/subscribe/send", json=body)

    def msg_sec_check(self, openid: str, content: str, scene: int) -> str:
        """security.msgSecCheck v2: "pass", "risky" or "review" for text a user wrote
        (scene 1 资料, 2 评论, 3 论坛, 4 社交日志); the mini-program's client."""
        answer = self.call("POST", "wxa/msg_sec_check",
                           json={"version": 2, "openid": openid, "scene": scene, "content": content})
        return (answer.get("result") or {}).get("suggest", "review")

    def media_check_async(self, openid: str, media_url: str, scene: int, media_type: int = 2) -> dict:
        """security.mediaCheckAsync v2: {"trace_id"}; WeChat's verdict comes later as a
        wxa_media_check event. (The fake may also answer `result` at once: see fakewechat.)"""
        return self.call("POST", "wxa/media_check_async",
                         json={"version": 2, "openid": openid, "scene": scene,
                               "media_url": media_url, "media_type": media_type})

    def user_phone_number(self, code: str) -> dict:
        """phonenumber.getPhoneNumber: the code of the mini-program's getPhoneNumber button →
        phone_info {phoneNumber, purePhoneNumber, countryCode, watermark {appid, timestamp}}.
        A code is single-use and lives 5 minutes (40029 otherwise); the mini-program's client."""
        return self.call("POST", "wxa/business/getuserphonenumber", json={"code": code}).get("phone_info") or {}

    def jscode2session(self, appid: str, secret: str, code: str) -> dict:
        """A mini-program's wx.login() code → {"openid", "session_key", "unionid"?}. Takes the
        mini-program's own credentials (not the Official Account's) and no access token. A
        code is single-use and lives 5 minutes: WeChat answers 40029 / 40163 otherwise."""
        params = {"appid": appid, "secret": secret, "js_code": code, "grant_type": "authorization_code"}
        return self._json(self._http_call("GET", "sns/jscode2session", params=params))

    def get_media(self, media_id: str, max_bytes: int) -> Media:
        """A temporary media file a user sent; MediaTooLarge past `max_bytes`."""
        return self._with_token(lambda token: self._download(media_id, token, max_bytes))

    def _with_token(self, call):
        token = self.access_token()
        try:
            return call(token)
        except WeChatError as err:
            if err.errcode not in TOKEN_ERRCODES:
                raise
        # One renewal and one retry; a second refusal propagates instead of looping.
        return call(self.refresh_token(failed=token))

    def _download(self, media_id: str, token: str, max_bytes: int) -> Media:
        with self._http_call("GET", "cgi-bin/media/get", token=token,
                             params={"media_id": media_id}, stream=True) as resp:
            content_type = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if int(resp.headers.get("Content-Length") or 0) > max_bytes:
                raise MediaTooLarge(max_bytes)
            content = bytearray()
            deadline = time.monotonic() + DOWNLOAD_BUDGET_S
            try:
                for chunk in resp.iter_content(64 * 1024):
                    content += chunk
                    if len(content) > max_bytes:
                        raise MediaTooLarge(max_bytes)
                    if time.monotonic() > deadline:
                        raise RetryableError(None, "media download took too long")
            except requests.RequestException:
                raise RetryableError(None, "connection lost while downloading media") from None
        # Errors come back as JSON (labelled text/plain by the real API).
        if content_type in ("application/json", "text/plain"):
            try:
                answer = json.loads(content)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("errcode"):
                raise error_for(answer["errcode"], answer.get("errmsg", ""))
        return Media(bytes(content), content_type)

    def _http_call(self, method: str, path: str, *, token: str | None = None,
                   params: dict | None = None, json: dict | None = None,
                   stream: bool = False) -> requests.Response:
        if token is not None:
            params = {**(params or {}), "access_token": token}
        # `from None` throughout: requests' own messages carry the URL, token included, and
        # would end up in RQ's stored tracebacks.
        try:
            resp = self._http.request(method, self.base_url + path, params=params, json=json,
                                      timeout=self.timeout, stream=stream)
        except requests.Timeout:
            raise RetryableError(None, f"timeout calling {path}") from None
        except requests.RequestException:
            raise RetryableError(None, f"cannot reach WeChat for {path}") from None
        if resp.status_code >= 500:
            resp.close()
            raise RetryableError(None, f"HTTP {resp.status_code} from {path}")
        if resp.status_code >= 400:
            resp.close()
            raise WeChatError(None, f"HTTP {resp.status_code} from {path}")
        return resp

    @staticmethod
    def _json(resp: requests.Response) -> dict:
        try:
            answer = resp.json()
        except ValueError:
            raise RetryableError(None, "WeChat answered something that is not JSON") from None
        if answer.get("errcode"):
            raise error_for(answer["errcode"], answer.get("errmsg", ""))
        return answer
