"""The console as staff use it: what each page shows, what each action does, and what the
audit log and the resident's phone receive."""
import pytest
from sqlalchemy import select, text

import policy
from models import Application, ApplicationDocument, AuditEntry, Clue, Escalation, Household, Session, Visit, db
from tests.review.fixtures import ID_NUMBER, PHONE, make_application, make_staff, pending_photo, reload, \
    store_photo, texts
from tests.staff.conftest import log_in


def _actions():
    return Session.scalars(select(AuditEntry.action).where(AuditEntry.action.not_in(("login",)))
                           .order_by(AuditEntry.id)).all()


def test_identity_and_phone_are_encrypted_at_rest(app):
    make_application("submitted")
    with db.engine().connect() as conn:
        raw = " ".join(str(row) for row in conn.execute(text("SELECT * FROM applications")))
    assert "350203" in ID_NUMBER and ID_NUMBER not in raw and PHONE not in raw and "陈小明" not in raw


def test_a_reviewer_sees_the_whole_numbers_and_the_view_is_audited(app, client):
    reviewer = make_staff("lin")
    application = make_application("submitted")
    log_in(client, "lin")
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert ID_NUMBER in page and PHONE in page and "陈小明" in page
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "view_pii"))
    assert (entry.staff_id, entry.object_id, entry.district) == (reviewer.id, application.id, "思明区")
    assert ID_NUMBER not in str(entry.detail)


def test_a_caseworker_sees_whole_numbers_only_for_their_street(app, client):
    make_staff("street", role="caseworker", street="鹭江街道")
    own = make_application("submitted", street="鹭江街道")
    other = make_application("submitted", street="中华街道", openid="o-2")
    log_in(client, "street")
    assert ID_NUMBER in client.get(f"/staff/applications/{own.id}").get_data(as_text=True)
    page = client.get(f"/staff/applications/{other.id}").get_data(as_text=True)
    assert ID_NUMBER not in page and PHONE not in page and "陈小明" not in page
    assert "350***********1234" in page and "138****5678" in page and "陈**" in page
    assert _actions() == ["view_pii", "view_case"]


def test_caseworkers_cannot_decide(app, client):
    make_staff("street", role="caseworker", street="鹭江街道")
    application = make_application("in_review")
    log_in(client, "street")
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert f"/staff/applications/{application.id}/approve" not in page
    assert f"/staff/applications/{application.id}/escalate" in page  # casework they do
    assert client.post(f"/staff/applications/{application.id}/approve", data={"amount": "1"}).status_code == 403
    assert reload(Application, application.id).state == "in_review"


def test_lists_mask_every_number(app, client):
    make_staff("lin")
    make_application("submitted")
    log_in(client, "lin")
    queue = client.get("/staff/queue").get_data(as_text=True)
    assert "陈**" in queue and ID_NUMBER not in queue and PHONE not in queue and "陈小明" not in queue


def test_queue_filters_and_counts(app, client):
    make_staff("lin")
    late = make_application("submitted", days_ago=60)
    make_application("in_review", programme="weifang", openid="o-2")
    make_application("approved", openid="o-3")
    log_in(client, "lin")
    page = client.get("/staff/queue").get_data(as_text=True)
    assert "待办 2" in page and "已批准 1" in page and "共 2 份" in page
    page = client.get("/staff/queue?programme=weifang").get_data(as_text=True)
    assert "共 1 份" in page and "农村危房改造" in page
    page = client.get("/staff/queue?overdue=1").get_data(as_text=True)
    assert "共 1 份" in page and f'/staff/applications/{late.id}"' in page and "已逾期" in page
    page = client.get("/staff/queue?state=approved").get_data(as_text=True)
    assert "共 1 份" in page


def test_claim_then_only_mine(app, client):
    make_staff("lin")
    mine = make_application("submitted")
    make_application("submitted", openid="o-2")
    log_in(client, "lin")
    response = client.post(f"/staff/applications/{mine.id}/claim", follow_redirects=True)
    assert "已认领" in response.get_data(as_text=True)
    page = client.get("/staff/queue?mine=1").get_data(as_text=True)
    assert "共 1 份" in page and f'/staff/applications/{mine.id}"' in page


