"""Rate limits (Flask-Limiter), counted in the same Redis as everything else."""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    from models import kv

    url = app.config["REDIS_URL"]
    if not url:  # the embedded server: the same unix socket the rest of the app uses
        url = f"redis+unix://{kv.socket_path(app.config['APP_VAR_DIR'])}"
    app.config["RATELIMIT_STORAGE_URI"] = url
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
