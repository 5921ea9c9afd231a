"""Due process as a reviewer and a resident meet it: the amount checked, 公示 with objections,
an extension, the decision; clues whose reporters hear the outcome; response times. Each
step is committed here as the HTTP handler commits it."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

import review
from models import (Application, AuditEntry, Clue, Escalation, Household, Member, Session, pii, utcnow)
from models.application import Objection
from review import clues, escalations, intake, lifecycle
from tests.review.fixtures import make_application, make_staff, reload, texts
from tests.staff.conftest import log_in

# SITUATION in the fixtures: two people without income, so the rules pay 800 × 2 = 1,600.


def _commit(result):
    Session.commit()
    return result


def _end_publicity(app_id: int) -> None:
    Session.execute(update(Application).where(Application.id == app_id)
                    .values(publicity_until=utcnow() - timedelta(minutes=1)))
    Session.commit()


@pytest.mark.parametrize("typed, problem", [
    ("735.0735", "核定金额最多两位小数（到分），“735.0735”多了小数位"),
    ("0", "核定金额需要在0.01元到1,600元之间"),
    ("1600.01", "核定金额需要在0.01元到1,600元之间（2人家庭按今天的标准最多每月1,600元）"),
    ("", "请填写核定金额"),
    ("七百", "核定金额请填写数字"),
])
def test_the_amount_is_checked_against_the_programme(app, typed, problem):
    reviewer = make_staff()
    application = make_application("in_review")
    with pytest.raises(review.ReviewError) as refused:
        lifecycle.start_publicity(application.id, reviewer, typed)
    assert problem in refused.value.message
    assert reload(Application, application.id).state == "in_review"


def test_an_amount_other_than_the_rules_needs_a_reason_kept_and_audited(app):
    reviewer = make_staff()
    application = make_application("in_review", applicant_name="张秀英", street="筼筜街道")
    with pytest.raises(review.ReviewError, match="与规则计算不同（规则计算的是每月1,600元）"):
        lifecycle.start_publicity(application.id, reviewer, "735")
    _commit(lifecycle.start_publicity(application.id, reviewer, "735", "女儿每月给的赡养费经核实为865元"))
    after = reload(Application, application.id)
    assert after.decision_amount == Decimal("735.00")
    assert after.amount_reason == "女儿每月给的赡养费经核实为865元"
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "start_publicity"))
    assert entry.detail["amount"] == "735.00" and entry.detail["rules_amount"] == "1600.00"
    assert entry.detail["amount_reason"] is True  # the reason is on the record, not in the log
    assert after.transitions[-1].reason == "开始公示7天：张某 · 筼筜街道 · 低保 · 每月 735 元"


def test_the_rules_amount_needs_no_reason(app):
    reviewer = make_staff()
    application = make_application("in_review")
    _commit(lifecycle.start_publicity(application.id, reviewer, "1,600"))
    assert reload(Application, application.id).amount_reason is None


def test_publicity_comes_before_the_approval_and_objections_are_recorded(app, fake_wechat, run_worker):
    reviewer = make_staff()
    application = make_application("in_review", applicant_name="张秀英", street="筼筜街道")
    with pytest.raises(review.InvalidTransition, match="要先在社区公示7天"):
        lifecycle.approve(application.id, reviewer, "1600")
    with pytest.raises(review.InvalidTransition, match="只有公示期间才能登记异议"):
        lifecycle.record_objection(application.id, reviewer, "社区居民 李女士", "他家有车")
    _commit(lifecycle.start_publicity(application.id, reviewer, "1600"))
    during = reload(Application, application.id)
    assert during.state == "publicity"
    assert lifecycle.public_notice(during, during.decision_amount) == "张某 · 筼筜街道 · 低保 · 每月 1,600 元"
    with pytest.raises(review.InvalidTransition, match="公示到.*结束，期满后才能作出批准决定"):
        lifecycle.approve(application.id, reviewer, "")
    with pytest.raises(review.ReviewError, match="请写明异议的内容"):
        lifecycle.record_objection(application.id, reviewer, "社区居民 李女士", " ")
    _commit(lifecycle.record_objection(application.id, reviewer, "社区居民 李女士", "他家有一辆小汽车"))
    [objection] = Session.scalars(select(Objection)).all()
    assert (objection.raised_by, objection.content, objection.recorded_by) == (
        "社区居民 李女士", "他家有一辆小汽车", reviewer.id)
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "publicity_objection"))
    assert entry.object_id == application.id and "小汽车" not in str(entry.detail)

    _end_publicity(application.id)
    _commit(lifecycle.approve(application.id, reviewer, ""))  # the amount posted
    approved = reload(Application, application.id)
    assert (approved.state, approved.decision_amount) == ("approved", Decimal("1600.00"))
    assert Session.scalar(select(AuditEntry).where(AuditEntry.action == "approve")).detail["objections"] == 1
    run_worker()
    inbox = texts(fake_wechat)
    assert "正在您所在的社区公示7天" in inbox[0] and "张某 · 筼筜街道 · 低保 · 每月 1,600 元" in inbox[0]
    assert "已经批准：每月 1,600 元" in inbox[1]


def test_a_founded_objection_ends_in_a_refusal_with_rights(app, fake_wechat, run_worker):
    reviewer = make_staff()
    application = make_application("publicity")
    _commit(lifecycle.record_objection(application.id, reviewer, "匿名来信", "家中有经营性店铺"))
    _commit(lifecycle.reject(application.id, reviewer, "经核实，家中有经营性店铺，收入超过低保标准。"))
    assert reload(Application, application.id).state == "rejected"
    run_worker()
    [message] = texts(fake_wechat)
    assert "家中有经营性店铺" in message and "行政复议" in message and "行政诉讼" in message


def test_an_extension_is_granted_once_with_a_reason(app):
    reviewer = make_staff()
    application = make_application("in_review")
    with pytest.raises(review.ReviewError, match="请写明延期的原因"):
        lifecycle.extend(application.id, reviewer, "")
    _commit(lifecycle.extend(application.id, reviewer, "需要到车管所核对车辆"))
    after = reload(Application, application.id)
    assert after.transitions[-1].reason == "延长办理期限15个工作日：需要到车管所核对车辆"
    assert Session.scalar(select(AuditEntry).where(AuditEntry.action == "extend_deadline")) is not None
    with pytest.raises(review.InvalidTransition, match="已经延期过一次"):
        lifecycle.extend(application.id, reviewer, "还要再等等")


def test_low_income_status_pays_no_monthly_amount(app):
    reviewer = make_staff()
    application = make_application("in_review", programme="dishouru")
    with pytest.raises(review.ReviewError, match="低收入家庭认定不发放每月补助"):
        lifecycle.start_publicity(application.id, reviewer, "100")
    _commit(lifecycle.start_publicity(application.id, reviewer, ""))
    assert lifecycle.public_notice(reload(Application, application.id), None) == "陈某 · 鹭江街道 · 低收入"


# ---- the console -----------------------------------------------------------------------------

def test_the_decision_steps_in_the_console(app, client, fake_wechat, run_worker):
    reviewer = make_staff("lin")
    application = make_application("in_review", assigned_to=reviewer.id, street="筼筜街道")
    log_in(client, "lin")
    url = f"/staff/applications/{application.id}"
    page = client.get(url).get_data(as_text=True)
    assert "审核通过，开始公示" in page and 'value="1600"' in page and "规则计算：每月 1,600 元" in page
    page = client.post(f"{url}/publicity", data={"amount": "735.0735"}, follow_redirects=True).get_data(as_text=True)
    assert "核定金额最多两位小数" in page and reload(Application, application.id).state == "in_review"
    page = client.post(f"{url}/publicity", data={"amount": "1600"}, follow_redirects=True).get_data(as_text=True)
    assert "已开始公示" in page and "陈某 · 筼筜街道 · 低保 · 每月 1,600 元" in page
    page = client.post(f"{url}/objections", data={"raised_by": "社区居民", "content": "听说他家有车"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已登记公示异议" in page and "听说他家有车" in page
    page = client.post(f"{url}/extend", data={"reason": "需要核对车辆登记"}, follow_redirects=True).get_data(as_text=True)
    assert "已延长办理期限" in page and "已延期：需要核对车辆登记" in page
    _end_publicity(application.id)
    page = client.post(f"{url}/approve", data={"amount": "1600"}, follow_redirects=True).get_data(as_text=True)
    assert "已批准" in page and reload(Application, application.id).state == "approved"
    run_worker()
    assert len(texts(fake_wechat)) == 3  # 公示, 延期, 批准


# ---- clues -------------------------------------------------------------------------------------

ANSWERS = {"what": "独居老人，腿脚不便，家里没有吃的", "district": "思明区", "address": "鹭江道100号3楼",
           "subject_name": "王阿婆", "reporter_name": "李志愿", "reporter_phone": "13912345678"}


def test_an_urgent_clue_opens_a_case_at_once_and_comes_first(app, client):
    make_staff("street", role="caseworker", street="鹭江街道")
    calm = _commit(intake.report_clue("o-volunteer", {**ANSWERS, "urgency": "normal"}))
    urgent = _commit(intake.report_clue("o-volunteer", {**ANSWERS, "urgency": "urgent"}))
    newer = _commit(intake.report_clue("o-volunteer", {**ANSWERS, "urgency": "soon"}))
    [case] = Session.scalars(select(Escalation)).all()
    assert (case.kind, case.district, case.state) == ("urgent", "思明区", "open")
    assert f"线索编号{urgent.id}" in case.reason
    log_in(client, "street")
    page = client.get("/staff/clues").get_data(as_text=True)
    order = [page.index(f'/staff/clues/{clue.id}"') for clue in (urgent, newer, calm)]
    assert order == sorted(order)


def test_the_reporter_hears_the_outcome(app, fake_wechat, run_worker):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    triaged = _commit(intake.report_clue("o-volunteer", {**ANSWERS, "urgency": "normal"}))
    closed = _commit(intake.report_clue("o-volunteer", {**ANSWERS, "urgency": "normal"}))
    _commit(clues.triage(triaged, caseworker, None, "鹭江街道", "鹭江道100号3楼", "2026-03-05", "林晓", "情况属实",
                         ["因病"], None))
    _commit(clues.close(closed, caseworker, "重复报告，已在线索1处理"))
    run_worker()
    first, second = texts(fake_wechat, "o-volunteer")
    assert "工作人员已经上门核实，为这户人家建立了帮扶档案" in first
    assert "这条线索已处理完毕" in second and "重复报告" not in second  # staff's reason stays with staff


def test_triage_finds_the_family_already_known(app):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    known = Household(district="思明区", street="鹭江街道", address="鹭江道 100号 3楼")
    known.members = [Member(position=0, id_number="350203194501011234",
                            id_number_index=pii.blind_index("350203194501011234"))]
    Session.add(known)
    Session.commit()
    by_address = _commit(intake.report_clue("o-volunteer", {**ANSWERS, "urgency": "normal"}))
    # The page offers the household at the same address, for staff to pick.
    assert [h.id for h in clues.view(caseworker, by_address)["known_households"]] == [known.id]
    _commit(clues.triage(by_address, caseworker, None, None, None, "2026-03-05", "林晓", None, [], None,
                         household_id=known.id))
    by_identity = _commit(intake.report_clue("o-volunteer", {**ANSWERS, "address": "别处", "urgency": "normal"}))
    _commit(clues.triage(by_identity, caseworker, None, None, None, "2026-03-05", "林晓", None, [], None,
                         id_number="350203194501011234"))
    assert {reload(Clue, c.id).household_id for c in (by_address, by_identity)} == {known.id}
    assert Session.scalar(select(Household.id).where(Household.id != known.id)) is None  # none made


# ---- first response ----------------------------------------------------------------------------

def test_a_case_staff_open_has_no_response_time_until_someone_responds(app):
    reviewer = make_staff()
    application = make_application("in_review")
    case = _commit(escalations.escalate(application.id, reviewer, "需要民政和医保一起商量"))
    assert escalations.time_to_first_response(reload(Escalation, case.id)) is None
    case = reload(Escalation, case.id)
    _commit(escalations.add_note(case, reviewer, "已约好明天会商"))
    waited = escalations.time_to_first_response(reload(Escalation, case.id))
    assert waited is not None and escalations.waited_words(waited) in ("不到 1 分钟", "1 分钟")
    assert escalations.waited_words(timedelta(minutes=8)) == "8 分钟"
    assert escalations.waited_words(timedelta(hours=2, minutes=30)) == "2.5 小时"
