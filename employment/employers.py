"""The daily email to each employer: the new candidates for its openings (notice 三㈠: pushes
to employers as well as seekers).

A candidate is masked (surname + 某, age band, street, what they want to do) until the
seeker says 感兴趣; then the email gives their name and phone. "New" is since the employer's
last daily email: recommendations made since, and seekers who said 感兴趣 since. One email
per employer per Xiamen day (the dedupe key holds it), with the list as a CSV attachment whose
cells cannot run as formulas (review.privacy.csv_cell).
"""
from __future__ import annotations

import csv
import io
import logging
from collections import OrderedDict
from datetime import datetime

from sqlalchemy import func, or_, select

from models import Delivery, Employer, Opening, Recommendation, Seeker, Session, utcnow
from review.privacy import csv_cell

from . import pushes
from .chat import candidate
from .matching import open_openings

log = logging.getLogger(__name__)

PURPOSE = "employer_daily"
COLUMNS = ("岗位编号", "岗位", "求职者", "年龄段", "区", "街道（镇）", "学历", "求职意向", "是否感兴趣", "电话", "邮箱")


def key_for(employer_id: int, day) -> str:
    return f"employer:{employer_id}:{day.isoformat()}"


def new_candidates(employer_id: int, since: datetime | None, now: datetime) -> list[tuple[Recommendation, Opening, Seeker]]:
    """Recommendations for the employer's open openings made after `since`, or whose seeker
    said 感兴趣 after it; none the seeker called 不合适."""
    from review.routing import local_date

    stmt = (select(Recommendation, Opening, Seeker)
            .join(Opening, Opening.id == Recommendation.opening_id)
            .join(Seeker, Seeker.id == Recommendation.seeker_id)
            .where(Opening.employer_id == employer_id, open_openings(local_date(now)),
                   Recommendation.created_at <= now,
                   func.coalesce(Recommendation.response, "") != "not_suitable")
            .order_by(Opening.id, Recommendation.score.desc(), Recommendation.id))
    if since is not None:
        stmt = stmt.where(or_(Recommendation.created_at > since,
                              (Recommendation.response == "interested") & (Recommendation.responded_at > since)))
    return list(Session.execute(stmt).all())


def csv_bytes(openings: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for opening in openings:
        for p in opening["people"]:
            writer.writerow([csv_cell(v) for v in (
                opening["number"], opening["title"], p["name"], p["age_band"], p["district"], p["street"],
                p["education"], p["skills"], "是" if p["interested"] else "", p["phone"], p["email"])])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the Chinese


def email_for(employer: Employer, pairs, today) -> tuple[str, str, bytes]:
    grouped: OrderedDict[int, dict] = OrderedDict()
    for rec, opening, seeker in pairs:
        entry = grouped.setdefault(opening.id, {"number": opening.id, "title": opening.title, "people": []})
        entry["people"].append(candidate(seeker, today, whole=rec.response == "interested"))
    openings = list(grouped.values())
    day = f"{today.month}月{today.day}日"
    count = sum(len(o["people"]) for o in openings)
    text = pushes.render("employer_daily.txt", employer=employer.name, openings=openings, day=day)
    subject = pushes.render("employer_daily_subject.txt", count=count, day=day)
    return subject, text, csv_bytes(openings)


def daily_emails(now: datetime | None = None) -> int:
    """One email to every employer with new candidates; how many were queued. Each push
    commits (channels.push.send), so a run cut short sends the rest next time, none twice."""
    from channels import push
    from review.routing import local_date

    now = now or utcnow()
    today = local_date(now)
    employers = Session.execute(select(Employer.id).where(Employer.email.is_not(None), Employer.email != "")
                                .order_by(Employer.id)).scalars().all()
    sent = 0
    for employer_id in employers:
        key = key_for(employer_id, today)
        if Session.scalar(select(Delivery.id).where(Delivery.dedupe_key == key)) is not None:
            continue  # today's email already went
        since = Session.scalar(select(func.max(Delivery.created_at))
                               .where(Delivery.dedupe_key.like(f"employer:{employer_id}:%")))
        pairs = new_candidates(employer_id, since, now)
        if not pairs:
            continue
        employer = Session.get(Employer, employer_id)
        subject, text, attachment = email_for(employer, pairs, today)
        push.send(push.Contact(email=employer.email, prefer=("email",), name=employer.name), purpose=PURPOSE,
                  text=text, subject=subject, dedupe_key=key,
                  attachments=[(f"candidates-{today.isoformat()}.csv", attachment, "text/csv")])
        sent += 1
    log.info("employer emails: %d", sent)
    return sent
