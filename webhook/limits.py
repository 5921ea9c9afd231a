"""Rate limits (Flask-Limiter), counted in the same Redis as everything else.

Only the surfaces that declare limits pay for them: /wechat counts messages per resident
itself (webhook/wechat.py), so the limiter's per-request hooks skip it entirely.
"""
from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from models import kv

limiter = Limiter(key_func=get_remote_address)

# Blueprints with no per-request limit of the limiter's.
UNLIMITED_BLUEPRINTS = frozenset({"wechat"})


@limiter.request_filter
def _unlimited() -> bool:
    return request.blueprint in UNLIMITED_BLUEPRINTS


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    if not url:  # the embedded server: the same unix socket the rest of the app uses
        url = f"redis+unix://{kv.socket_path(app.config['APP_VAR_DIR'])}"
    app.config["RATELIMIT_STORAGE_URI"] = url
    # The same hard limits as the app's own Redis client (models/kv.py).
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": kv.SOCKET_TIMEOUT_S,
                                                        "socket_connect_timeout": kv.CONNECT_TIMEOUT_S})
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
