"""household profile

One household, one profile: the family's answers live on `households.profile` (sealed JSON
in the forms' own shape, with when each answer was given), every change of them in
`household_changes` (who and when), and a WeChat user's request to be a member's account
in `household_links` (pending until verified or confirmed by staff).

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile', sa.Text(), nullable=True))
    op.create_table(
        'household_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('old', sa.Text(), nullable=True),
        sa.Column('new', sa.Text(), nullable=True),
        sa.Column('who', sa.String(length=120), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_household_changes_household_id', 'household_changes', ['household_id'])
    op.create_table(
        'household_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('openid', sa.String(length=64), nullable=False),
        sa.Column('name', sa.Text(), nullable=True),
        sa.Column('phone', sa.Text(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('confirmed_by', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_household_links_household_id', 'household_links', ['household_id'])
    op.create_index('ix_household_links_openid', 'household_links', ['openid'])


def downgrade() -> None:
    op.drop_index('ix_household_links_openid', table_name='household_links')
    op.drop_index('ix_household_links_household_id', table_name='household_links')
    op.drop_table('household_links')
    op.drop_index('ix_household_changes_household_id', table_name='household_changes')
    op.drop_table('household_changes')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('profile')
