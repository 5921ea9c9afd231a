"""seal message payloads and escalation transcripts

Messages residents type can hold identity and phone numbers, so these columns now hold
AES-GCM sealed text (models.pii.EncryptedJSON). Rows written before read as they were.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = (("escalations", "transcript"), ("inbound_messages", "payload"), ("outbound_messages", "payload"))


def upgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=False,
                                  postgresql_using=f"{column}::text")


def downgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=False,
                                  postgresql_using=f"{column}::json")
