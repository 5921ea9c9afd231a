"""Training offers by push: every seeker is offered the best open course once a year, it
reaches them on their channel, and the 1-1-2 ledger counts it only once delivered."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from employment import ledger, training
from models import Delivery, Session, TrainingCourse, TrainingOffer
from tasks import employment as jobs
from tests.channels.push_fixtures import DAY, deliver, fake_sms  # noqa: F401

from .builders import make_seeker

# 10:00 in Xiamen on 2 March 2026 (push_fixtures.DAY): outside quiet hours.
NOW = DAY
TODAY = date(2026, 3, 2)


def course(title, district="思明区", code=None, starts_on=TODAY + timedelta(days=14), **values) -> TrainingCourse:
    c = TrainingCourse(title=title, district=district, occupation_code=code, starts_on=starts_on, **values)
    Session.add(c)
    Session.commit()
    return c


def offers() -> list[tuple[int, str]]:
    rows = Session.execute(select(TrainingOffer.seeker_id, TrainingCourse.title)
                           .join(TrainingCourse, TrainingCourse.id == TrainingOffer.course_id)
                           .order_by(TrainingOffer.seeker_id)).all()
    return [tuple(r) for r in rows]


def test_each_seeker_is_offered_the_course_nearest_their_trade_in_their_district(app):
    cleaner = make_seeker(1, code="4-09-07", phone="13812345678", prefer=["sms"])
    guard = make_seeker(2, name="林志强", code="4-07-05", phone="13812345679", prefer=["sms"])
    far = make_seeker(3, name="黄海", district="同安区", street="大同街道", code="4-09-07", phone="13812345670",
                      prefer=["sms"])
    course("保洁员培训", code="4-09-07")
    course("保安员培训", code="4-07-05")
    course("电工培训（湖里）", district="湖里区", code="4-09-07")
    course("已开课的保洁培训", code="4-09-07", starts_on=TODAY - timedelta(days=1))
    course("创业培训（全市）", district=None)
    assert training.offer_due(NOW) == 3
    assert offers() == [(cleaner.id, "保洁员培训"), (guard.id, "保安员培训"), (far.id, "创业培训（全市）")]
    d = Session.scalar(select(Delivery).where(Delivery.dedupe_key == f"training:{cleaner.id}:"
                                              f"{Session.scalar(select(TrainingCourse.id).where(TrainingCourse.title == '保洁员培训'))}"))
    assert d.purpose == "training" and "保洁员培训" in d.content["text"] and "3月16日开课" in d.content["text"]
    assert "退订" in d.content["text"]


def test_a_seeker_is_offered_one_course_a_year_and_a_run_again_sends_nothing(app):
    make_seeker(1, phone="13812345678", prefer=["sms"])
    course("保洁员培训", code="4-09-07")
    assert training.offer_due(NOW) == 1
    course("家政服务员培训", code="4-09-07", starts_on=None)  # a new course the same year: not offered again
    assert training.offer_due(NOW) == 0
    assert training.offer_due(NOW + timedelta(days=1)) == 0
    assert Session.scalar(select(func.count()).select_from(Delivery)) == 1
    # The next year the seeker gets a course they were never offered.
    assert training.offer_due(datetime(2027, 1, 5, 2, 0)) == 1
    assert [title for _, title in offers()] == ["保洁员培训", "家政服务员培训"]


def test_a_seeker_offered_in_person_this_year_gets_no_push(app):
    seeker = make_seeker(1, phone="13812345678", prefer=["sms"])
    first = course("保洁员培训", code="4-09-07")
    Session.add(TrainingOffer(seeker_id=seeker.id, course_id=first.id, via="in_person", offered_at=NOW))
    Session.commit()
    course("家政服务员培训", code="4-09-07")
    assert training.offer_due(NOW) == 0
    assert Session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_an_offer_that_could_not_reach_the_seeker_is_followed_by_another_course(app):
    make_seeker(1, phone=None, prefer=["sms"])  # no phone: the SMS push ends undeliverable
    course("保洁员培训", code="4-09-07")
    course("家政服务员培训", code="4-09-07")
    assert training.offer_due(NOW) == 1
    [d] = Session.scalars(select(Delivery)).all()
    assert deliver(app, d.id).state == "undeliverable"
    assert training.offer_due(NOW + timedelta(days=1)) == 1
    assert [title for _, title in offers()] == ["保洁员培训", "家政服务员培训"]


def test_the_job_pushes_by_sms_and_the_ledger_counts_the_offer_once_delivered(app, fake_sms):
    seeker = make_seeker(1, phone="13812345678", prefer=["sms"])
    course("保洁员培训", code="4-09-07", starts_on=date.today() + timedelta(days=30))
    assert jobs.training_offers() == 1  # the cron's job, on today's clock
    [offer] = Session.scalars(select(TrainingOffer)).all()
    assert offer.via == "push" and offer.delivery_id
    year = offer.offered_at.year
    assert [line.trainings for line in ledger.lines(year)] == [0]  # recorded, not yet delivered
    assert deliver(app, offer.delivery_id).state == "sent"
    [sms] = fake_sms.messages("13812345678")
    assert "保洁员培训" in sms["text"]
    assert [line.trainings for line in ledger.lines(year)] == [1]
    assert ledger.lines(year)[0].seeker_id == seeker.id
