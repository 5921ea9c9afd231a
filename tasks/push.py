"""Push jobs: thin calls into channels.push, with each channel's client from configuration."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from channels import push
from channels.email import Mailer
from channels.sms import SmsClient
from channels.wechat_api import WeChatAPI
from models import kv


def deliver(delivery_id: int, now: datetime | None = None) -> str | None:
    """`now` is for tests that stand at a given hour (quiet hours); the queue never passes it."""
    config = current_app.config
    sms = SmsClient.from_config(config)
    try:
        with WeChatAPI.from_config(config, kv.client()) as api:
            delivery = push.deliver(delivery_id, wechat=api, sms=sms, mailer=Mailer.from_config(config), now=now)
    finally:
        if sms is not None:
            sms.close()
    return delivery.state if delivery else None


def on_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ calls this after every failed run; only the last one (no retry left) is final."""
    if not job.should_retry:
        push.give_up(job.args[0], exc_value)
