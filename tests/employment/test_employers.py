"""The daily email to employers: new candidates, masked until the seeker says 感兴趣, with a CSV."""
from __future__ import annotations

import base64
import csv
import io
from datetime import timedelta

from sqlalchemy import select

from employment import chat, employers, matching
from models import Delivery, Session, utcnow
from tasks import employment as jobs

from .builders import make_employer, make_opening, make_seeker


def employer_mails() -> list[Delivery]:
    return list(Session.scalars(select(Delivery).where(Delivery.purpose == employers.PURPOSE).order_by(Delivery.id)))


def attachment_rows(delivery: Delivery) -> list[list[str]]:
    [item] = delivery.content["attachments"]
    assert item["mimetype"] == "text/csv" and item["filename"].endswith(".csv")
    return list(csv.reader(io.StringIO(base64.b64decode(item["data"]).decode("utf-8-sig"))))


def test_the_daily_email_lists_new_candidates_masked_with_a_csv(app):
    opening = make_opening("小区保洁员", employer=make_employer(email="hr@ludao.example"))
    make_opening("保安", code="3-02-03", employer=make_employer("别家公司", email="hr@other.example"))
    make_seeker(1, name="陈美玲", phone="13812345678", birth_year=1981, desired_work="保洁")
    make_seeker(2, name="=HYPERLINK(1)", phone="13812340000")
    matching.recommend()
    Session.commit()
    assert jobs.employer_emails() == 1  # the other employer's opening has no candidate
    [mail] = employer_mails()
    assert mail.contact["email"] == "hr@ludao.example" and "2位新的求职者" in mail.content["subject"]
    text = mail.content["text"]
    assert f"【{opening.id}】小区保洁员" in text and "陈某" in text and "思明区鹭江街道" in text
    assert "美玲" not in text and "13812345678" not in text and "保洁" in text
    header, *rows = attachment_rows(mail)
    assert header[:4] == ["岗位编号", "岗位", "求职者", "年龄段"]
    assert {row[2] for row in rows} == {"陈某", "'=某"}  # a formula never runs in a spreadsheet
    assert all(row[9] == "" for row in rows)  # no phone for anyone who has not said 感兴趣
    assert jobs.employer_emails() == 0  # one email a day


def test_after_interested_the_next_email_gives_the_full_contact(app):
    opening = make_opening("小区保洁员")
    make_seeker(1, name="陈美玲", phone="13812345678", openid="o-chen")
    matching.recommend()
    Session.commit()
    first = employers.daily_emails(utcnow())
    Session.commit()
    assert first == 1 and "13812345678" not in employer_mails()[0].content["text"]
    assert employers.daily_emails(utcnow() + timedelta(days=1)) == 0  # nothing new: no email
    chat.respond("o-chen", f"感兴趣 {opening.id}")
    Session.commit()
    assert employers.daily_emails(utcnow() + timedelta(days=1)) == 1
    mail = [m for m in employer_mails() if m.dedupe_key.startswith("employer:")][-1]
    assert "陈某" not in mail.content["text"] and "陈美玲" in mail.content["text"]
    assert "13812345678" in mail.content["text"]
    [row] = attachment_rows(mail)[1:]
    assert row[2] == "陈美玲" and row[8] == "是" and row[9] == "13812345678"
