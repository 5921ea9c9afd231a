"""outbound messages: the `sending` state's attempt time

A delivery claims its record (state `sending`, attempted_at) before calling WeChat, so a
second job for the same record does nothing while one is in flight, and an attempt whose
worker died is recognised by its age (channels/outbound.py).

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempted_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    # A record caught mid-send goes back to where the old code can pick it up.
    op.execute("UPDATE outbound_messages SET state = 'retrying' WHERE state = 'sending'")
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_column('attempted_at')
