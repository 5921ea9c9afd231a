"""A newcomer in the simulator: follows, taps the menu, sends text and a photo, sees pushes."""
import base64

import pytest
from sqlalchemy import select

from models import MediaFile, Session
from tests.conftest import run_jobs

pytestmark = pytest.mark.browser

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def test_newcomer_chats_in_the_simulator(app, live_server, fake_wechat, page, tmp_path, screenshot):
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Refused" in message.text else None)
    page.goto(f"{live_server.url}/simulator")
    page.get_by_role("button", name="关注公众号").click()
    page.get_by_text("欢迎关注「一趟」").wait_for()

    page.get_by_role("button", name="我要申请").click()
    page.get_by_role("button", name="危房改造").click()
    page.get_by_text("好的，我们来办「农村危房改造").wait_for()
    page.get_by_label("消息").fill("取消")
    page.get_by_role("button", name="发送").click()
    page.get_by_text("已取消").wait_for()

    page.get_by_label("消息").fill("你好，我想问问政策")
    page.get_by_role("button", name="发送").click()
    page.get_by_text("收到您的消息：“你好，我想问问政策”").wait_for()

    photo = tmp_path / "hukou.png"
    photo.write_bytes(PNG)
    page.set_input_files("#photo", str(photo))
    page.get_by_text("照片收到了").wait_for()
    # The picked photo shows in the chat, as on a phone (a data: URL the page's policy allows).
    assert page.locator(".msg.me img").evaluate("img => img.complete && img.naturalWidth > 0")
    run_jobs(app)
    assert Session.scalar(select(MediaFile.state)) == "stored"

    openid = page.evaluate("localStorage.getItem('yitang-sim-openid')")
    from channels import outbound

    with app.app_context():
        outbound.send(openid, content="工作人员：您的材料已收到，我们会尽快审核。")
        Session.commit()  # a handler or job commits; the delivery is queued then
    run_jobs(app)
    page.get_by_text("工作人员：您的材料已收到").wait_for(timeout=5000)
    screenshot(page, "simulator-chat")
    assert refused == []  # the Content-Security-Policy blocks nothing the simulator needs


def test_simulator_is_off_in_production(app, client):
    app.config["SIMULATOR_ENABLED"] = False
    try:
        assert client.get("/simulator").status_code == 404
        assert client.post("/simulator/send", json={"openid": "x", "kind": "text"}).status_code == 404
    finally:
        app.config["SIMULATOR_ENABLED"] = True


def test_simulator_send_refuses_bad_input(client, fake_wechat):
    no_openid = client.post("/simulator/send", json={"kind": "text"})
    assert no_openid.status_code == 400 and "openid" in no_openid.get_json()["error"]
    teleport = client.post("/simulator/send", json={"openid": "o", "kind": "teleport"})
    assert teleport.status_code == 400 and "kind" in teleport.get_json()["error"]
    bad_image = client.post("/simulator/send", json={"openid": "o", "kind": "image", "image": "data:image/png;base64,@@@"})
    assert bad_image.status_code == 400 and "base64" in bad_image.get_json()["error"]


def test_simulator_without_the_fake_server_says_so(client, app):
    saved = app.config["WECHAT_API_BASE_URL"]
    app.config["WECHAT_API_BASE_URL"] = "http://127.0.0.1:9/"  # nothing listens on the discard port
    try:
        response = client.post("/simulator/send", json={"openid": "o", "kind": "text", "text": "你好"})
    finally:
        app.config["WECHAT_API_BASE_URL"] = saved
    assert response.status_code == 502 and "make run" in response.get_json()["error"]


def test_production_app_carries_no_fake(config_file):
    """The simulator talks to the fake over HTTP: importing the app imports nothing of it."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys, webhook; webhook.create_app(); "
            "print(any(m.startswith('fakewechat') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "YITANG_CONFIG": str(config_file)})
    assert result.stdout.strip() == "False", result.stderr