def test_a_refused_action_explains_itself(app, client):
    make_staff("lin")
    application = make_application("submitted")
    log_in(client, "lin")
    page = client.post(f"/staff/applications/{application.id}/approve", data={"amount": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "不能批准。只有“审核中”的申请才能作出决定。" in page


def test_request_two_documents_sends_one_message_listing_both(app, client, fake_wechat, run_worker):
    make_staff("lin")
    application = make_application("in_review")
    log_in(client, "lin")
    response = client.post(f"/staff/applications/{application.id}/request-documents",
                           data={"items": ["hukou_book", "income_proof:0"], "note": "请拍清楚"}, follow_redirects=True)
    assert "已通知居民补充材料" in response.get_data(as_text=True)
    run_worker()
    [message] = texts(fake_wechat)
    assert "下面2份材料" in message and "1. 户口簿" in message and "2. 收入证明（申请人本人）" in message
    assert _actions() == ["request_documents", "view_pii"]  # the page shown after it


def test_approve_writes_the_audit_and_tells_the_resident(app, client, fake_wechat, run_worker):
    reviewer = make_staff("lin")
    application = make_application("publicity", days_ago=10)  # 公示 over, nobody objected
    log_in(client, "lin")
    client.post(f"/staff/applications/{application.id}/approve", data={"amount": "1600"})  # the rules' figure
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "approve"))
    assert (entry.staff_id, entry.object_id, entry.detail["amount"]) == (reviewer.id, application.id, "1600.00")
    run_worker()
    assert "每月 1,600 元" in texts(fake_wechat)[0] and "发放方式" in texts(fake_wechat)[0]


def test_reject_from_the_page(app, client, fake_wechat, run_worker):
    make_staff("lin")
    application = make_application("in_review")
    log_in(client, "lin")
    client.post(f"/staff/applications/{application.id}/reject", data={"reason": "家庭财产超过标准。"})
    assert reload(Application, application.id).state == "rejected"
    run_worker()
    assert "原因：家庭财产超过标准。" in texts(fake_wechat)[0]


def test_documents_are_served_only_when_stored_and_each_view_is_audited(app, client):
    make_staff("lin")
    application = make_application("in_review")
    stored = ApplicationDocument(application_id=application.id, item_id="id_card", member=0,
                                 media_file_id=store_photo(app).id, state="received")
    waiting = ApplicationDocument(application_id=application.id, item_id="hukou_book",
                                  media_file_id=pending_photo().id, state="received")
    Session.add_all([stored, waiting])
    Session.commit()
    log_in(client, "lin")
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert f'<img src="/staff/applications/{application.id}/documents/{stored.id}"' in page
    assert "正在从微信下载" in page
    response = client.get(f"/staff/applications/{application.id}/documents/{stored.id}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG") and "no-store" in response.headers["Cache-Control"]
    assert client.get(f"/staff/applications/{application.id}/documents/{waiting.id}").status_code == 404
    other = make_application("in_review", openid="o-2")
    assert client.get(f"/staff/applications/{other.id}/documents/{stored.id}").status_code == 404
    assert _actions().count("view_document") == 1


def test_a_stored_path_outside_the_uploads_is_never_served(app, client):
    make_staff("lin")
    application = make_application("in_review")
    media = store_photo(app)
    media.path = "../test-config.toml"
    document = ApplicationDocument(application_id=application.id, item_id="id_card", member=0,
                                   media_file_id=media.id, state="received")
    Session.add(document)
    Session.commit()
    log_in(client, "lin")
    assert client.get(f"/staff/applications/{application.id}/documents/{document.id}").status_code == 404


def test_the_page_says_when_todays_rules_would_decide_differently(app, client, monkeypatch):
    monkeypatch.setattr(policy, "assess", lambda situation: {
        "programmes": {"dibao": {"eligible": False, "monthly_benefit": 0.0}}, "explanation": [],
        "rules_version": "2026-rules"}, raising=False)
    make_staff("lin")
    application = make_application("in_review", verdict={
        "programmes": {"dibao": {"eligible": True, "monthly_benefit": 1600.0}},
        "explanation": ["人均收入0.00元，低于低保标准800元。"], "rules_version": "2019-rules"})
    log_in(client, "lin")
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "人均收入0.00元，低于低保标准800元。" in page
    assert "按今天的规则（版本 2026-rules），结果会不一样" in page
    assert "<td>是否符合</td><td>是</td><td>否</td>" in page
    assert 'value="1600"' in page  # the form suggests the amount computed at submission, as a person types it


