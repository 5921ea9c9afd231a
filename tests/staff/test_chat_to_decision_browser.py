"""End to end in Chromium: a resident applies for 低保 in the simulator with photos, a reviewer
claims it in the console, asks for two documents, the resident sends them in the chat, and
the reviewer approves. Screenshots of every page are kept under test-artifacts/screenshots/."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot import conversation
from bot import session as sessions
from models import Application, Session, utcnow
from tests.examples import WORKED_EXAMPLE_PLAN, typed
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in_page

pytestmark = pytest.mark.browser


class Resident:
    """The resident's phone: the simulator page."""

    def __init__(self, page, tmp_path):
        self.page, self.tmp_path, self.photos = page, tmp_path, 0

    def _wait_for_more(self, before: int):
        # A locator waits without evaluating a string in the page, which the CSP (no eval) forbids.
        self.page.locator(".msg.bot, .msg.push").nth(before).wait_for()

    def _count(self) -> int:
        return self.page.locator(".msg.bot, .msg.push").count()

    def say(self, text: str):
        before = self._count()
        self.page.get_by_label("消息").fill(text)
        self.page.get_by_role("button", name="发送").click()
        self._wait_for_more(before)

    def photo(self):
        self.photos += 1
        path = self.tmp_path / f"photo{self.photos}.png"
        from webhook.demo import placeholder_png

        path.write_bytes(placeholder_png() + f"#{self.photos}".encode())
        before = self._count()
        self.page.set_input_files("#photo", str(path))
        self._wait_for_more(before)

    def last(self) -> str:
        return self.page.locator(".msg.bot, .msg.push").last.inner_text()

    def openid(self) -> str:
        return self.page.evaluate("localStorage.getItem('yitang-sim-openid')")


def answer_the_form(resident: Resident, plan: dict):
    for _ in range(200):
        session = sessions.load(resident.openid())
        if session.get("stage") != "form":
            return
        resident.say(typed(conversation.current(session), plan) or "跳过")
    raise AssertionError("the form never ended")


def test_from_the_chat_to_a_decision(app, live_server, browser, fake_wechat, run_worker, screenshot, tmp_path):
    make_staff("lin")  # a reviewer of 思明区
    phone = browser.new_context(viewport={"width": 420, "height": 900}, locale="zh-CN").new_page()
    phone.goto(f"{live_server.url}/simulator")
    resident = Resident(phone, tmp_path)
    phone.get_by_role("button", name="关注公众号").click()
    phone.get_by_text("欢迎关注「一趟」").wait_for()
    phone.get_by_role("button", name="我要申请").click()
    phone.get_by_role("button", name="低保/低收入/特困").click()
    phone.get_by_text("好的，我们来办「最低生活保障（低保）」").wait_for()

    answer_the_form(resident, WORKED_EXAMPLE_PLAN)
    resident.say("确认")
    phone.get_by_text("✔ 低保：符合条件").wait_for()
    screenshot(phone, "10-resident-verdict")
    slots = sessions.load(resident.openid())["slots"]
    for _ in slots:
        resident.photo()
    assert "材料已经齐全了" in resident.last()
    resident.say("提交")
    phone.get_by_text("已提交，申请编号").wait_for()
    screenshot(phone, "11-resident-submitted")
    run_worker()  # photos downloaded from the fake WeChat server, the resident told
    application = Session.scalar(select(Application))
    assert application.state == "submitted"

    console = browser.new_page(java_script_enabled=False)
    log_in_page(console, live_server.url, "lin")
    console.locator("tbody tr", has_text="最低生活保障（低保）").get_by_role("link", name=str(application.id)).click()
    console.click("button:has-text('认领')")
    assert console.locator(".docs img").count() == len(slots)
    screenshot(console, "12-console-application")

    console.check("input[name=items][value='hukou_book']")
    console.check("input[name=items][value='income_proof:0']")
    console.fill("#note", "户口簿请拍户主页和本人页，收入证明请加盖单位公章")
    console.click("button:has-text('通知居民补充')")
    assert "待补充材料" in console.inner_text("h1")
    screenshot(console, "13-console-documents-requested")
    run_worker()
    requests = [m["body"]["text"]["content"] for m in fake_wechat.messages(resident.openid())
                if m["kind"] == "custom" and "户主页" in m["body"]["text"]["content"]]
    assert len(requests) == 1  # one message listing both documents
    assert "户口簿" in requests[0] and "收入证明" in requests[0]
    phone.get_by_text("户主页和本人页").first.wait_for()  # the push shows in the resident's chat

    resident.photo()  # the chat reopens exactly the two requested items
    assert "已收到 1/2" in resident.last()
    resident.photo()
    assert "补充材料已经收齐" in resident.last()
    screenshot(phone, "14-resident-supplement")
    run_worker()

    console.reload()
    assert "审核中" in console.inner_text("h1")
    console.fill("#amount", "710")
    console.click("button:has-text('开始公示')")  # 7 days in the community, then the decision
    assert "公示中" in console.inner_text("h1") and "每月 710 元" in console.inner_text("#publicity")
    screenshot(console, "15-console-publicity")
    run_worker()
    phone.get_by_text("公示").first.wait_for()  # the resident hears that the 公示 has started
    Session.execute(update(Application).where(Application.id == application.id)
                    .values(publicity_until=utcnow() - timedelta(minutes=1)))  # a week on
    Session.commit()
    console.reload()
    console.get_by_role("button", name="批准", exact=True).click()
    assert "已批准" in console.inner_text(".flash")
    screenshot(console, "16-console-approved")
    run_worker()
    decided = [m["body"]["text"]["content"] for m in fake_wechat.messages(resident.openid())
               if m["kind"] == "custom"]
    assert any("每月 710 元" in text and "发放方式" in text for text in decided)
