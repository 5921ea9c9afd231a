"""Outbound message jobs: thin calls into channels.outbound."""
from __future__ import annotations

from flask import current_app

from channels import outbound
from channels.wechat_api import WeChatAPI
from models import kv


def deliver(message_id: int) -> str | None:
    with WeChatAPI.from_config(current_app.config, kv.client()) as api:
        message = outbound.deliver(message_id, api)
    return message.state if message else None


def on_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ calls this after every failed run; only the last one (no retry left) is final."""
    if not job.should_retry:
        outbound.give_up(job.args[0], exc_value)
