"""Every step of an application's life, and every step refused, as staff and residents meet them."""
from decimal import Decimal

import pytest
from sqlalchemy import select, text

import review
from models import Application, AuditEntry, Session, Transition, db
from review import documents, lifecycle
from tests.review.fixtures import make_application, make_staff, reload, store_photo

STATES = ("draft", "submitted", "in_review", "need_documents", "publicity", "approved", "rejected", "withdrawn")

# What the lifecycle allows for a 低保 application, written out here rather than read
# from the code under test: approval only after a 公示 (one that is over, here).
ALLOWED = {
    "submit": {"draft"},
    "claim": {"submitted"},
    "request_documents": {"in_review"},
    "start_publicity": {"in_review"},
    "approve": {"publicity"},
    "reject": {"in_review", "publicity"},
    "extend": {"submitted", "in_review", "need_documents", "publicity"},
    "withdraw": {"draft", "submitted", "in_review", "need_documents", "publicity"},
}
RESULT = {"submit": "submitted", "claim": "in_review", "request_documents": "need_documents",
          "start_publicity": "publicity", "approve": "approved", "reject": "rejected", "withdraw": "withdrawn"}


def _do(action, app_id, staff):
    """One step, committed as the HTTP handler or the chat's turn commits it."""
    result = {
        "submit": lambda: review.submit(app_id),
        "claim": lambda: lifecycle.claim(app_id, staff),
        "request_documents": lambda: documents.request_documents(app_id, staff, ["hukou_book"], None),
        "start_publicity": lambda: lifecycle.start_publicity(app_id, staff, "1600"),
        "approve": lambda: lifecycle.approve(app_id, staff, ""),
        "reject": lambda: lifecycle.reject(app_id, staff, "收入超过标准"),
        "extend": lambda: lifecycle.extend(app_id, staff, "需要到民政局核对车辆信息"),
        "withdraw": lambda: review.withdraw(app_id, "o-resident"),
    }[action]()
    Session.commit()
    return result


def done(result):
    Session.commit()
    return result


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("state", STATES)
def test_every_step_from_every_state(app, state, action):
    reviewer = make_staff()
    # An application someone else already claimed can still be claimed only through 分派.
    application = make_application(state, assigned_to=reviewer.id if state in ("in_review", "need_documents") else None,
                                   days_ago=10)
    before = len(application.transitions)
    if state in ALLOWED[action]:
        _do(action, application.id, reviewer)
        after = reload(Application, application.id)
        result = RESULT.get(action, state)  # an extension keeps the state
        assert after.state == result
        last = after.transitions[-1]
        assert (last.from_state, last.to_state) == (state, result)
        assert last.actor == ("resident" if action in ("submit", "withdraw") else f"staff:{reviewer.id}")
        assert len(after.transitions) == before + 1
    else:
        with pytest.raises(review.InvalidTransition) as refused:
            _do(action, application.id, reviewer)
        assert any(words in refused.value.message for words in ("这份申请现在是", "已经有人负责", "要先在社区公示"))
        after = reload(Application, application.id)
        assert after.state == state and len(after.transitions) == before


def test_refusal_names_the_state_and_what_to_do(app):
    reviewer = make_staff()
    application = make_application("submitted")
    with pytest.raises(review.InvalidTransition) as refused:
        lifecycle.approve(application.id, reviewer, "710")
    assert refused.value.message == ("这份申请现在是“已提交，等待审核”，不能批准。只有“审核中”的申请才能作出决定。")


def test_submit_keeps_the_verdict_routes_and_sets_the_deadline(app):
    application = make_application("draft", checklist=[])
    review.submit(application.id)
    Session.commit()
    submitted = reload(Application, application.id)
    assert submitted.state == "submitted"
    assert submitted.verdict["programmes"]["dibao"]["eligible"] is True
    assert submitted.rules_version == submitted.verdict["rules_version"]
    assert submitted.checklist == submitted.verdict["documents"]  # the chat left none: the rules' list
    from review import routing

    assert submitted.deadline_at == routing.deadline_for(submitted.submitted_at)
    assert submitted.assigned_to is None


def test_submit_without_a_district_is_refused(app):
    application = make_application("draft", district="")
    with pytest.raises(review.ReviewError, match="请先选择您家所在的区"):
        review.submit(application.id)
    assert reload(Application, application.id).state == "draft"


def test_withdraw_only_by_the_resident_who_applied(app):
    application = make_application("submitted")
    with pytest.raises(review.ReviewError, match="没有找到这份申请"):
        review.withdraw(application.id, "o-someone-else")
    assert reload(Application, application.id).state == "submitted"


def test_claim_makes_it_mine_and_is_audited(app):
    reviewer = make_staff()
    application = make_application("submitted")
    lifecycle.claim(application.id, reviewer)
    Session.commit()
    claimed = reload(Application, application.id)
    assert (claimed.state, claimed.assigned_to) == ("in_review", reviewer.id)
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "claim"))
    assert (entry.staff_id, entry.object_type, entry.object_id) == (reviewer.id, "application", application.id)


def test_claim_of_a_case_someone_else_has_is_refused(app):
    first, second = make_staff("first"), make_staff("second")
    application = make_application("submitted")
    lifecycle.claim(application.id, first)
    Session.commit()
    with pytest.raises(review.InvalidTransition, match="已经有人负责"):
        lifecycle.claim(application.id, second)
    assert reload(Application, application.id).assigned_to == first.id


