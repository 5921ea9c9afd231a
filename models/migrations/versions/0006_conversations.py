"""conversations in the database; inbound messages in the resident's order

The chat's place moves from Redis (lost with Redis's data) to `conversations`, saved in the
same transaction that marks the message handled. `inbound_messages.create_time` (WeChat's
CreateTime) orders a resident's waiting messages; the (openid, state) index finds them.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'conversations',
        sa.Column('openid', sa.String(length=64), nullable=False),
        sa.Column('state', sa.Text(), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('openid'),
    )
    op.create_index('ix_conversations_updated_at', 'conversations', ['updated_at'])
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('create_time', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_inbound_openid_state', ['openid', 'state'])


def downgrade() -> None:
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_openid_state')
        batch_op.drop_column('create_time')
    op.drop_index('ix_conversations_updated_at', table_name='conversations')
    op.drop_table('conversations')
