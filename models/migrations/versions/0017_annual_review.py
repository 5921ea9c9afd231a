"""annual review runs and staff-added parameter values

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'parameter_overrides',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('reference', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', 'effective_on', name='uq_parameter_overrides_name_day'),
    )
    op.create_table(
        'annual_review_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_date', sa.Date(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('cursor', sa.Integer(), nullable=False),
        sa.Column('chunk_size', sa.Integer(), nullable=False),
        sa.Column('processed', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('rules', sa.String(length=80), nullable=True),
        sa.Column('started_by', sa.String(length=80), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'annual_review_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=True),
        sa.Column('district', sa.String(length=20), nullable=False),
        sa.Column('programme', sa.String(length=20), nullable=False),
        sa.Column('current_amount', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('proposed_programme', sa.String(length=20), nullable=True),
        sa.Column('proposed_amount', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('medical_aid_counted', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('education_aid_counted', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('living_aid_paid', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('decided_by', sa.String(length=80), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('effective_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['annual_review_runs.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('run_id', 'application_id', name='uq_annual_review_items_run_app'),
    )
    op.create_index('ix_annual_review_items_application_id', 'annual_review_items', ['application_id'])
    op.create_index('ix_annual_review_items_run_state', 'annual_review_items', ['run_id', 'state', 'district'])


def downgrade() -> None:
    op.drop_index('ix_annual_review_items_run_state', table_name='annual_review_items')
    op.drop_index('ix_annual_review_items_application_id', table_name='annual_review_items')
    op.drop_table('annual_review_items')
    op.drop_table('annual_review_runs')
    op.drop_table('parameter_overrides')
