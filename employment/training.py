"""Training offers by push (the second "1" of the 1-1-2): once a year every active seeker is
offered the best open course (TrainingCourse), carried by channels.push like an opening.

"Open" is a course not yet started (or with no start date). "Best": in the seeker's district
(a course with no district is city-wide), closest by GB/T 6565 code to what the seeker wants,
then the soonest to start. A seeker is covered for the year by an offer in person, or by a
pushed one whose push has not ended failed or undeliverable; a seeker whose offer could not
reach them gets another course the next run. The ledger (employment/ledger.py) counts a pushed
offer only once its push was delivered.

A (seeker, course) pair is offered at most once, ever (a unique key, inserted ON CONFLICT DO
NOTHING), and each push has the dedupe key ``training:{seeker_id}:{course_id}``: a job cut
short and run again sends nothing twice.
"""
from __future__ import annotations

import logging
import math
from datetime import date, datetime, time

from sqlalchemy import select

from models import Delivery, Seeker, Session, TrainingCourse, TrainingOffer, utcnow

from .ledger import _utc
from .matching import code_keys
from .pushes import contact_for, render

log = logging.getLogger(__name__)

PURPOSE = "training"
SOON_DAYS = 60.0  # a course starting within about two months is "soon"
_ENDED_BADLY = ("failed", "undeliverable")


def dedupe_key(seeker_id: int, course_id: int) -> str:
    return f"training:{seeker_id}:{course_id}"


def open_courses(today: date) -> list[TrainingCourse]:
    return list(Session.scalars(select(TrainingCourse).where(
        (TrainingCourse.starts_on.is_(None)) | (TrainingCourse.starts_on >= today)).order_by(TrainingCourse.id)))


def closeness(seeker_code: str | None, course_code: str | None) -> float:
    """How near a course's trade is to the seeker's: same 小类 1, 中类 0.6, 大类 0.3; a course
    for no trade in particular (or a seeker who named none) 0.2; another trade 0.05."""
    if not course_code or not seeker_code:
        return 0.2
    s, c = code_keys(seeker_code), code_keys(course_code)
    if c[2] >= 0 and c[2] == s[2]:
        return 1.0
    if c[1] >= 0 and c[1] == s[1]:
        return 0.6
    if c[0] == s[0]:
        return 0.3
    return 0.05


def score(seeker_district: str, seeker_code: str | None, course: TrainingCourse, today: date) -> float | None:
    """The course's score for a seeker, None when it is not for them (another district)."""
    if course.district and course.district != seeker_district:
        return None
    soon = 1.0 if course.starts_on is None else math.exp(-(course.starts_on - today).days / SOON_DAYS)
    # The seeker's own district beats a city-wide course of the same trade.
    return 0.6 * closeness(seeker_code, course.occupation_code) + 0.2 * (course.district is not None) + 0.2 * soon


def best_course(district: str, code: str | None, courses: list[TrainingCourse], today: date,
                exclude: set[int] = frozenset()) -> TrainingCourse | None:
    best, best_score = None, -1.0
    for course in courses:
        if course.id in exclude:
            continue
        value = score(district, code, course, today)
        if value is not None and value > best_score:  # ties: the earlier course (ordered by id)
            best, best_score = course, value
    return best


def _covered(year_start: datetime) -> set[int]:
    """Seekers already offered a course this year that did or may still reach them."""
    rows = Session.execute(select(TrainingOffer.seeker_id, TrainingOffer.via, Delivery.state)
                           .outerjoin(Delivery, Delivery.id == TrainingOffer.delivery_id)
                           .where(TrainingOffer.offered_at >= year_start)).all()
    return {seeker_id for seeker_id, via, state in rows if via == "in_person" or state not in _ENDED_BADLY}


