"""Email over SMTP (smtplib): any SMTP server in production, the aiosmtpd server of
devmail/ (aiosmtpd) in development and tests.

`[email] use_tls` is "starttls" (port 587, the default), "ssl" (implicit TLS, port 465) or
"none" (the loopback development server only). A message is multipart: the text, the HTML
when there is one, the attachments; it carries List-Unsubscribe (RFC 2369) and one-click
List-Unsubscribe-Post (RFC 8058) headers pointing at the person's unsubscribe link, and the
link in the body. Logs carry no addresses.
"""
from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from html import escape

TLS_MODES = ("starttls", "ssl", "none")
TIMEOUT_S = 20
_ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")


class EmailError(Exception):
    pass


def normalize_email(raw: str) -> str:
    """The address, trimmed and lower-cased; ValueError when it is not one address."""
    value = str(raw or "").strip().lower()
    if not _ADDRESS.fullmatch(value) or len(value) > 254:
        raise ValueError("the email address must look like name@example.com")
    return value


class Mailer:
    def __init__(self, host: str, port: int, sender: str, *, user: str = "", password: str = "",
                 use_tls: str = "starttls", sender_name: str = "一趟"):
        if use_tls not in TLS_MODES:
            raise ValueError(f"[email] use_tls must be one of {', '.join(TLS_MODES)}, not {use_tls!r}")
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.use_tls, self.sender_name = user, password, use_tls, sender_name

    @classmethod
    def from_config(cls, config: Mapping) -> Mailer | None:
        """None when email is not configured (no server or sender): the channel is skipped."""
        if not (config.get("EMAIL_SMTP_HOST") and config.get("EMAIL_SENDER")):
            return None
        return cls(config["EMAIL_SMTP_HOST"], int(config["EMAIL_SMTP_PORT"]), config["EMAIL_SENDER"],
                   user=config.get("EMAIL_SMTP_USER", ""), password=config.get("EMAIL_SMTP_PASSWORD", ""),
                   use_tls=config.get("EMAIL_USE_TLS", "starttls"))

    def compose(self, to: str, subject: str, text: str, *, html: str | None = None,
                attachments: Iterable[tuple[str, bytes, str]] = (),
                unsubscribe_url: str | None = None) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr((self.sender_name, self.sender))
        msg["To"] = normalize_email(to)
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        if unsubscribe_url:
            msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            text = f"{text}\n\n——\n不想再收到这类邮件？打开下面的链接即可退订：\n{unsubscribe_url}\n"
            if html is not None:
                html = (f"{html}\n<hr><p>不想再收到这类邮件？"
                        f"<a href=\"{escape(unsubscribe_url)}\">点此退订</a></p>")
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
        for filename, data, mimetype in attachments:
            maintype, _, subtype = (mimetype or "application/octet-stream").partition("/")
            msg.add_attachment(bytes(data), maintype=maintype, subtype=subtype or "octet-stream",
                               filename=filename)
        return msg

    def send(self, msg: EmailMessage) -> str:
        """Hand the message to the SMTP server; its Message-ID. EmailError when the server
        refuses it or cannot be reached."""
        try:
            if self.use_tls == "ssl":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_S,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S)
            with smtp:
                if self.use_tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused:
            raise EmailError("the mail server refused the address") from None
        except smtplib.SMTPResponseException as exc:
            raise EmailError(f"the mail server answered {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise EmailError(f"the mail server could not be reached ({type(exc).__name__})") from None
        return msg["Message-ID"]
