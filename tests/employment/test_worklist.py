"""The caseworkers' daily worklist: per street, who is still short of this year's 1-1-2 and
what is missing, built every morning and read by the 112台账 page."""
from __future__ import annotations


from employment import ledger
from models import Delivery, Household, Recommendation, SeekerVisit, Session, TrainingCourse, TrainingOffer, Visit, utcnow
from review.routing import local_date
from tasks import employment as jobs
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in

from .builders import make_opening, make_seeker


def visit(seeker) -> None:
    home = Household(district=seeker.district, street=seeker.street)
    Session.add(home)
    Session.flush()
    v = Visit(household_id=home.id, district=seeker.district, street=seeker.street,
              visit_date=local_date(utcnow()), visitors="王社工")
    Session.add(v)
    Session.flush()
    Session.add(SeekerVisit(seeker_id=seeker.id, visit_id=v.id))
    Session.commit()


def training(seeker) -> None:
    course = TrainingCourse(title="保洁员培训", district=seeker.district)
    Session.add(course)
    Session.flush()
    Session.add(TrainingOffer(seeker_id=seeker.id, course_id=course.id, via="in_person", offered_at=utcnow()))
    Session.commit()


def delivered_recommendations(seeker, n: int) -> None:
    for i in range(n):
        d = Delivery(contact={"phone": "13812345678"}, purpose="jobs", content={"text": "推荐岗位"}, prefer="sms",
                     state="sent", channel="sms")
        Session.add(d)
        Session.flush()
        opening = make_opening(f"保洁员{seeker.id}-{i}号岗")
        Session.add(Recommendation(seeker_id=seeker.id, opening_id=opening.id, score=0.9, reason="离家近",
                                   delivery_id=d.id, pushed_at=utcnow()))
    Session.commit()


def test_the_worklist_lists_who_is_behind_on_a_street_and_what_is_missing(app):
    nothing = make_seeker(1, name="陈美玲")
    done = make_seeker(2, name="林志强")
    visit(done)
    training(done)
    delivered_recommendations(done, 2)
    one_rec = make_seeker(3, name="黄海")
    visit(one_rec)
    training(one_rec)
    delivered_recommendations(one_rec, 1)
    kunnan = make_seeker(4, name="王芳", jiuye_kunnan=True)
    make_seeker(5, name="李强", street="中华街道")  # another street
    items = ledger.worklist("思明区", "鹭江街道", local_date(utcnow()))
    # The most behind first, a 就业困难人员 first among equals; who is on track is not listed.
    assert [item["seeker_id"] for item in items] == [kunnan.id, nothing.id, one_rec.id]
    assert items[1]["missing"] == ["还没有上门走访", "还没有培训机会", "岗位推荐送达0次，少于2次"]
    assert items[2]["missing"] == ["岗位推荐送达1次，少于2次"]


def test_the_morning_job_keeps_each_streets_list_and_the_ledger_page_shows_it(app, client):
    make_staff("cw", role="caseworker", district="思明区", street="鹭江街道")
    make_seeker(1, name="陈美玲", phone="13812345678")
    later = make_seeker(2, name="林志强")
    make_seeker(3, name="李强", district="集美区", street="杏林街道")
    counts = jobs.worklists()  # the cron job
    assert counts["思明区"] == 2 and counts["集美区"] == 1
    log_in(client, "cw")
    ledger_page = client.get("/staff/jobs/ledger").get_data(as_text=True)
    assert "/staff/jobs/worklist?district=" in ledger_page and "待办名单" in ledger_page
    page = client.get("/staff/jobs/worklist", query_string={"district": "集美区", "street": "鹭江街道"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "思明区 鹭江街道" in text  # a caseworker sees only their own district
    assert "陈**" in text and "林**" in text and "还没有上门走访" in text
    assert "138****5678" in text and "陈美玲" not in text and "13812345678" not in text
    assert "李**" not in text
    # Done during the day: the page keeps the morning's list until the next morning's job.
    visit(later)
    training(later)
    delivered_recommendations(later, 2)
    assert "林**" in client.get("/staff/jobs/worklist?street=鹭江街道").get_data(as_text=True)
    jobs.worklists()
    text = client.get("/staff/jobs/worklist?street=鹭江街道").get_data(as_text=True)
    assert "林**" not in text and "陈**" in text


def test_before_the_first_morning_job_the_page_builds_the_list_itself(app, client):
    make_staff("admin", role="admin", district="厦门市")
    make_seeker(1, name="陈美玲", district="湖里区", street="殿前街道")
    log_in(client, "admin")
    text = client.get("/staff/jobs/worklist?district=湖里区&street=殿前街道").get_data(as_text=True)
    assert "陈**" in text and "还没有上门走访" in text
    assert client.get("/staff/jobs/worklist?district=不存在区").status_code == 302
