"""The 1-1-2 ledger counts only what reached the seeker."""
from __future__ import annotations

from datetime import date, datetime

from employment import ledger
from models import Delivery, Household, Recommendation, SeekerVisit, Session, TrainingCourse, TrainingOffer, Visit

from .builders import make_opening, make_seeker

IN_2026 = datetime(2026, 5, 10, 2, 0)


def delivery(state: str) -> Delivery:
    d = Delivery(contact={"openid": "o-seeker"}, purpose="jobs", content={"text": "推荐岗位"}, prefer="wechat",
                 state=state, channel="sms" if state == "sent" else None)
    Session.add(d)
    Session.flush()
    return d


def recommend(seeker, opening, d: Delivery | None, at: datetime = IN_2026):
    Session.add(Recommendation(seeker_id=seeker.id, opening_id=opening.id, score=0.9, reason="离家近",
                               delivery_id=d.id if d else None, pushed_at=at if d else None))
    Session.flush()


def test_one_delivered_and_one_failed_push_count_one(app):
    seeker = make_seeker(1)
    recommend(seeker, make_opening("保洁员"), delivery("sent"))
    recommend(seeker, make_opening("保安员", code="4-07-05"), delivery("failed"))
    recommend(seeker, make_opening("绿化工", code="4-09-10"), None)  # matched, never pushed
    Session.commit()
    [line] = ledger.lines(2026)
    assert line.recommendations == 1
    assert line.short(ledger.need()) == ["走访", "培训", "推荐"]


def test_a_year_counts_only_its_own_pushes(app):
    seeker = make_seeker(1)
    recommend(seeker, make_opening("保洁员"), delivery("sent"), at=datetime(2025, 12, 31, 16, 30))  # 00:30 on 1 January 2026 in Xiamen
    recommend(seeker, make_opening("保安员", code="4-07-05"), delivery("sent"), at=datetime(2025, 12, 31, 10, 0))  # 18:00 on 31 December
    Session.commit()
    assert [line.recommendations for line in ledger.lines(2026)] == [1]
    assert [line.recommendations for line in ledger.lines(2025)] == [1]


def test_visits_and_trainings_complete_the_year(app):
    seeker = make_seeker(1)
    home = Household(district="思明区", street="鹭江街道")
    Session.add(home)
    Session.flush()
    visit = Visit(household_id=home.id, district="思明区", street="鹭江街道", visit_date=date(2026, 3, 2),
                  visitors="王社工")
    course = TrainingCourse(title="家政服务员培训", district="思明区")
    Session.add_all([visit, course])
    Session.flush()
    Session.add_all([SeekerVisit(seeker_id=seeker.id, visit_id=visit.id),
                     TrainingOffer(seeker_id=seeker.id, course_id=course.id, via="in_person", offered_at=IN_2026)])
    for title in ("保洁员", "保洁员（晚班）"):
        recommend(seeker, make_opening(title, street="中华街道" if "晚" in title else "鹭江街道"), delivery("sent"))
    Session.commit()
    [line] = ledger.lines(2026)
    assert (line.visits, line.trainings, line.recommendations) == (1, 1, 2)
    assert line.short(ledger.need()) == []
    [street] = ledger.behind(2026)
    assert street["street"] == "鹭江街道" and street["done"] == 1 and street["recommendations"] == 0
