"""employment seekers openings: the 112 service

Seekers (one per person by the blind index of the identity number), employers and openings,
recommendations (one per seeker and opening, ever: a unique key), training courses and offers,
and the link marking a household visit as a 112 visit.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'seekers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('id_number', sa.Text(), nullable=False),
        sa.Column('id_number_index', sa.String(length=64), nullable=False),
        sa.Column('name', sa.Text(), nullable=True),
        sa.Column('phone', sa.Text(), nullable=True),
        sa.Column('email', sa.Text(), nullable=True),
        sa.Column('openid', sa.String(length=64), nullable=True),
        sa.Column('household_id', sa.Integer(), nullable=True),
        sa.Column('district', sa.String(length=20), nullable=False),
        sa.Column('street', sa.String(length=40), nullable=True),
        sa.Column('birth_year', sa.Integer(), nullable=True),
        sa.Column('sex', sa.String(length=10), nullable=True),
        sa.Column('education', sa.String(length=20), nullable=True),
        sa.Column('occupation_code', sa.String(length=20), nullable=True),
        sa.Column('desired_work', sa.String(length=100), nullable=True),
        sa.Column('wage_min', sa.Integer(), nullable=True),
        sa.Column('hours_per_week', sa.Integer(), nullable=True),
        sa.Column('work_districts', sa.JSON(), nullable=False),
        sa.Column('public_welfare_ok', sa.Boolean(), nullable=False),
        sa.Column('registered_unemployed', sa.Boolean(), nullable=False),
        sa.Column('unemployed_since', sa.Date(), nullable=True),
        sa.Column('graduate', sa.Boolean(), nullable=False),
        sa.Column('jiuye_kunnan', sa.Boolean(), nullable=False),
        sa.Column('prefer', sa.JSON(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('id_number_index'),
    )
    for column in ('openid', 'household_id', 'district', 'street', 'jiuye_kunnan', 'active'):
        op.create_index(f'ix_seekers_{column}', 'seekers', [column])

    op.create_table(
        'employers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=255), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )

    op.create_table(
        'openings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('occupation_code', sa.String(length=20), nullable=False),
        sa.Column('district', sa.String(length=20), nullable=False),
        sa.Column('street', sa.String(length=40), nullable=True),
        sa.Column('address', sa.String(length=255), nullable=True),
        sa.Column('wage_min', sa.Integer(), nullable=True),
        sa.Column('wage_max', sa.Integer(), nullable=True),
        sa.Column('hours_per_week', sa.Integer(), nullable=True),
        sa.Column('education_min', sa.String(length=20), nullable=True),
        sa.Column('age_min', sa.Integer(), nullable=True),
        sa.Column('age_max', sa.Integer(), nullable=True),
        sa.Column('public_welfare', sa.Boolean(), nullable=False),
        sa.Column('positions', sa.Integer(), nullable=False),
        sa.Column('filled', sa.Integer(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['employer_id'], ['employers.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('employer_id', 'title', 'district', 'street', name='uq_openings_natural'),
    )
    op.create_index('ix_openings_employer_id', 'openings', ['employer_id'])
    op.create_index('ix_openings_district', 'openings', ['district'])
    op.create_index('ix_openings_created_at', 'openings', ['created_at'])

    op.create_table(
        'recommendations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seeker_id', sa.Integer(), nullable=False),
        sa.Column('opening_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=True),
        sa.Column('pushed_at', sa.DateTime(), nullable=True),
        sa.Column('response', sa.String(length=20), nullable=True),
        sa.Column('responded_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['seeker_id'], ['seekers.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['opening_id'], ['openings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('seeker_id', 'opening_id', name='uq_recommendations_pair'),
    )
    for column in ('seeker_id', 'opening_id', 'delivery_id', 'pushed_at'):
        op.create_index(f'ix_recommendations_{column}', 'recommendations', [column])

    op.create_table(
        'training_courses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('provider', sa.String(length=100), nullable=True),
        sa.Column('district', sa.String(length=20), nullable=True),
        sa.Column('occupation_code', sa.String(length=20), nullable=True),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'training_offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seeker_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('via', sa.String(length=20), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=True),
        sa.Column('offered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['seeker_id'], ['seekers.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('seeker_id', 'course_id', name='uq_training_offers_pair'),
    )
    op.create_index('ix_training_offers_seeker_id', 'training_offers', ['seeker_id'])
    op.create_table(
        'seeker_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seeker_id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['seeker_id'], ['seekers.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('visit_id'),
    )
    op.create_index('ix_seeker_visits_seeker_id', 'seeker_visits', ['seeker_id'])


def downgrade() -> None:
    op.drop_index('ix_seeker_visits_seeker_id', table_name='seeker_visits')
    op.drop_table('seeker_visits')
    op.drop_index('ix_training_offers_seeker_id', table_name='training_offers')
    op.drop_table('training_offers')
    op.drop_table('training_courses')
    for column in ('seeker_id', 'opening_id', 'delivery_id', 'pushed_at'):
        op.drop_index(f'ix_recommendations_{column}', table_name='recommendations')
    op.drop_table('recommendations')
    for column in ('employer_id', 'district', 'created_at'):
        op.drop_index(f'ix_openings_{column}', table_name='openings')
    op.drop_table('openings')
    op.drop_table('employers')
    for column in ('openid', 'household_id', 'district', 'street', 'jiuye_kunnan', 'active'):
        op.drop_index(f'ix_seekers_{column}', table_name='seekers')
    op.drop_table('seekers')
