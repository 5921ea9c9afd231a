"""Identity and phone numbers residents typed (a chat transcript, a clue, a visit's notes)
are shown whole only to staff who may see them whole (reviewers, admins, caseworkers of the
household's street), and every whole view is in the audit log; everyone else, every list,
the ledger export and the audit log see them masked."""
import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

import review
from models import AuditEntry, Household, Session, Visit
from review import intake
from tests.review.fixtures import ID_NUMBER, PHONE, make_application, make_staff
from tests.staff.conftest import log_in

SAID = f"我的身份证号是{ID_NUMBER}，电话{PHONE}"
MASKED_ID, MASKED_PHONE = "350***********1234", "138****5678"


def _views():
    """(action, object type) of every view in the audit log, in order."""
    return Session.execute(select(AuditEntry.action, AuditEntry.object_type)
                           .where(AuditEntry.action.like("view_%")).order_by(AuditEntry.id)).all()


def _whole(page: str) -> bool:
    return ID_NUMBER in page or PHONE in page


@pytest.fixture
def urgent_case(app):
    """A resident of 中华街道 said something urgent, typing their numbers into the chat."""
    application = make_application("submitted", street="中华街道")
    return review.escalate_from_chat("o-resident", "urgent", SAID, [
        {"from": "居民", "text": "低保"}, {"from": "居民", "text": SAID}], application_id=application.id)


def test_a_caseworker_of_another_street_reads_the_transcript_masked(client, urgent_case):
    make_staff("luj", role="caseworker", street="鹭江街道")
    log_in(client, "luj")
    page = client.get(f"/staff/escalations/{urgent_case.id}").get_data(as_text=True)
    assert f"我的身份证号是{MASKED_ID}，电话{MASKED_PHONE}" in page and "低保" in page
    assert not _whole(page) and "号码已遮盖" in page
    assert _views() == [("view_escalation", "escalation")]


@pytest.mark.parametrize("who, role, street", [("zhonghua", "caseworker", "中华街道"), ("lin", "reviewer", None),
                                               ("city", "admin", None)])
def test_staff_who_may_see_numbers_read_them_whole_and_the_view_is_audited(client, urgent_case, who, role, street):
    staff = make_staff(who, role=role, street=street, district="厦门市" if role == "admin" else "思明区")
    log_in(client, who)
    page = client.get(f"/staff/escalations/{urgent_case.id}").get_data(as_text=True)
    assert SAID in page and MASKED_ID not in page
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "view_pii"))
    assert (entry.staff_id, entry.object_type, entry.object_id) == (staff.id, "escalation", urgent_case.id)
    assert ID_NUMBER not in str(entry.detail)
    assert _views() == [("view_pii", "escalation")]


def test_notes_and_the_resolution_are_masked_too(client, urgent_case):
    zhonghua = make_staff("zhonghua", role="caseworker", street="中华街道")
    review.escalations.add_note(urgent_case, zhonghua, f"已联系，备用电话{PHONE}")
    review.escalations.resolve(urgent_case, zhonghua, f"已核实身份证{ID_NUMBER}，临时救助")
    make_staff("luj", role="caseworker", street="鹭江街道")
    log_in(client, "luj")
    page = client.get(f"/staff/escalations/{urgent_case.id}").get_data(as_text=True)
    assert f"备用电话{MASKED_PHONE}" in page and f"已核实身份证{MASKED_ID}" in page and not _whole(page)


def test_a_case_without_an_application_takes_the_street_of_the_household(client, app):
    home = Household(district="思明区", street="中华街道")
    Session.add(home)
    Session.commit()
    case = review.escalate_from_chat("o-x", "human", "居民请求人工服务", [{"from": "居民", "text": SAID}],
                                     district="思明区")
    case.household_id = home.id
    Session.commit()
    make_staff("zhonghua", role="caseworker", street="中华街道")
    make_staff("luj", role="caseworker", street="鹭江街道")
    log_in(client, "zhonghua")
    assert SAID in client.get(f"/staff/escalations/{case.id}").get_data(as_text=True)
    other = app.test_client()
    log_in(other, "luj")
    assert not _whole(other.get(f"/staff/escalations/{case.id}").get_data(as_text=True))


def test_the_list_of_cases_masks_the_reason_even_for_a_reviewer(client, urgent_case):
    make_staff("lin")
    log_in(client, "lin")
    page = client.get("/staff/escalations").get_data(as_text=True)
    assert f"/staff/escalations/{urgent_case.id}" in page and "350****" in page and not _whole(page)


