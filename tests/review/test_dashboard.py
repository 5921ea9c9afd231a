"""The dashboard's figures, counted within the viewer's scope."""
from datetime import timedelta

from models import Session, utcnow
from review import dashboard
from tests.review.fixtures import make_application, make_staff


def test_figures_of_a_district_and_of_the_city(app):
    reviewer = make_staff()
    admin = make_staff("city", role="admin", district="厦门市")
    make_application("submitted")
    make_application("in_review", days_ago=60, openid="o-2")  # overdue
    decided = make_application("approved", programme="jiaoyu", openid="o-3")
    decided.submitted_at, decided.decided_at = utcnow() - timedelta(days=10), utcnow()
    make_application("submitted", district="湖里区", openid="o-4")
    make_application("draft", openid="o-5")  # the resident's, not staff's
    Session.commit()

    mine = dashboard.summary(reviewer)
    assert (mine["pending"], mine["overdue"], mine["decisions"]) == (2, 1, 1)
    assert mine["decision_days_median"] == 10.0
    assert [(b["label"], b["count"]) for b in mine["by_district"]] == [("思明区", 3)]
    states = {b["label"]: b["count"] for b in mine["by_state"]}
    assert states["已提交，等待审核"] == 1 and states["审核中"] == 1 and "草稿（还没提交）" not in states
    assert {b["label"]: b["percent"] for b in mine["by_programme"]} == {"教育救助": 50, "最低生活保障（低保）": 100}

    city = dashboard.summary(admin)
    assert city["pending"] == 3
    assert {b["label"]: b["count"] for b in city["by_district"]}["湖里区"] == 1
    assert len(city["by_district"]) == 6