def test_an_unassigned_case_in_review_can_be_claimed(app):
    reviewer = make_staff()
    application = make_application("need_documents")
    lifecycle.claim(application.id, reviewer)
    Session.commit()
    after = reload(Application, application.id)
    assert (after.state, after.assigned_to) == ("need_documents", reviewer.id)


def test_assign_to_a_reviewer_of_the_district_only(app):
    lead = make_staff("lead")
    colleague = make_staff("colleague")
    elsewhere = make_staff("huli", district="湖里区")
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    application = make_application("submitted")
    for wrong in (elsewhere, caseworker):
        with pytest.raises(review.ReviewError, match="只能分派给本区的审核人员"):
            lifecycle.assign(application.id, lead, wrong.id)
    lifecycle.assign(application.id, lead, colleague.id)
    Session.commit()
    after = reload(Application, application.id)
    assert (after.state, after.assigned_to) == ("in_review", colleague.id)
    assert [s.username for s in lifecycle.assignees("思明区")] == ["colleague", "lead"]


def test_caseworkers_do_not_decide(app):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    application = make_application("in_review")
    for action in (lambda: lifecycle.claim(application.id, caseworker),
                   lambda: lifecycle.approve(application.id, caseworker, "1"),
                   lambda: lifecycle.reject(application.id, caseworker, "不符合"),
                   lambda: documents.request_documents(application.id, caseworker, ["hukou_book"])):
        with pytest.raises(review.NotAllowed):
            action()
    assert reload(Application, application.id).state == "in_review"


def test_approve_records_amount_time_and_audit(app):
    reviewer = make_staff()
    application = make_application("in_review", programme="weifang", assigned_to=reviewer.id)
    done(lifecycle.approve(application.id, reviewer, "1,420.5"))
    approved = reload(Application, application.id)
    assert approved.decision_amount == Decimal("1420.50") and approved.decided_at is not None
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "approve"))
    assert entry.object_id == application.id and entry.detail["amount"] == "1420.50"


@pytest.mark.parametrize("amount, problem", [
    ("七百", "核定金额请填写数字"), ("-1", "核定金额不能是负数"), ("1e9", "核定金额过大"), ("NaN", "核定金额请填写数字"),
    # The reviewer clicked into "735" and typed 735 again: refused, never rounded to 735.07.
    ("735.0735", "核定金额最多两位小数"),
])
def test_approve_refuses_a_wrong_amount(app, amount, problem):
    reviewer = make_staff()
    application = make_application("in_review", programme="weifang")
    with pytest.raises(review.ReviewError, match=problem) as refused:
        lifecycle.approve(application.id, reviewer, amount)
    if amount == "735.0735":
        assert "735.0735" in refused.value.message
    assert reload(Application, application.id).state == "in_review"


def test_approve_without_an_amount(app):
    reviewer = make_staff()
    application = make_application("in_review", programme="weifang")
    done(lifecycle.approve(application.id, reviewer, ""))
    after = reload(Application, application.id)
    assert after.state == "approved" and after.decision_amount is None


def test_reject_needs_a_reason_and_keeps_it(app):
    reviewer = make_staff()
    application = make_application("in_review")
    with pytest.raises(review.ReviewError, match="请写明不予批准的原因"):
        lifecycle.reject(application.id, reviewer, "   ")
    lifecycle.reject(application.id, reviewer, "家庭人均收入高于低保标准。")
    Session.commit()
    after = reload(Application, application.id)
    assert after.decision_reason == "家庭人均收入高于低保标准。"
    assert after.transitions[-1].reason == "家庭人均收入高于低保标准。"
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "reject"))
    assert "家庭" not in str(entry.detail)  # the reason may describe the family: not in the log


def test_a_change_made_meanwhile_by_someone_else_wins(app):
    make_staff()
    application = make_application("submitted")
    stale = Session.get(Application, application.id)
    with db.engine().begin() as conn:  # another reviewer's request, committed first
        conn.execute(text("UPDATE applications SET state = 'withdrawn' WHERE id = :id"), {"id": application.id})
    with pytest.raises(review.InvalidTransition, match="刚刚被其他人处理过"):
        lifecycle.move(stale, "in_review", "staff:1")
    assert reload(Application, application.id).state == "withdrawn"
    assert Session.scalars(select(Transition).where(Transition.to_state == "in_review")).all() == []


def test_documents_complete_returns_to_review(app):
    """need_documents → in_review happens only through the last requested document."""
    reviewer = make_staff()
    application = make_application("in_review")
    documents.request_documents(application.id, reviewer, ["hukou_book"])
    Session.commit()
    photo = store_photo(app)
    review.attach_document(application.id, "hukou_book", photo.id)
    Session.commit()
    after = reload(Application, application.id)
    assert after.state == "in_review"
    assert (after.transitions[-1].from_state, after.transitions[-1].actor) == ("need_documents", "resident")


def test_status_for_lists_each_application_in_chinese(app):
    make_application("approved", programme="jiaoyu")
    application = make_application("submitted")
    make_application("submitted", openid="o-other")
    status = review.status_for("o-resident")
    assert [s["application_id"] for s in status] == [application.id, application.id - 1]
    newest = status[0]
    assert newest["programme_label"] == "最低生活保障（低保）" and newest["state_label"] == "已提交，等待审核"
    assert newest["text"].startswith(f"最低生活保障（低保）（编号{application.id}）：已提交，等待审核，最迟")
    assert status[1]["text"] == f"教育救助（编号{application.id - 1}）：已批准"
    assert review.status_for("o-nobody") == []
