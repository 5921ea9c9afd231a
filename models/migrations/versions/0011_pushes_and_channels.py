"""pushes and channels: deliveries over WeChat, SMS and email; per-channel opt-outs

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact', sa.Text(), nullable=False),
        sa.Column('purpose', sa.String(length=40), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=128), nullable=True),
        sa.Column('prefer', sa.String(length=60), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=True),
        sa.Column('trail', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=255), nullable=True),
        sa.Column('deferred_until', sa.DateTime(), nullable=True),
        sa.Column('valid_until', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('outbound_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['outbound_id'], ['outbound_messages.id'],
                                name='fk_deliveries_outbound_id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dedupe_key', name='uq_deliveries_dedupe_key'),
    )
    op.create_index('ix_deliveries_state', 'deliveries', ['state'])
    op.create_table(
        'channel_opt_outs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('channel', 'key_hash', name='uq_channel_opt_outs_key'),
    )


def downgrade() -> None:
    op.drop_table('channel_opt_outs')
    op.drop_index('ix_deliveries_state', table_name='deliveries')
    op.drop_table('deliveries')
