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
    run_jobs(app)
    assert Session.scalar(select(MediaFile.state)) == "stored"

    openid = page.evaluate("localStorage.getItem('yitang-sim-openid')")
    from channels import outbound

    with app.app_context():
        outbound.send(openid, content="工作人员：您的材料已收到，我们会尽快审核。")
    run_jobs(app)
    page.get_by_text("工作人员：您的材料已收到").wait_for(timeout=5000)
    screenshot(page, "simulator-chat")


def test_simulator_is_off_in_production(app, client):
    app.config["SIMULATOR_ENABLED"] = False
    try:
        assert client.get("/simulator").status_code == 404
        assert client.post("/simulator/send", json={"openid": "x", "kind": "text"}).status_code == 404
    finally:
        app.config["SIMULATOR_ENABLED"] = True


def test_simulator_send_refuses_bad_input(client):
    assert client.post("/simulator/send", json={"kind": "text"}).status_code == 400
    assert client.post("/simulator/send", json={"openid": "o", "kind": "teleport"}).status_code == 400
    bad_image = client.post("/simulator/send", json={"openid": "o", "kind": "image", "image": "data:image/png;base64,@@@"})
    assert bad_image.status_code == 400 and "base64" in bad_image.get_json()["error"]
