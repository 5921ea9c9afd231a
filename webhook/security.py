"""What every request and response goes through: bounded JSON and ids, security headers.

Bad input is a 400 or a 404 that says what was wrong, never a 500: JSON nested deeper than
anyone needs is refused before Python's parser recurses into it, and a number in a URL or a
query that no database id can be is "not found" before it reaches the database (PostgreSQL
refuses a bind parameter beyond 64 bits).
"""
from __future__ import annotations

import json
import re

from flask import Flask, Request, Response, request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, ValidationError

# The deepest situation the API takes is 4 levels; Python's json recurses once per level and
# raises RecursionError (a 500) near 1,000.
MAX_JSON_DEPTH = 32

# Every id is a positive INTEGER (32 bits on PostgreSQL): larger values cannot exist, and
# PostgreSQL refuses to compare the column with one ("integer out of range").
MAX_ID = 2**31 - 1
# A page far past any real listing still shows an empty page, without an offset that overflows.
MAX_PAGE = 1_000_000

# Whole strings (possessive: linear time even on an unterminated one), brackets, or the quote
# that opens a string never closed.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[{]|[\]}]|"', re.S)


class JSONTooDeep(ValueError):
    """A ValueError, so werkzeug's get_json treats it as any other malformed body."""


def check_json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                raise JSONTooDeep(f"JSON嵌套太深：最多{limit}层。")
        elif char in "]}":
            depth -= 1
        elif char == '"':
            break  # an unterminated string: the parser stops there too


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing nesting deeper than MAX_JSON_DEPTH before parsing."""

    def loads(self, s: str | bytes, **kwargs):
        if isinstance(s, (bytes, bytearray)):
            # json.loads would decode the same way (UTF-8, -16 or -32 by the first bytes).
            s = s.decode(json.detect_encoding(s), "surrogatepass")
        check_json_depth(s)
        return super().loads(s, **kwargs)


class HardenedRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:  # not a JSON content type
            raise BadRequest("请求内容必须是JSON（Content-Type: application/json）。")
        if isinstance(e, JSONTooDeep):
            raise BadRequest(str(e))
        raise BadRequest("请求内容不是有效的JSON。")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: 1..2**31-1, anything else is a 404."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str):
        if len(value) > len(str(MAX_ID)):  # refuse before int() works on a megabyte of digits
            raise ValidationError()
        return super().to_python(value)


# What a multipart form adds around its file (boundaries, headers, the other fields).
FORM_OVERHEAD_BYTES = 64 * 1024


def allow_upload(max_bytes: int) -> None:
    """Let this request's body hold one file of `max_bytes` and its form; every other request
    keeps the small APP_MAX_BODY_BYTES (413 before a byte more is read)."""
    request.max_content_length = max_bytes + FORM_OVERHEAD_BYTES


def db_id(text: str) -> int:
    """`type=` for an id in a query or a form: a ValueError (so the default is used) unless
    it could be a row's id. int() itself refuses more than 4,300 digits."""
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(text)
    return value


def page_number(text: str) -> int:
    """`type=` for a page number: clamped to 1..MAX_PAGE; not a number, the default."""
    return min(max(int(text), 1), MAX_PAGE)


# Nothing runs inline and nothing frames the pages: injected markup can neither run script
# nor be used for clickjacking. The documents a page shows come from the same origin.
CONTENT_SECURITY_POLICY = ("default-src 'self'; object-src 'none'; base-uri 'self'; "
                           "frame-ancestors 'none'; form-action 'self'")
HSTS = "max-age=31536000; includeSubDomains"


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions (the console's log-in), without building the signer for
    a request that brings no session cookie: WeChat's deliveries, the mini-program's calls."""

    def open_session(self, app, request):
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: the `int` converter applies as routes are added."""
    app.json = JSONProvider(app)
    app.request_class = HardenedRequest
    app.session_interface = CookieSessions()
    app.url_map.converters["int"] = IdConverter
    production = app.config["APP_ENV"] == "production"

    @app.after_request
    def security_headers(response: Response) -> Response:
        # setdefault: a view with a stricter policy of its own (a document) keeps it.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        if production:
            response.headers["Strict-Transport-Security"] = HSTS
        # The WSGI server (gunicorn, werkzeug) names itself; the app never adds to that.
        response.headers.pop("Server", None)
        return response
