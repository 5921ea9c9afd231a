"""indexes for city-sized lists and lookups

Every list the console shows and every lookup the chat makes reads one index range: a
resident's last messages, a team's open applications by deadline, decisions of the last year,
the audit trail of one object or one member of staff, a district's visits by date. Single-
column indexes that a new composite one starts with are dropped (they only cost writes).

On PostgreSQL the indexes are built CONCURRENTLY, outside the migration's transaction, so a
live database keeps taking messages while 5 million rows are indexed. A build that failed
half-way leaves an invalid index behind; it is dropped first, so running again repairs it.

Revision ID: 0018
Revises: 0017
"""
from contextlib import nullcontext

from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# review.routing.OPEN_STATES; written out because a migration must not change with the code.
OPEN = "state IN ('submitted', 'in_review', 'need_documents', 'publicity')"

# name, table, columns, partial-index condition
NEW = [
    ("ix_inbound_openid_id", "inbound_messages", ["openid", "id"], None),
    ("ix_inbound_state_received", "inbound_messages", ["state", "received_at"], None),
    ("ix_applications_open_district", "applications", ["district", "deadline_at", "id"], OPEN),
    ("ix_applications_open_city", "applications", ["deadline_at", "id"], OPEN),
    # The admin's tabs by state across the city (a rare state must not scan the table).
    ("ix_applications_state_deadline", "applications", ["state", "deadline_at", "id"], None),
    # The dashboard's figures read these alone (index-only): decisions of the last year, and
    # applications of the last weeks, with what they are counted by.
    ("ix_applications_decided", "applications", ["decided_at", "submitted_at", "district", "state"], None),
    ("ix_applications_submitted", "applications", ["submitted_at", "district", "programme", "state"], None),
    ("ix_audit_object", "audit_log", ["object_type", "object_id", "id"], None),
    ("ix_audit_staff", "audit_log", ["staff_id", "id"], None),
    ("ix_audit_action", "audit_log", ["action", "id"], None),
    ("ix_escalations_application_id", "escalations", ["application_id"], None),
    ("ix_visits_district_date", "visits", ["district", "visit_date", "id"], None),
    ("ix_visits_street_date", "visits", ["district", "street", "visit_date", "id"], None),
    ("ix_media_state_created", "media_files", ["state", "created_at"], None),
]
# Covered by a new index that starts with the same column.
REPLACED = [
    ("ix_inbound_messages_openid", "inbound_messages", ["openid"]),
    ("ix_audit_log_staff_id", "audit_log", ["staff_id"]),
    ("ix_audit_log_action", "audit_log", ["action"]),
    ("ix_visits_district", "visits", ["district"]),
]


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _create(name: str, table: str, columns: list[str], where: str | None) -> None:
    if _postgresql():
        op.drop_index(name, table_name=table, if_exists=True, postgresql_concurrently=True)
        op.create_index(name, table, columns, postgresql_concurrently=True,
                        postgresql_where=sa.text(where) if where else None)
    else:
        op.create_index(name, table, columns, sqlite_where=sa.text(where) if where else None)


def _drop(name: str, table: str) -> None:
    if _postgresql():
        op.drop_index(name, table_name=table, if_exists=True, postgresql_concurrently=True)
    else:
        op.drop_index(name, table_name=table)


def _outside_transaction():
    """CONCURRENTLY cannot run in a transaction block; SQLite builds inside the migration's."""
    return op.get_context().autocommit_block() if _postgresql() else nullcontext()


def upgrade() -> None:
    with _outside_transaction():
        for name, table, columns, where in NEW:
            _create(name, table, columns, where)
        for name, table, _ in REPLACED:
            _drop(name, table)


def downgrade() -> None:
    with _outside_transaction():
        for name, table, columns in REPLACED:
            _create(name, table, columns, None)
        for name, table, _, _ in reversed(NEW):
            _drop(name, table)

