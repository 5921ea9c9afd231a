"""A household's documents are given once: a later application reuses them while they are
valid (review/document_validity.yaml), and asks only for what is missing."""
from datetime import date, timedelta

from sqlalchemy import select

from bot import documents as chat_documents
from models import ApplicationDocument, DocumentExpiry, Household, Session, utcnow
from review import documents
from tests.review.fixtures import make_application, store_photo

SLOTS = [{"item": "id_card", "member": 0, "title": "身份证（您本人）"},
         {"item": "hukou_book", "member": None, "title": "户口簿"},
         {"item": "income_proof", "member": 0, "title": "收入证明（您本人）"},
         {"item": "enrolment_proof", "member": 1, "title": "在读证明（学籍证明）（您的孩子，10岁）"}]


def household() -> Household:
    family = Household(district="思明区", street="鹭江街道")
    Session.add(family)
    Session.commit()
    return family


def given(app, flask_app, item: str, member, days_ago: int, content: bytes) -> ApplicationDocument:
    document = ApplicationDocument(application_id=app.id, item_id=item, member=member, state="received",
                                   media_file_id=store_photo(flask_app, content=content).id,
                                   created_at=utcnow() - timedelta(days=days_ago))
    Session.add(document)
    Session.commit()
    return document


def test_validity_periods_are_data():
    assert documents.valid_until("income_proof", date(2026, 1, 31)) == date(2026, 7, 31)
    assert documents.valid_until("enrolment_proof", date(2026, 3, 12)) == date(2026, 8, 31)
    assert documents.valid_until("enrolment_proof", date(2026, 9, 5)) == date(2027, 8, 31)
    assert documents.valid_until("id_card", date(2026, 3, 12)) == date(2036, 3, 12)
    assert documents.valid_until("id_card", date(2026, 3, 12), own_expiry=date(2028, 1, 1)) == date(2028, 1, 1)
    assert documents.valid_until("hukou_book", date(2026, 3, 12)) == date(2027, 3, 12)
    assert documents.valid_until("medical_receipts", date(2026, 3, 12)) is None  # never reused
    assert documents.valid_until("property_declaration", date(2026, 3, 12)) is None


def test_an_id_card_given_before_counts_for_the_next_application_while_valid(app):
    family = household()
    first = make_application("submitted", household_id=family.id)
    id_card = given(first, app, "id_card", 0, 30, b"\x89PNG id card")
    given(first, app, "income_proof", 0, 200, b"\x89PNG old payslip")  # 6 months are over
    given(first, app, "medical_receipts", None, 5, b"\x89PNG receipts")  # not on this checklist

    second = make_application("draft", household_id=family.id, programme="jiaoyu")
    context = {"key": "jiaoyu", "form": "jiaoyu", "title": "教育救助申请", "answers": {}}
    chat_documents.begin(context, second.id, [dict(slot) for slot in SLOTS])
    Session.commit()

    assert chat_documents.missing(context) == [1, 2, 3]  # only the ID card is held
    assert context["current"] == 1
    copy = Session.scalar(select(ApplicationDocument).where(ApplicationDocument.application_id == second.id))
    assert copy.item_id == "id_card" and copy.media_file_id == id_card.media_file_id
    assert copy.state == "received" and f"沿用申请{first.id}" in copy.note
    shown = "\n".join(chat_documents.status(context).texts)
    day = documents.given_on(id_card)
    assert f"身份证（您本人）：已有（{day}提交）" in shown and "还缺这 3 份材料" in shown
    already = "\n".join(chat_documents.understand(context, "这些材料我刚才发过了", None).texts)
    assert "✔ 身份证（您本人）" in already and "· 户口簿" in already and "· 收入证明（您本人）" in already


def test_an_expired_id_card_a_draft_and_another_family_do_not_count(app):
    family = household()
    first = make_application("approved", household_id=family.id)
    expired = given(first, app, "id_card", 0, 30, b"\x89PNG id card")
    Session.add(DocumentExpiry(document_id=expired.id, valid_until=date.today() - timedelta(days=2)))
    unsent = make_application("draft", household_id=family.id, openid="o-other-draft")
    given(unsent, app, "hukou_book", None, 1, b"\x89PNG hukou in a draft")
    stranger = make_application("submitted", household_id=household().id, openid="o-stranger")
    given(stranger, app, "income_proof", 0, 1, b"\x89PNG someone else's payslip")
    Session.commit()

    second = make_application("draft", household_id=family.id, programme="jiaoyu")
    assert documents.kept_documents(family.id, SLOTS, exclude_application_id=second.id) == {}
    assert documents.reuse_kept(second.id, SLOTS) == {}

    # The same ID card, its expiry not known: the default 10 years apply.
    Session.delete(Session.get(DocumentExpiry, expired.id))
    Session.commit()
    assert list(documents.kept_documents(family.id, SLOTS, exclude_application_id=second.id)) == [0]
    # And not after the default period either.
    later = date.today() + timedelta(days=3660)
    assert documents.kept_documents(family.id, SLOTS, today=later, exclude_application_id=second.id) == {}
