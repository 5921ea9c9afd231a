"""Replies that miss WeChat's 5 seconds still arrive; photos are fetched once, through the queue."""
from sqlalchemy import func, select

from models import InboundMessage, MediaFile, OutboundMessage, Session
from tests.conftest import run_jobs


def test_reply_over_budget_is_answered_success_then_pushed(app, wechat, sender, fake_wechat):
    app.config["WECHAT_REPLY_BUDGET_S"] = 0.0
    try:
        response = wechat.post(sender.text("o-late", "慢一点的回复"))
    finally:
        app.config["WECHAT_REPLY_BUDGET_S"] = 4.0
    assert response.data == b"success"
    # The handler finishes in the background and its reply goes out as a customer-service message.
    import time

    deadline = time.monotonic() + 10
    while not Session.scalar(select(func.count(OutboundMessage.id))):
        assert time.monotonic() < deadline, "late reply never queued"
        time.sleep(0.05)
        Session.rollback()
    # The row says so: handled, its reply pushed rather than passive.
    assert Session.scalar(select(InboundMessage.state)) == "late"
    run_jobs(app)
    pushed = fake_wechat.messages("o-late")
    assert len(pushed) == 1 and "慢一点的回复" in pushed[0]["body"]["text"]["content"]


def test_photo_is_downloaded_once_even_when_delivered_three_times(app, wechat, sender, fake_wechat):
    media_id = fake_wechat.add_media(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    xml = sender.image("o-photo", media_id, msg_id=990001)
    replies = [wechat.post(xml) for _ in range(3)]
    assert replies[0].data == replies[1].data == replies[2].data
    assert "照片收到了" in replies[0].opened["Content"]
    assert Session.scalar(select(func.count(MediaFile.id))) == 1
    run_jobs(app)
    stored = Session.scalar(select(MediaFile))
    Session.refresh(stored)
    assert stored.state == "stored" and stored.content_type == "image/png"
    assert len(fake_wechat.calls("cgi-bin/media/get")) == 1


def test_wechat_menu_command_publishes_the_menu(app, fake_wechat, tmp_path):
    import os

    from tests.conftest import ROOT
    import subprocess, sys

    config = tmp_path / "c.toml"
    original = open(os.environ["YITANG_CONFIG"], encoding="utf-8").read()
    config.write_text(original.replace('[wechat]\n', f'[wechat]\napi_base_url = "{fake_wechat.url}"\n', 1))
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "webhook", "wechat-menu"], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "YITANG_CONFIG": str(config)},
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert [b["name"] for b in fake_wechat.menu["button"]] == ["我要申请", "找工作", "办事进度"]
