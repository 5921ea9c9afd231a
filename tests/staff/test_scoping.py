"""A reviewer of one district cannot open, list or count another district's cases: every
list, page and action answers as if the case did not exist."""
from datetime import date

import pytest

import review
from models import ApplicationDocument, Clue, Escalation, Household, Session, Visit
from tests.review.fixtures import make_application, make_staff, store_photo
from tests.staff.conftest import log_in


@pytest.fixture
def world(app):
    """The same kinds of records in 思明区 (ours) and 湖里区 (theirs)."""
    make_staff("siming")
    make_staff("city", role="admin", district="厦门市")
    records = {}
    for side, district, street, openid in (("ours", "思明区", "鹭江街道", "o-ours"),
                                           ("theirs", "湖里区", "殿前街道", "o-theirs")):
        application = make_application("in_review", district=district, street=street, openid=openid,
                                       days_ago=60)
        document = ApplicationDocument(application_id=application.id, item_id="id_card", member=0,
                                       media_file_id=store_photo(app, openid=openid).id, state="received")
        Session.add(document)
        household = Household(district=district, street=street)
        Session.add(household)
        Session.flush()
        visit = Visit(household_id=household.id, district=district, street=street, visit_date=date(2026, 3, 1),
                      visitors=f"{side}-visitors")
        clue = Clue(district=district, street=street, description=f"{side} clue")
        Session.add_all([visit, clue])
        Session.commit()
        case = review.escalate_from_chat(openid, "human", f"{side} case", [], application_id=application.id)
        records[side] = {"application": application.id, "document": document.id, "household": household.id,
                         "clue": clue.id, "case": case.id}
    records["city_case"] = review.escalate_from_chat("o-nowhere", "urgent", "city case", []).id
    return records


def _pages(r):
    return [f"/staff/applications/{r['application']}", f"/staff/applications/{r['application']}/documents/{r['document']}",
            f"/staff/escalations/{r['case']}", f"/staff/households/{r['household']}", f"/staff/clues/{r['clue']}"]


def _posts(r):
    a, c = r["application"], r["case"]
    return [(f"/staff/applications/{a}/{action}", data) for action, data in (
        ("claim", {}), ("assign", {"assignee": "1"}), ("approve", {"amount": "1"}), ("reject", {"reason": "x"}),
        ("request-documents", {"items": "hukou_book"}), ("escalate", {"reason": "x"}))] + [
        (f"/staff/escalations/{c}/{action}", data) for action, data in (
            ("notes", {"text": "x"}), ("participants", {"name": "x"}), ("message", {"text": "x"}),
            ("resolve", {"resolution": "x"}))] + [
        (f"/staff/households/{r['household']}/visits", {"visit_date": "2026-03-01", "visitors": "x"}),
        (f"/staff/clues/{r['clue']}/close", {"reason": "x"}),
        (f"/staff/clues/{r['clue']}/triage", {"visit_date": "2026-03-01", "visitors": "x"})]


def test_another_districts_pages_and_actions_are_404(client, world):
    log_in(client, "siming")
    for url in _pages(world["theirs"]) + [f"/staff/escalations/{world['city_case']}"]:
        assert client.get(url).status_code == 404, url
    assert client.get(f"/staff/households?id={world['theirs']['household']}", follow_redirects=True).status_code == 404
    for url, data in _posts(world["theirs"]):
        assert client.post(url, data=data).status_code == 404, url
    # Nothing was changed by any of those attempts.
    assert Session.get(Clue, world["theirs"]["clue"]).state == "new"
    assert Session.get(Escalation, world["theirs"]["case"]).notes == []
    for url in _pages(world["ours"]):
        assert client.get(url).status_code == 200, url


def test_another_districts_cases_are_neither_listed_nor_counted(client, world):
    log_in(client, "siming")
    ours, theirs = world["ours"], world["theirs"]
    queue = client.get("/staff/queue?state=all&district=湖里区").get_data(as_text=True)
    assert f'/staff/applications/{ours["application"]}"' in queue
    assert f'/staff/applications/{theirs["application"]}"' not in queue
    assert "共 1 份" in queue and "审核中 1" in queue and "湖里区" not in queue
    overdue = client.get("/staff/queue?overdue=1").get_data(as_text=True)
    assert "共 1 份" in overdue

    cases = client.get("/staff/escalations?state=all").get_data(as_text=True)
    assert f'/staff/escalations/{ours["case"]}"' in cases
    assert f'/staff/escalations/{theirs["case"]}"' not in cases
    assert f'/staff/escalations/{world["city_case"]}"' not in cases and "处理中 1" in cases

    ledger = client.get("/staff/visits").get_data(as_text=True)
    assert "ours-visitors" in ledger and "theirs-visitors" not in ledger
    csv = client.get("/staff/visits.csv").get_data(as_text=True)
    assert "ours-visitors" in csv and "theirs-visitors" not in csv

    clues = client.get("/staff/clues").get_data(as_text=True)
    assert f'/staff/clues/{ours["clue"]}"' in clues and f'/staff/clues/{theirs["clue"]}"' not in clues
    assert "待处理 1" in clues

    dashboard = client.get("/staff/dashboard").get_data(as_text=True)
    assert "湖里区" not in dashboard
    assert '<div class="big">1</div>' in dashboard  # one pending, not two


def test_the_city_admin_sees_every_district(client, world):
    log_in(client, "city")
    for side in ("ours", "theirs"):
        for url in _pages(world[side]):
            assert client.get(url).status_code == 200, url
    assert client.get(f"/staff/escalations/{world['city_case']}").status_code == 200
    queue = client.get("/staff/queue?state=all").get_data(as_text=True)
    assert "共 2 份" in queue
    only_huli = client.get("/staff/queue?state=all&district=湖里区").get_data(as_text=True)
    assert "共 1 份" in only_huli and f'/staff/applications/{world["theirs"]["application"]}"' in only_huli


def test_only_admins_search_the_audit_log(client, world):
    log_in(client, "siming")
    assert client.get("/staff/audit").status_code == 403
    client.post("/staff/logout")
    log_in(client, "city")
    page = client.get("/staff/audit?action=login").get_data(as_text=True)
    assert "共 2 条" in page and "siming" in page
