"""Email: what a mail looks like, and a mail server that is down or misconfigured."""
from __future__ import annotations

import socket

import pytest

from tests.channels.push_fixtures import EMAIL, deliver, push_one, smtp_server  # noqa: F401


def test_a_mail_has_text_html_the_attachment_and_the_unsubscribe_link(app, smtp_server):
    delivery = deliver(app, push_one(app, phone=None, prefer=("email",), subject="本周岗位",
                                     html="<p>新岗位：<b>保洁员</b></p>",
                                     attachments=[("岗位.csv", b"a,b\n1,2\n", "text/csv")]))
    assert delivery.state == "sent"
    [mail] = smtp_server.to(EMAIL)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = mail.get_body(("html",)).get_content()
    assert "<b>保洁员</b>" in html and 'href="http://yitang.test/unsubscribe/' in html
    assert "http://yitang.test/unsubscribe/" in mail.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in mail.iter_attachments()] == ["岗位.csv"]


def test_a_mail_server_that_is_down_fails_the_push_with_the_reason(app, smtp_server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    app.config["EMAIL_SMTP_PORT"] = closed_port  # the fixture restores it
    delivery = deliver(app, push_one(app, phone=None, prefer=("email",)))
    assert delivery.state == "failed"
    assert "mail server could not be reached" in delivery.reason


def test_email_not_configured_is_skipped_not_failed(app):
    delivery = deliver(app, push_one(app, phone=None, prefer=("email",)))
    assert delivery.state == "undeliverable"
    assert delivery.reason == "no channel left: email: channel not configured"


def test_an_unknown_tls_mode_is_named(app):
    from channels.email import Mailer

    with pytest.raises(ValueError, match="use_tls must be one of starttls, ssl, none"):
        Mailer("127.0.0.1", 25, "noreply@yitang.test", use_tls="yes")