def _insert_offer(seeker_id: int, course_id: int, now: datetime) -> int | None:
    """The offer's id, or None when this pair was offered before (by another run, or ever)."""
    conn = Session.connection()
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = TrainingOffer.__table__
    stmt = (insert(table).values(seeker_id=seeker_id, course_id=course_id, via="push", offered_at=now)
            .on_conflict_do_nothing(index_elements=["seeker_id", "course_id"]).returning(table.c.id))
    return conn.execute(stmt).scalar_one_or_none()


def text_for(seeker: Seeker, course: TrainingCourse) -> tuple[str, str]:
    values = {"title": course.title, "provider": course.provider, "district": course.district,
              "starts_on": course.starts_on, "description": (course.description or "")[:200]}
    return render("training_subject.txt", **values), render("training.txt", **values)


def send_offer(offer: TrainingOffer, seeker: Seeker, course: TrainingCourse):
    """Push one recorded offer (again: the dedupe key returns the first push). Commits, as
    push.send does."""
    from channels import push

    subject, text = text_for(seeker, course)
    # An offer that arrives after the course started is no offer: the push ends undeliverable.
    valid_until = datetime.combine(course.starts_on, time(23, 59)) if course.starts_on else None
    delivery = push.send(contact_for(seeker), purpose=PURPOSE, text=text, subject=subject,
                         dedupe_key=dedupe_key(seeker.id, course.id), valid_until=valid_until)
    offer.delivery_id = delivery.id
    Session.commit()
    return delivery


def offer_due(now: datetime | None = None) -> int:
    """Offer a course to every active seeker not yet covered this year; push each offer, and
    any offer recorded earlier whose push was never made (a run cut short). Commits as it goes
    (each push is its own transaction). Returns how many offers were pushed."""
    from review.routing import local_date

    now = now or utcnow()
    today = local_date(now)
    year_start = _utc(date(today.year, 1, 1))
    courses = open_courses(today)
    by_id = {c.id: c for c in courses}
    covered = _covered(year_start)
    offered_before: dict[int, set[int]] = {}
    for seeker_id, course_id in Session.execute(select(TrainingOffer.seeker_id, TrainingOffer.course_id)):
        offered_before.setdefault(seeker_id, set()).add(course_id)
    pending = [] if not courses else [
        (s.id, s.district, s.occupation_code) for s in Session.execute(
            select(Seeker.id, Seeker.district, Seeker.occupation_code)
            .where(Seeker.active.is_(True)).order_by(Seeker.id))
        if s.id not in covered]
    chosen: dict[tuple, TrainingCourse | None] = {}  # by (district, code): most seekers share one
    sent = 0
    for seeker_id, district, code in pending:
        exclude = offered_before.get(seeker_id)
        if exclude:
            course = best_course(district, code, courses, today, exclude)
        else:
            if (district, code) not in chosen:
                chosen[(district, code)] = best_course(district, code, courses, today)
            course = chosen[(district, code)]
        if course is None or _insert_offer(seeker_id, course.id, now) is None:
            continue
        Session.commit()  # the offer is kept before its push: a rerun pushes it (below)
    # Every push offer of the year still without its push: the ones just made, and any a run
    # cut short left behind.
    waiting = Session.execute(select(TrainingOffer, Seeker)
                              .join(Seeker, Seeker.id == TrainingOffer.seeker_id)
                              .where(TrainingOffer.via == "push", TrainingOffer.delivery_id.is_(None),
                                     TrainingOffer.offered_at >= year_start, Seeker.active.is_(True))
                              .order_by(TrainingOffer.id)).all()
    for offer, seeker in waiting:
        course = by_id.get(offer.course_id) or Session.get(TrainingCourse, offer.course_id)
        try:
            send_offer(offer, seeker, course)
        except ValueError as err:  # a seeker with no way to reach them at all, say
            Session.rollback()
            log.warning("training offer %s not pushed: %s", offer.id, err)
            continue
        sent += 1
    log.info("training offers: %d pushed", sent)
    return sent