def test_answers_never_repeat_the_applicants_numbers(app, client):
    make_staff("street", role="caseworker", street="中华街道")
    application = make_application("submitted", answers={"hukou_xiamen": True, "phone": PHONE, "any_tekun": False})
    log_in(client, "street")
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "家里有已认定的特困人员" in page and PHONE not in page  # answers by their questions, in Chinese


def test_an_escalation_from_the_page_to_its_resolution(app, client):
    make_staff("lin")
    application = make_application("in_review")
    log_in(client, "lin")
    client.post(f"/staff/applications/{application.id}/escalate", data={"reason": "需要医保局一起商量"})
    case = Session.scalar(select(Escalation))
    assert reload(Application, application.id).escalated
    client.post(f"/staff/escalations/{case.id}/participants", data={"name": "区医保局 王科长"})
    client.post(f"/staff/escalations/{case.id}/notes", data={"text": "医保局同意先行垫付"})
    page = client.get(f"/staff/escalations/{case.id}").get_data(as_text=True)
    assert "区医保局 王科长" in page and "医保局同意先行垫付" in page and "用时" in page
    client.post(f"/staff/escalations/{case.id}/resolve", data={"resolution": "临时救助3000元"})
    assert reload(Escalation, case.id).state == "resolved"
    assert not reload(Application, application.id).escalated
    page = client.get("/staff/escalations?state=resolved").get_data(as_text=True)
    assert f'/staff/escalations/{case.id}"' in page


def test_record_a_visit_then_find_it_in_the_ledger(app, client):
    make_staff("street", role="caseworker", street="鹭江街道")
    household = Household(district="思明区", street="鹭江街道")
    Session.add(household)
    Session.commit()
    log_in(client, "street")
    response = client.post(f"/staff/households/{household.id}/visits", follow_redirects=True, data={
        "visit_date": "2026-03-05", "visitors": "林晓、陈伟", "causes": ["因病", "缺劳动力"],
        "findings": "老人卧床", "needs": "护理"})
    assert "走访已登记到台账" in response.get_data(as_text=True)
    ledger = client.get("/staff/visits?street=鹭江街道").get_data(as_text=True)
    assert "林晓、陈伟" in ledger and "因病、缺劳动力" in ledger
    response = client.get("/staff/visits.csv?street=鹭江街道")
    assert response.mimetype == "text/csv" and "林晓、陈伟" in response.get_data(as_text=True)
    assert _actions() == ["record_visit", "view_pii", "export_ledger"]


def test_a_wrong_visit_is_explained(app, client):
    make_staff("street", role="caseworker", street="鹭江街道")
    household = Household(district="思明区", street="鹭江街道")
    Session.add(household)
    Session.commit()
    log_in(client, "street")
    page = client.post(f"/staff/households/{household.id}/visits", follow_redirects=True,
                       data={"visit_date": "", "visitors": "林晓"}).get_data(as_text=True)
    assert "请填写走访日期" in page and Session.scalars(select(Visit)).all() == []


def test_triage_a_clue_from_its_page(app, client):
    make_staff("street", role="caseworker", street="鹭江街道")
    clue = Clue(district="思明区", street="鹭江街道", description="独居老人", reporter_phone="13900000001")
    Session.add(clue)
    Session.commit()
    log_in(client, "street")
    page = client.get(f"/staff/clues/{clue.id}").get_data(as_text=True)
    assert "独居老人" in page and "13900000001" in page
    client.post(f"/staff/clues/{clue.id}/triage", data={
        "street": "鹭江街道", "address": "某小区", "visit_date": "2026-03-05", "visitors": "林晓"})
    triaged = reload(Clue, clue.id)
    assert triaged.state == "triaged" and Session.get(Visit, triaged.visit_id).visitors == "林晓"


def test_the_dashboard_draws_its_bars_without_javascript(app, client):
    make_staff("lin")
    make_application("submitted")
    make_application("submitted", openid="o-2")
    make_application("in_review", openid="o-3")
    log_in(client, "lin")
    page = client.get("/staff/dashboard").get_data(as_text=True)
    assert "<script" not in page
    assert 'aria-label="已提交，等待审核 2"' in page and 'class="fill w-100"' in page
    assert 'aria-label="审核中 1"' in page and 'class="fill w-50"' in page


@pytest.mark.parametrize("url", ["/staff/queue", "/staff/escalations", "/staff/visits", "/staff/clues",
                                 "/staff/dashboard"])
def test_no_page_needs_javascript(app, client, url):
    make_staff("lin")
    log_in(client, "lin")
    assert "<script" not in client.get(url).get_data(as_text=True)