def test_the_clue_page_masks_the_subjects_phone_for_a_caseworker(client, app):
    # As the chat files it: the person's phone inside the description, no street yet.
    clue = intake.report_clue("o-volunteer", {
        "subject_name": "陈阿婆", "subject_phone": PHONE, "district": "思明区", "what": "独居，行动不便",
        "reporter_phone": "13900000001"})
    make_staff("luj", role="caseworker", street="鹭江街道")
    make_staff("lin")
    log_in(client, "luj")
    page = client.get(f"/staff/clues/{clue.id}").get_data(as_text=True)
    assert f"联系电话：{MASKED_PHONE}" in page and "139****0001" in page and "独居，行动不便" in page
    assert PHONE not in page and "13900000001" not in page
    reviewer = app.test_client()
    log_in(reviewer, "lin")
    page = reviewer.get(f"/staff/clues/{clue.id}").get_data(as_text=True)
    assert f"联系电话：{PHONE}" in page and "13900000001" in page
    assert _views() == [("view_clue", "clue"), ("view_pii", "clue")]


def _visit(street="鹭江街道", **text):
    home = Household(district="思明区", street=street)
    Session.add(home)
    Session.flush()
    visit = Visit(household_id=home.id, district="思明区", street=street, visit_date=date(2026, 3, 5),
                  **{"visitors": "林晓", **text})
    Session.add(visit)
    Session.commit()
    return visit


def _csv(client, query=""):
    response = client.get(f"/staff/visits.csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_ledger_export_never_runs_a_formula(client, app):
    # A street typed in the chat and notes pasted from elsewhere: a spreadsheet would run these.
    _visit(street="=HYPERLINK(\"http://evil\",\"点我\")", visitors="+林晓", findings="-2+3", needs="@SUM(A1)")
    _visit(street="鹭江街道", visitors="\t=1+1", findings="\r=1+1", needs="正常的需求")
    make_staff("lin")
    log_in(client, "lin")
    rows = _csv(client)
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil\",\"点我\")" in cells
    assert {"'+林晓", "'-2+3", "'@SUM(A1)", "'\t=1+1", "'\r=1+1", "正常的需求", "鹭江街道"} <= set(cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_the_ledger_masks_numbers_unless_the_viewer_may_see_them(client, app):
    ours = _visit(street="鹭江街道", findings=f"户主身份证{ID_NUMBER}", needs=f"联系{PHONE}")
    _visit(street="中华街道", findings=f"邻居电话{PHONE}")
    make_staff("luj", role="caseworker", street="鹭江街道")
    log_in(client, "luj")
    cells = [cell for row in _csv(client) for cell in row]
    assert f"户主身份证{ID_NUMBER}" in cells and f"联系{PHONE}" in cells  # their own street
    assert not any("邻居电话" in cell for cell in cells)  # another street is not their ledger
    page = client.get("/staff/visits").get_data(as_text=True)
    assert f"户主身份证{ID_NUMBER}" in page and "邻居电话" not in page
    # A caseworker of the district without a street sees every street, numbers masked.
    make_staff("d", role="caseworker")
    log_in(client, "d")
    cells = [cell for row in _csv(client) for cell in row]
    assert f"邻居电话{MASKED_PHONE}" in cells and f"联系{MASKED_PHONE}" in cells
    assert not any(PHONE in cell or ID_NUMBER in cell for cell in cells)
    entries = Session.scalars(select(AuditEntry).where(AuditEntry.action.in_(("view_pii", "export_ledger")))
                              .order_by(AuditEntry.id)).all()
    assert [(e.action, e.detail.get("visits")) for e in entries] == [
        ("view_pii", [ours.id]), ("export_ledger", None), ("view_pii", [ours.id]), ("export_ledger", None)]


def test_the_household_page_masks_numbers_in_visit_notes(client, app):
    visit = _visit(street="中华街道", findings=f"户主电话{PHONE}")
    make_staff("luj", role="caseworker", street="鹭江街道")
    log_in(client, "luj")
    page = client.get(f"/staff/households/{visit.household_id}").get_data(as_text=True)
    assert f"户主电话{MASKED_PHONE}" in page and PHONE not in page


def test_the_audit_log_never_shows_a_whole_number(client, app):
    make_staff("city", role="admin", district="厦门市")
    log_in(client, "city")
    client.get(f"/staff/visits.csv?street={PHONE}")  # a filter typed into the address bar
    stored = Session.scalar(select(AuditEntry).where(AuditEntry.action == "export_ledger"))
    assert stored.detail["street"] == MASKED_PHONE
    # An entry written before numbers were masked on the way in is masked on the way out.
    Session.add(AuditEntry(staff_name="old", action="view_case", detail={"note": ID_NUMBER}))
    Session.commit()
    page = client.get("/staff/audit").get_data(as_text=True)
    assert f"note={MASKED_ID}" in page and f"street={MASKED_PHONE}" in page and not _whole(page)
