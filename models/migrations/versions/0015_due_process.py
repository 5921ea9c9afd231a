"""due process: publicity (公示), extension, decision reasons

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


COLUMNS = (
    ("amount_reason", sa.Text()),
    ("deadline_note", sa.String(length=120)),
    ("extended_at", sa.DateTime()),
    ("extension_reason", sa.Text()),
    ("publicity_from", sa.DateTime()),
    ("publicity_until", sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    op.create_table(
        'publicity_objections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('raised_by', sa.Text(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by'], ['staff_users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('publicity_objections', schema=None) as batch_op:
        batch_op.create_index('ix_publicity_objections_application_id', ['application_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('publicity_objections', schema=None) as batch_op:
        batch_op.drop_index('ix_publicity_objections_application_id')
    op.drop_table('publicity_objections')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
