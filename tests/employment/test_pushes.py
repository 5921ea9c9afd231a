"""Digests to seekers: several matches in one message, at most N a week, never twice."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from employment import data, matching
from models import Delivery, Recommendation, Session, utcnow
from tasks import employment as jobs

from .builders import make_opening, make_seeker


def test_matches_are_joined_into_one_digest_per_seeker(app):
    seeker = make_seeker(1, openid="o-seeker", prefer=["sms", "email"], phone="13812345678")
    make_opening("小区保洁员")
    make_opening("商场保洁员", street="中华街道")
    matching.recommend()
    Session.commit()
    assert jobs.push_due() == 1
    [d] = Session.scalars(select(Delivery)).all()
    assert d.purpose == "jobs" and d.prefer == "sms,email" and d.dedupe_key.startswith(f"digest:{seeker.id}:")
    assert "小区保洁员" in d.content["text"] and "商场保洁员" in d.content["text"] and "退订" in d.content["text"]
    assert set(Session.scalars(select(Recommendation.delivery_id))) == {d.id}
    assert jobs.push_due() == 0  # nothing new: nothing sent again
    assert Session.scalar(select(func.count()).select_from(Delivery)) == 1


def test_no_more_than_the_weekly_number_of_pushes(app):
    make_seeker(1, openid="o-seeker")
    cap = data.params()["pushes_per_week"]
    for n in range(cap + 1):
        make_opening(f"保洁员{n}号岗")
        matching.recommend(now=utcnow() + timedelta(minutes=n))  # a new opening, matched as it comes
        Session.commit()
        jobs.push_due()
    assert Session.scalar(select(func.count()).select_from(Delivery)) == cap
    waiting = Session.scalar(select(func.count()).select_from(Recommendation).where(Recommendation.delivery_id.is_(None)))
    assert waiting == 1
