"""Pushes to seekers: new recommendations joined into one digest, at most N a week.

channels.push carries each digest on the seeker's preferred channels (WeChat, SMS, email),
with quiet hours and opt-outs; here is only what to say to whom and how often. A digest's
dedupe key is fixed by the recommendations it carries, so a job that runs twice sends once.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import func, select

from models import Employer, Opening, Recommendation, Seeker, Session, utcnow

from . import data
from .matching import open_openings

_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)

PURPOSE = "jobs"


def render(name: str, **values) -> str:
    """One of employment/templates/, as plain text (the chat wraps it in its own reply)."""
    return _templates.get_template(name).render(**values).strip()


def wage_text(opening: Opening) -> str:
    if opening.wage_min and opening.wage_max and opening.wage_max != opening.wage_min:
        return f"月薪{opening.wage_min}–{opening.wage_max}元"
    if opening.wage_min or opening.wage_max:
        return f"月薪{opening.wage_min or opening.wage_max}元"
    return ""


def digest_text(seeker: Seeker, pairs: list[tuple[Recommendation, Opening, Employer]]) -> tuple[str, str]:
    items = [{"number": opening.id, "title": opening.title, "employer": employer.name,
              "district": opening.district, "street": opening.street, "wage": wage_text(opening),
              "public_welfare": opening.public_welfare, "reason": rec.reason} for rec, opening, employer in pairs]
    name = f"{seeker.name[0]}先生/女士" if seeker.name else None
    if seeker.name and seeker.sex in ("male", "female"):
        name = seeker.name[0] + ("先生" if seeker.sex == "male" else "女士")
    body = _templates.get_template("digest.txt").render(items=items, name=name).strip()
    subject = _templates.get_template("digest_subject.txt").render(items=items).strip()
    return subject, body


def contact_for(seeker: Seeker):
    from channels import push

    prefer = tuple(seeker.prefer or ()) or ("wechat", "sms", "email")
    return push.Contact(openid=seeker.openid, phone=seeker.phone, email=seeker.email, prefer=prefer,
                        name=seeker.name)


def pushes_this_week(seeker_id: int, now: datetime) -> int:
    return Session.scalar(select(func.count(func.distinct(Recommendation.delivery_id))).where(
        Recommendation.seeker_id == seeker_id, Recommendation.delivery_id.is_not(None),
        Recommendation.pushed_at >= now - timedelta(days=7))) or 0


def due_seekers(now: datetime) -> list[int]:
    """Seekers with recommendations not yet pushed, of openings still open."""
    from review.routing import local_date

    stmt = (select(Recommendation.seeker_id).join(Opening, Opening.id == Recommendation.opening_id)
            .join(Seeker, Seeker.id == Recommendation.seeker_id)
            .where(Recommendation.delivery_id.is_(None), Recommendation.response.is_(None),
                   Seeker.active.is_(True), open_openings(local_date(now)))
            .distinct().order_by(Recommendation.seeker_id))
    return list(Session.scalars(stmt))


def push_seeker(seeker_id: int, now: datetime | None = None):
    """One digest of the seeker's best unpushed recommendations, unless the weekly cap is
    reached. Returns the Delivery, or None when nothing was sent."""
    from channels import push
    from review.routing import local_date

    now = now or utcnow()
    p = data.params()
    if pushes_this_week(seeker_id, now) >= int(p["pushes_per_week"]):
        return None
    seeker = Session.get(Seeker, seeker_id)
    if seeker is None or not seeker.active:
        return None
    pairs = Session.execute(
        select(Recommendation, Opening, Employer).join(Opening, Opening.id == Recommendation.opening_id)
        .join(Employer, Employer.id == Opening.employer_id)
        .where(Recommendation.seeker_id == seeker_id, Recommendation.delivery_id.is_(None),
               Recommendation.response.is_(None), open_openings(local_date(now)))
        .order_by(Recommendation.score.desc(), Recommendation.id).limit(int(p["digest_max"]))).all()
    if not pairs:
        return None
    subject, text = digest_text(seeker, pairs)
    recs = [rec for rec, _, _ in pairs]
    if len(recs) == 1:
        key = f"rec:{seeker_id}:{recs[0].opening_id}"
    else:
        key = f"digest:{seeker_id}:{min(rec.id for rec in recs)}"
    valid_until = datetime.combine(min(opening.valid_until for _, opening, _ in pairs), datetime.max.time())
    delivery = push.send(contact_for(seeker), purpose=PURPOSE, text=text, subject=subject,
                         dedupe_key=key, valid_until=valid_until)
    for rec in recs:
        rec.delivery_id = delivery.id
        rec.pushed_at = now
    Session.flush()
    return delivery
