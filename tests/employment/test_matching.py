"""Matching: who is told about which opening, in what order, and why."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from employment import data, matching
from models import Opening, Recommendation, Session, utcnow

from .builders import make_opening, make_seeker


def recommended() -> set[tuple[int, int]]:
    return set(Session.execute(select(Recommendation.seeker_id, Recommendation.opening_id)).all())


def test_hard_filters_keep_out_what_the_seeker_cannot_take(app):
    seeker = make_seeker(1, education="junior", hours_per_week=40, birth_year=date.today().year - 50)
    good = make_opening("小区保洁员")
    far = make_opening("保洁员", district="翔安区", street="大嶝街道")
    too_old = make_opening("酒店保洁", age_max=45, street="中华街道")
    degree = make_opening("保洁主管", education_min="bachelor", street="厦港街道")
    long_hours = make_opening("夜班保洁", hours_per_week=60, street="开元街道")
    expired = make_opening("商场保洁", valid_until=date.today() - timedelta(days=1), street="梧村街道")
    full = make_opening("写字楼保洁", positions=1, filled=1, street="筼筜街道")
    matching.recommend()
    Session.commit()
    got = {opening for _, opening in recommended()}
    assert good.id in got
    assert not got & {far.id, too_old.id, degree.id, long_hours.id, expired.id, full.id}
    assert seeker.id in {s for s, _ in recommended()}


def test_a_district_the_seeker_named_is_not_too_far(app):
    seeker = make_seeker(1, work_districts=["翔安区"])
    far = make_opening("保洁员", district="翔安区", street="大嶝街道")
    matching.recommend()
    assert (seeker.id, far.id) in recommended()


def test_closer_occupation_and_nearer_place_rank_first_with_a_reason(app):
    seeker = make_seeker(1, code="4-09-07", wage_min=3000)
    same_code = make_opening("保洁员", code="4-09-07", street="鹭江街道", wage_min=3200, wage_max=3600)
    same_group = make_opening("保安员", code="4-07-05", street="鹭江街道")
    other_group = make_opening("电子厂普工", code="6-25-01", street="鹭江街道")
    matching.recommend()
    Session.commit()
    recs = Session.scalars(select(Recommendation).where(Recommendation.seeker_id == seeker.id)
                           .order_by(Recommendation.score.desc())).all()
    assert [r.opening_id for r in recs] == [same_code.id, same_group.id]
    assert other_group.id not in [r.opening_id for r in recs]
    assert "离家近" in recs[0].reason and "工资高于您的期望" in recs[0].reason and "对口" in recs[0].reason


def test_public_welfare_posts_wait_for_people_with_employment_difficulty(app):
    kunnan = make_seeker(1, name="陈美玲", jiuye_kunnan=True)
    other = make_seeker(2, name="林志强", jiuye_kunnan=False)
    post = make_opening("社区保洁（公益性岗位）", public_welfare=True)
    matching.recommend()
    Session.commit()
    assert (kunnan.id, post.id) in recommended()
    assert (other.id, post.id) not in recommended()
    days = data.params()["public_welfare_reserved_days"]
    matching.recommend(now=utcnow() + timedelta(days=days - 1))
    assert (other.id, post.id) not in recommended()
    matching.recommend(now=utcnow() + timedelta(days=days, hours=1))
    Session.commit()
    assert (other.id, post.id) in recommended()


def test_a_public_welfare_post_is_for_a_kunnan_seeker_whatever_their_trade(app):
    kunnan = make_seeker(1, code="6-25-01", jiuye_kunnan=True)
    post = make_opening("社区巡逻", code="4-07-05", public_welfare=True)
    matching.recommend()
    rec = Session.scalar(select(Recommendation).where(Recommendation.seeker_id == kunnan.id))
    assert rec.opening_id == post.id and "公益性岗位优先安排" in rec.reason


def test_never_the_same_opening_twice(app):
    seeker = make_seeker(1)
    first = make_opening("保洁员")
    assert matching.recommend() == 1
    Session.commit()
    assert matching.recommend() == 0
    assert matching.recommend(first.id) == 0
    second = make_opening("保洁员（晚班）", street="中华街道")
    assert matching.recommend(second.id) == 1
    Session.commit()
    assert recommended() == {(seeker.id, first.id), (seeker.id, second.id)}


def test_one_new_opening_finds_its_candidates_only(app):
    near = make_seeker(1, street="鹭江街道")
    make_seeker(2, street="中华街道", code="6-25-01")  # another trade: not a candidate
    old = make_opening("保洁员", street="中华街道")
    new = make_opening("保洁员（新）", street="鹭江街道")
    added = matching.recommend(new.id)
    Session.commit()
    assert added == 1
    assert recommended() == {(near.id, new.id)}
    assert old.id not in {o for _, o in recommended()}


def test_occupation_words_find_codes(app):
    assert data.code_for_words("我想找保洁的工作") == "4-09-07"
    assert data.code_for_words("厨房帮工") == "4-03-02"
    assert data.valid_code("4") and data.valid_code("4-03-02-01")
    assert not data.valid_code("4-77-01") and not data.valid_code("9")
