"""Asking for missing documents in one go, and the resident's photos answering exactly that."""
import pytest
from sqlalchemy import select

import review
from models import Application, ApplicationDocument, AuditEntry, OutboundMessage, Session
from review import documents
from tests.review.fixtures import make_application, make_staff, pending_photo, reload, store_photo


@pytest.fixture
def waiting(app):
    """An application whose reviewer asked for the 户口簿 and the second member's ID card."""
    reviewer = make_staff()
    application = make_application("in_review", assigned_to=reviewer.id)
    documents.request_documents(application.id, reviewer, ["hukou_book", "id_card:1"], "请拍清楚户主页")
    Session.commit()
    return application


def test_checklist_items_one_per_member(app):
    application = make_application("in_review")
    items = documents.checklist_items(application)
    assert [i["key"] for i in items] == ["id_card:0", "id_card:1", "hukou_book", "income_proof:0"]
    assert items[1] == {"key": "id_card:1", "item_id": "id_card", "member": 1, "title": "身份证"}


def test_request_lists_exactly_what_was_ticked_for_the_chat(waiting):
    assert reload(Application, waiting.id).state == "need_documents"
    assert review.open_requests("o-resident") == [{
        "application_id": waiting.id, "programme": "dibao", "programme_label": "最低生活保障（低保）",
        "items": [{"item_id": "hukou_book", "member": None, "title": "户口簿"},
                  {"item_id": "id_card", "member": 1, "title": "身份证"}],
        "note": "请拍清楚户主页",
    }]
    assert review.open_requests("o-someone-else") == []
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "request_documents"))
    assert entry.detail == {"items": ["hukou_book", "id_card:1"]}


def test_request_sends_one_message_with_the_whole_list(waiting):
    sent = Session.scalars(select(OutboundMessage)).all()
    assert len(sent) == 1
    content = sent[0].payload["content"]
    assert "1. 户口簿" in content and "2. 身份证（第2位家庭成员）" in content and "请拍清楚户主页" in content
    remark = sent[0].payload["template"]["data"]["remark"]["value"]
    assert "户口簿" in remark and "身份证（第2位家庭成员）" in remark


def test_photos_fill_the_request_and_the_last_one_resumes_review(app, waiting):
    first = review.attach_document(waiting.id, "hukou_book", store_photo(app).id)
    Session.commit()
    assert first.state == "received"
    assert reload(Application, waiting.id).state == "need_documents"
    assert [i["item_id"] for i in review.open_requests("o-resident")[0]["items"]] == ["id_card"]
    # A photo still downloading counts as sent: the resident did their part.
    review.attach_document(waiting.id, "id_card", pending_photo().id, member=1)
    Session.commit()
    after = reload(Application, waiting.id)
    assert after.state == "in_review"
    assert after.transitions[-1].reason == "补充材料已收齐"
    assert review.open_requests("o-resident") == []
    assert Session.scalar(select(ApplicationDocument).where(ApplicationDocument.state == "requested")) is None


def test_an_item_not_asked_for_is_refused(app, waiting):
    with pytest.raises(review.ReviewError, match="工作人员没有要求补充这份材料"):
        review.attach_document(waiting.id, "income_proof", store_photo(app).id, member=0)
    with pytest.raises(review.ReviewError, match="工作人员没有要求补充这份材料"):
        review.attach_document(waiting.id, "id_card", store_photo(app).id, member=0)  # member 1 was asked
    assert len(review.open_requests("o-resident")[0]["items"]) == 2


def test_someone_elses_photo_is_refused(app, waiting):
    theirs = store_photo(app, openid="o-stranger")
    with pytest.raises(review.ReviewError, match="没有找到这张照片"):
        review.attach_document(waiting.id, "hukou_book", theirs.id)


def test_photos_while_a_draft_are_kept_and_after_submission_refused(app):
    application = make_application("draft")
    document = review.attach_document(application.id, "id_card", store_photo(app).id, member=0)
    Session.commit()
    assert (document.state, document.member) == ("received", 0)
    submitted = make_application("submitted")
    with pytest.raises(review.InvalidTransition, match="不需要再发送材料"):
        review.attach_document(submitted.id, "id_card", store_photo(app).id, member=0)


@pytest.mark.parametrize("keys, problem", [([], "请至少勾选一项"), (["passport"], "不在这份申请的清单里"),
                                           (["id_card:7"], "不在这份申请的清单里")])
def test_request_must_name_checklist_items(app, keys, problem):
    reviewer = make_staff()
    application = make_application("in_review")
    with pytest.raises(review.ReviewError, match=problem):
        documents.request_documents(application.id, reviewer, keys, None)
    assert reload(Application, application.id).state == "in_review"
    assert Session.scalars(select(OutboundMessage)).all() == []
