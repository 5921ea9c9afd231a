"""The dashboard counted by the database, its charts, and the daily overdue report at size."""
from __future__ import annotations

import csv
import io
import re
import tracemalloc
from datetime import timedelta

from sqlalchemy import insert

from models import Application, Escalation, Session, utcnow
from review import dashboard, overdue, routing
from tests.review.fixtures import make_application, make_staff
from tests.staff.conftest import log_in


def _decided(days: float, district: str = "思明区", openid: str = "o-d") -> None:
    application = make_application("approved", district=district, openid=openid)
    application.submitted_at = utcnow() - timedelta(days=days)
    application.decided_at = utcnow()
    Session.commit()


def test_median_and_longest_time_to_decision(app):
    reviewer = make_staff()
    for n, days in enumerate([4, 10, 30, 6]):
        _decided(days, openid=f"o-{n}")
    _decided(100, district="湖里区", openid="o-other")  # another district's
    figures = dashboard.summary(reviewer)
    assert (figures["decisions"], figures["decision_days_median"], figures["decision_days_max"]) == (4, 8.0, 30.0)
    _decided(2, openid="o-5")  # five now: the middle one
    assert dashboard.summary(reviewer)["decision_days_median"] == 6.0


def test_first_response_median_counts_only_answered_cases(app):
    reviewer = make_staff()
    now = utcnow()
    Session.add_all([Escalation(district="思明区", kind="human", created_at=now - timedelta(hours=h),
                                first_response_at=now) for h in (1, 3)]
                    + [Escalation(district="思明区", kind="human", created_at=now - timedelta(hours=50))])
    Session.commit()
    figures = dashboard.summary(reviewer)
    assert figures["first_response_hours_median"] == 2.0 and figures["escalations_open"] == 3


def test_an_admin_counts_the_whole_city(app):
    admin = make_staff("city", role="admin", district="厦门市")
    make_application("submitted")
    make_application("submitted", district="湖里区", openid="o-2")
    make_application("draft", openid="o-3")
    figures = dashboard.summary(admin)
    assert figures["pending"] == 2
    assert {b["label"]: b["count"] for b in figures["by_district"]} == {
        "思明区": 1, "湖里区": 1, "集美区": 0, "海沧区": 0, "同安区": 0, "翔安区": 0}


def test_the_charts_are_inline_svg_with_chinese_labels_and_no_script(app, client):
    make_staff("lead")
    make_application("submitted", programme="tekun")
    make_application("in_review", days_ago=70, openid="o-2", street="中华街道")  # overdue
    _decided(12, openid="o-3")
    log_in(client, "lead")
    page = client.get("/staff/dashboard").get_data(as_text=True)
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) == 3
    weekly, decision, late = svgs
    assert "特困" in weekly and "低保" in weekly and "提交的周" in weekly
    assert "11–20天" in decision
    assert "中华街道" in late
    assert "<script" not in page and "<style" not in page and 'style="' not in page
    css = client.get("/staff/charts.css")
    assert css.status_code == 200 and "#chart-weekly" in css.get_data(as_text=True)
    assert "WenQuanYi Micro Hei" in css.get_data(as_text=True)


def _overdue_applications(n: int, district: str = "思明区") -> None:
    """n open applications past their deadline, inserted in bulk as a city's would be."""
    now = utcnow()
    Session.execute(insert(Application), [
        {"programme": "dibao", "form_id": "dibao", "state": "in_review", "district": district,
         "street": "鹭江街道", "openid": f"o-{i}", "applicant_name": "陈小明",
         "situation": {"members": [{"age": 40}] * 6}, "verdict": {"x": "y" * 2000},
         "submitted_at": now - timedelta(days=90), "deadline_at": now - timedelta(days=1 + i % 40)}
        for i in range(n)])
    Session.commit()


def test_the_overdue_report_lists_fifty_counts_all_and_streams_the_rest(app, client):
    make_staff("lead")
    _overdue_applications(3000)
    make_application("submitted", days_ago=1, openid="o-fresh")  # not late
    tracemalloc.start()
    counts = overdue.publish()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert counts == {"思明区": 3000}
    # Columns in chunks: a few MB, where 3,000 whole rows with their JSON would be tens of MB.
    assert peak < 8 * 1024 * 1024, peak
    report = routing.latest_report("思明区")
    assert report["count"] == 3000 and len(report["items"]) == overdue.SHOWN
    assert report["items"][0]["days_over"] >= report["items"][-1]["days_over"]  # earliest deadline first

    log_in(client, "lead")
    page = client.get("/staff/dashboard").get_data(as_text=True)
    assert "本区共有 <strong>3,000</strong> 份申请超过办理时限，下面是时限最早的 50 份" in page
    assert page.count('href="/staff/applications/') == 50
    response = client.get("/staff/dashboard/overdue.csv")
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["申请编号", "救助项目", "状态"] and len(rows) == 3001
    assert {row[1] for row in rows[1:]} == {"最低生活保障（低保）"}


def test_the_next_report_replaces_the_last(app):
    _overdue_applications(5)
    overdue.publish()
    Session.query(Application).update({"state": "approved"})
    Session.commit()
    assert overdue.publish() == {}
    assert routing.latest_report("思明区")["count"] == 0
    assert len(list(overdue.csv_lines("思明区"))) == 1  # the header alone


def test_another_districts_csv_is_not_a_teams_to_read(app, client):
    make_staff("lead")
    _overdue_applications(3, district="湖里区")
    overdue.publish()
    log_in(client, "lead")
    body = client.get("/staff/dashboard/overdue.csv", query_string={"district": "湖里区"}).get_data(as_text=True)
    assert body.count("\n") == 1  # 思明区's own (empty) list: the query cannot name another


def test_a_dashboard_with_nothing_yet_says_so(app, client):
    make_staff("lead")
    log_in(client, "lead")
    response = client.get("/staff/dashboard")
    assert response.status_code == 200 and "暂无数据" in response.get_data(as_text=True)
