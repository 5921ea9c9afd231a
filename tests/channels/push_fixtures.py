"""Fixtures for pushes: the fake SMS provider and a real aiosmtpd mail server, with the app
pointed at both for the test. Import them into a test module:
`from tests.channels.push_fixtures import fake_sms, smtp_server  # noqa: F401`; `push_one`
and `deliver` record a push and run its job at a chosen hour."""
from __future__ import annotations

from datetime import datetime

import pytest

# A seeker to reach, and moments in Xiamen as naive UTC (10:00, 23:00, the next 08:00).
PHONE, EMAIL, OPENID = "13812345678", "seeker@example.com", "o_seeker_push"
DAY = datetime(2026, 3, 2, 2, 0)
NIGHT = datetime(2026, 3, 2, 15, 0)
NEXT_8AM = datetime(2026, 3, 3, 0, 0)
SMS_KEY, SMS_SECRET, INBOUND_SECRET = "test-sms-key", "test-sms-secret", "test-inbound-secret"


def _point(app, values: dict):
    saved = {key: app.config.get(key) for key in values}
    app.config.update(values)
    return saved


@pytest.fixture
def fake_sms(app, live_server):
    from fakesms import FakeSMS

    fake = FakeSMS(SMS_KEY, SMS_SECRET, inbound_url=f"{live_server.url}/sms/inbound",
                   inbound_secret=INBOUND_SECRET).start()
    saved = _point(app, {"SMS_API_BASE_URL": fake.url, "SMS_ACCESS_KEY_ID": SMS_KEY,
                         "SMS_ACCESS_KEY_SECRET": SMS_SECRET, "SMS_SIGN_NAME": "一趟",
                         "SMS_TEMPLATE_CODE": "SMS_000000001", "SMS_INBOUND_SECRET": INBOUND_SECRET})
    yield fake
    app.config.update(saved)
    fake.stop()


@pytest.fixture
def smtp_server(app):
    from devmail import DevMail

    server = DevMail().start()
    saved = _point(app, {"EMAIL_SMTP_HOST": "127.0.0.1", "EMAIL_SMTP_PORT": server.port,
                         "EMAIL_SENDER": "noreply@yitang.test", "EMAIL_USE_TLS": "none",
                         "EMAIL_PUBLIC_URL": "http://yitang.test"})
    yield server
    app.config.update(saved)
    server.stop()


def push_one(app, **kw):
    """Record a push for the test seeker through push.send; its id."""
    from channels import push

    contact = kw.pop("contact", None) or push.Contact(
        phone=kw.pop("phone", PHONE), email=kw.pop("email", EMAIL), openid=kw.pop("openid", None),
        prefer=kw.pop("prefer", ("sms", "email")))
    with app.app_context():
        delivery = push.send(contact, purpose=kw.pop("purpose", "recommendation"),
                             text=kw.pop("text", "新岗位：保洁员（思明区），月薪3200元。"), **kw)
        return delivery.id


def deliver(app, delivery_id, now=DAY):
    """Run the push job (tasks.push.deliver) as if it were `now`; the record afterwards."""
    from models import Delivery, Session
    from tasks import push as push_job

    with app.app_context():
        push_job.deliver(delivery_id, now=now)
        Session.remove()
        return Session.get(Delivery, delivery_id)
