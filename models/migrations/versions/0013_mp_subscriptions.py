"""mini-program 订阅消息 grants

`mp_subscriptions`: one row per one-time grant a resident gave in the mini-program
(wx.requestSubscribeMessage), consumed by the one status message it pays for.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mp_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mp_user_id', sa.Integer(), nullable=False),
        sa.Column('mp_openid', sa.String(length=64), nullable=False),
        sa.Column('resident_openid', sa.String(length=64), nullable=False),
        sa.Column('template_id', sa.String(length=128), nullable=False),
        sa.Column('granted_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('outbound_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['mp_user_id'], ['mp_users.id']),
        sa.ForeignKeyConstraint(['outbound_id'], ['outbound_messages.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_mp_subscriptions_open', 'mp_subscriptions',
                    ['resident_openid', 'template_id', 'used_at'])


def downgrade() -> None:
    op.drop_index('ix_mp_subscriptions_open', table_name='mp_subscriptions')
    op.drop_table('mp_subscriptions')
