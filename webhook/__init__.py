"""The Flask application: every HTTP surface of yitang, and the `flask` commands."""
from __future__ import annotations

import logging
import sys

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from channels import outbound
from models import Session, db, kv, pii
from models import queues

from . import security
from .config import ConfigError, load


def create_app(test_config: dict | None = None) -> Flask:
    try:
        config = load(test_config)
    except ConfigError as err:
        if test_config is not None:
            raise
        # Start-up stops with one clear line, not a traceback.
        raise SystemExit(f"yitang: configuration error: {err}") from None

    app = Flask(__name__)
    app.config.update(config)
    app.config["SECRET_KEY"] = config["SECURITY_SECRET_KEY"]
    app.config["MAX_CONTENT_LENGTH"] = config["APP_MAX_BODY_BYTES"]
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = config["APP_ENV"] == "production"
    hops = config["APP_PROXY_HOPS"]
    if hops > 0:
        # Trust exactly this many proxies' X-Forwarded-For/-Proto: the rate limits then count
        # clients, not the load balancer, and a client cannot forge its address past them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    security.init_app(app)  # JSON depth, bounded ids, headers: before any route is added

    db.configure(config["DATABASE_URL"])
    pii.configure(config["SECURITY_PII_KEY"])
    kv.configure(config["REDIS_URL"], config["APP_VAR_DIR"])
    queues.configure(config["QUEUE_RETRY_MAX"], config["QUEUE_RETRY_INTERVALS"])
    outbound.configure_templates(status=config["WECHAT_STATUS_TEMPLATE_ID"])
    _quiet_logs(app)

    app.teardown_appcontext(lambda exc: Session.remove())

    from . import commands, errors, health, limits, mp, sign, simulator, sms, staff, unsubscribe, wechat

    errors.init_app(app)
    limits.init_app(app)
    app.register_blueprint(mp.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(wechat.bp)
    app.register_blueprint(simulator.bp)
    app.register_blueprint(sign.bp)  # /sign/<token>
    app.register_blueprint(sms.bp)
    app.register_blueprint(unsubscribe.bp)
    staff.init_app(app)  # the console's blueprint and CSRF protection
    commands.init_app(app)
    return app


def _quiet_logs(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # init-db prints its own one-line summary; alembic's chatter adds nothing.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("numexpr").setLevel(logging.WARNING)
