"""POST /wechat under random input: never a 500, and nothing stored without a valid signature.

Bodies are random bytes, text in several encodings, random XML (deep, wide, odd fields) and
well-formed WeChat messages with random values; queries are valid signatures, broken ones,
or noise, in every mode.
"""
import time
import uuid  # Hypothesis seeds `random` per example: nonces must come from elsewhere

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fakewechat.sender import WeChatSender
from models import InboundMessage, Session
from tests.conftest import TEST_AES_KEY

FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event", "EventKey",
          "MediaId", "Location_X", "Location_Y", "Label", "Recognition", "Encrypt", "PicUrl", "Title"]
MSG_TYPES = ["text", "image", "voice", "video", "shortvideo", "location", "link", "event", "miniprogrampage",
             "", "TEXT", "<", "file"]
EVENTS = ["subscribe", "unsubscribe", "CLICK", "VIEW", "SCAN", "LOCATION", "TEMPLATESENDJOBFINISH", ""]
text = st.text(max_size=60)
value = st.one_of(text, st.integers(min_value=-2**70, max_value=2**70).map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(str))


def element(name: str, inner: str) -> str:
    return f"<{name}>{inner}</{name}>"


@st.composite
def wechat_xml(draw) -> str:
    """A message shaped like WeChat's, with random values and fields left out or doubled."""
    def mostly(good, strategy):  # mostly plausible, so that most examples reach the bot
        return draw(st.one_of(st.just(good), st.just(good), st.just(good), strategy))

    fields = {"ToUserName": "gh_yitang",
              "FromUserName": mostly(f"o-fuzz-{draw(st.integers(0, 9))}", text),
              "CreateTime": mostly(str(int(time.time())), value),
              "MsgType": draw(st.sampled_from(["text", "text", "event"] + MSG_TYPES)),
              "Content": draw(st.one_of(st.sampled_from(["低保", "进度", "人工", "1", "两千六", "取消"]), text)),
              "MsgId": mostly(str(draw(st.integers(1, 2**62))), value)}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=6)):
        fields[name] = draw(st.one_of(value, st.sampled_from(EVENTS)))
    if draw(st.booleans()):
        fields.pop(draw(st.sampled_from(sorted(fields))))
    cdata = draw(st.booleans())
    inner = "".join(element(k, f"<![CDATA[{v.replace(']]>', '')}]]>" if cdata else
                            v.replace("&", "&amp;").replace("<", "&lt;")) for k, v in fields.items())
    return element("xml", inner)


nested_xml = st.recursive(
    st.text(alphabet="abc <>&;\"'", max_size=10),
    lambda children: st.builds(lambda tag, kids: f"<{tag}>{''.join(kids)}</{tag}>",
                               st.sampled_from(["xml", "a", "Content", "Encrypt", "MsgType"]),
                               st.lists(children, max_size=4)),
    max_leaves=40)

bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda t, enc: t.encode(enc, errors="replace"), st.text(max_size=200),
              st.sampled_from(["utf-8", "gbk", "utf-16", "latin-1"])),
    nested_xml.map(str.encode),
    st.builds(lambda depth: ("<xml>" + "<a>" * depth + "</a>" * depth + "</xml>").encode(),
              st.integers(min_value=0, max_value=5000)),
    wechat_xml().map(str.encode),
    wechat_xml().map(str.encode),  # weighted: most examples should get past the door
    wechat_xml().map(str.encode),
    st.builds(lambda xml, enc: xml.encode(enc, errors="replace"), wechat_xml(), st.sampled_from(["gbk", "utf-16"])),
)

MODES = ["plain", "compat", "safe"]


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies, mode=st.sampled_from(MODES), sign=st.sampled_from(["valid", "valid", "valid", "forged", "missing", "noise"]),
       encrypt=st.booleans(), wrap=st.sampled_from([True, True, False]), noise=st.dictionaries(
           st.sampled_from(["signature", "timestamp", "nonce", "msg_signature", "encrypt_type", "openid"]),
           st.text(max_size=30), max_size=4))
def test_random_posts_never_fail_and_unsigned_ones_store_nothing(app, client, body, mode, sign, encrypt, wrap,
                                                                noise):
    app.config["WECHAT_MODE"] = mode
    try:
        sender = WeChatSender("test-token", TEST_AES_KEY, "wx_test_app", mode="safe" if encrypt else "plain")
        if wrap and encrypt:  # random content inside a real encryption: only the inside is random
            query, body = sender.envelope(body.decode("utf-8", errors="replace"), nonce=uuid.uuid4().hex[:10])
        else:
            query, _ = sender.envelope("<xml></xml>", nonce=uuid.uuid4().hex[:10])
        if sign == "forged":
            query["signature"] = "0" * 40
        elif sign == "missing":
            query.pop("signature")
        elif sign == "noise":
            query.update(noise)
        before = Session.scalar(select(func.count(InboundMessage.id)))
        Session.remove()
        response = client.post("/wechat", query_string=query, data=body, content_type="text/xml")
        assert response.status_code < 500, (response.status_code, response.data[:300])
        event(f"{response.status_code} {sign}")
        after = Session.scalar(select(func.count(InboundMessage.id)))
        Session.remove()
        if sign != "valid":
            # Noise may leave a valid signature in place only by keeping the real values.
            signed = sign == "noise" and not {"signature", "timestamp", "nonce"} & set(noise)
            if not signed:
                assert after == before
        if response.status_code != 200:
            assert after == before  # refused means not stored
    finally:
        app.config["WECHAT_MODE"] = "compat"
