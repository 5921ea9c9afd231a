"""content security holds (mini-program / chat user text and images held for staff)

`content_checks`: images sent to WeChat's mediaCheckAsync and texts its msgSecCheck did not
pass; the held ones wait for staff to release or reject them (models/moderation.py).

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'content_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('openid', sa.String(length=64), nullable=False),
        sa.Column('mp_openid', sa.String(length=64), nullable=False),
        sa.Column('form_id', sa.String(length=20), nullable=True),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('media_file_id', sa.Integer(), nullable=True),
        sa.Column('item_id', sa.String(length=40), nullable=True),
        sa.Column('district', sa.String(length=20), nullable=True),
        sa.Column('digest', sa.String(length=64), nullable=True),
        sa.Column('content', sa.Text(), nullable=True),
        sa.Column('trace_id', sa.String(length=64), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('suggest', sa.String(length=20), nullable=True),
        sa.Column('label', sa.Integer(), nullable=True),
        sa.Column('clue_id', sa.Integer(), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('checked_at', sa.DateTime(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['media_file_id'], ['media_files.id']),
        sa.ForeignKeyConstraint(['clue_id'], ['clues.id']),
        sa.ForeignKeyConstraint(['decided_by'], ['staff_users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_content_checks_state_district', 'content_checks', ['state', 'district'])
    op.create_index('ix_content_checks_openid', 'content_checks', ['openid'])
    op.create_index('ix_content_checks_digest', 'content_checks', ['digest'])
    op.create_index('ix_content_checks_trace_id', 'content_checks', ['trace_id'])


def downgrade() -> None:
    for name in ('ix_content_checks_trace_id', 'ix_content_checks_digest', 'ix_content_checks_openid',
                 'ix_content_checks_state_district'):
        op.drop_index(name, table_name='content_checks')
    op.drop_table('content_checks')
