"""Media download jobs: thin calls into channels.media."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from channels import media
from channels.wechat_api import WeChatAPI
from models import kv


def download(media_file_id: int) -> str | None:
    uploads = Path(current_app.config["APP_VAR_DIR"]) / "uploads"
    with WeChatAPI.from_config(current_app.config, kv.client()) as api:
        record = media.download(media_file_id, api, uploads)
    return record.state if record else None


def on_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ calls this after every failed run; only the last one (no retry left) is final."""
    if not job.should_retry:
        media.give_up(job.args[0], exc_value)
