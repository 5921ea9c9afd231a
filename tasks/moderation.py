"""Content security jobs: thin calls into review.moderation."""
from __future__ import annotations

from flask import current_app

from channels.wechat_api import WeChatAPI
from models import Session, kv
from review import moderation


def check_media(check_id: int) -> str | None:
    """One uploaded image to WeChat's mediaCheckAsync (the mini-program's client)."""
    config = current_app.config
    # Where WeChat reaches this service (the signing page's `[app] public_url`, else email's).
    base = config.get("APP_PUBLIC_URL") or config.get("EMAIL_PUBLIC_URL") or "http://127.0.0.1:5000/"
    with WeChatAPI.for_miniprogram(config, kv.client()) as api:
        check = moderation.check_media(
            check_id, api, lambda c: moderation.media_url(c, base, config["SECRET_KEY"]))
    Session.commit()
    return check.state if check else None


def on_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ calls this after every failed run; after the last one WeChat's silence holds the
    image for staff (fail closed, never to the bin)."""
    if not job.should_retry:
        moderation.unavailable(job.args[0])
        Session.commit()


def hold_overdue() -> int:
    """Images whose verdict never came (no wxa_media_check event) go to staff."""
    count = moderation.hold_overdue()
    Session.commit()
    return count
