"""The audit log: searchable by admins, append-only in the database itself."""
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from models import Session, db, utcnow
from review import audit
from tests.review.fixtures import make_staff


def test_search_by_action_staff_object_and_day(app):
    lin, wu = make_staff("lin"), make_staff("wu")
    audit.record(lin, "view_pii", "application", 7, "思明区")
    audit.record(wu, "approve", "application", 7, "思明区", amount="710.00")
    audit.record(wu, "view_pii", "application", 8, "思明区")
    Session.commit()
    assert audit.search(action="view_pii").total == 2
    found = audit.search(staff_name="wu")
    assert found.total == 2 and [e.action for e in found.entries] == ["view_pii", "approve"]  # newest first
    assert [e.staff_name for e in audit.search(object_type="application", object_id=7).entries] == ["wu", "lin"]
    today = (utcnow() + timedelta(hours=8)).date()
    assert audit.search(since=today, until=today).total == 3
    assert audit.search(until=today - timedelta(days=1)).total == 0
    first = audit.search(limit=2)
    assert len(first.entries) == 2 and len(audit.search(limit=2, before=first.older).entries) == 1


def test_entries_cannot_be_rewritten(app):
    audit.record(make_staff(), "approve", "application", 1, "思明区")
    Session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine().begin() as conn:
            conn.execute(text("UPDATE audit_log SET action = 'nothing'"))
    assert audit.search(action="approve").total == 1
