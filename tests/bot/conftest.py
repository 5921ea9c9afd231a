"""A resident chatting through POST /wechat in safe mode, as WeChat would deliver it."""
import pytest

from bot import conversation
from bot import session as sessions
from fakewechat.sender import WeChatSender
from tests.conftest import TEST_AES_KEY, run_jobs
from tests.examples import typed

PNG_HEAD = b"\x89PNG\r\n\x1a\n"


class Chat:
    def __init__(self, app, client, fake, openid="o-resident"):
        self.app, self.client, self.fake, self.openid = app, client, fake, openid
        self.sender = WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode="safe")
        self.photos = 0

    def deliver(self, xml: str) -> str:
        query, body = self.sender.envelope(xml)
        response = self.client.post("/wechat", query_string=query, data=body)
        assert response.status_code == 200, response.data
        reply = self.sender.open_reply(response.data, query)
        return reply["Content"] if reply else ""

    def say(self, text: str) -> str:
        return self.deliver(self.sender.text(self.openid, text))

    def click(self, key: str) -> str:
        import itertools
        import time

        self._clicks = getattr(self, "_clicks", itertools.count(int(time.time())))
        return self.deliver(self.sender.event(self.openid, "CLICK", key=key, create_time=next(self._clicks)))

    def photo(self, content: bytes | None = None) -> str:
        self.photos += 1
        data = content if content is not None else PNG_HEAD + f"photo {self.photos} of {self.openid}".encode()
        return self.deliver(self.sender.image(self.openid, self.fake.add_media(data, "image/png")))

    def session(self) -> dict | None:
        return sessions.load(self.openid)

    def question(self):
        return conversation.current(self.session())

    def pushed(self) -> list[str]:
        """Run the queue, then everything the fake WeChat server received for this resident."""
        run_jobs(self.app)
        return [m["body"]["text"]["content"] for m in self.fake.messages(self.openid) if m["msgtype"] == "text"]

    def fill(self, plan: dict) -> str:
        """Answer every question the form asks from `plan` (field id → what the resident types;
        `members` → one dict per member). Unplanned optional questions are skipped."""
        reply = ""
        for _ in range(400):
            session = self.session()
            if session.get("stage") != "form":
                return reply
            question = conversation.current(session)
            text = typed(question, plan)
            if text is None:
                assert not question.field.required, f"the plan has no answer for {question.path}"
                text = "跳过"
            if text == "<photo>":
                reply = self.photo()
            elif text == "<location>":
                reply = self.deliver(self.sender.location(self.openid, 24.4798, 118.0894, "思明区鹭江道"))
            else:
                reply = self.say(str(text))
        raise AssertionError("the form never ended")


@pytest.fixture
def chat(app, client, fake_wechat):
    return Chat(app, client, fake_wechat)
