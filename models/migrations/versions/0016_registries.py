"""department registries and discovery

`registry_imports` (one per file imported), `registry_facts` (one per person, registry and key;
the row sealed), `discovery_items` (the caseworkers' worklist: likely eligible, linked
programmes) and `auto_cases` (applications opened without one: one per programme, student
and year).

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'registry_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('imported_on', sa.Date(), nullable=False),
        sa.Column('imported_by', sa.String(length=120), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('households_added', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'registry_facts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('person_index', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=20), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('imported_on', sa.Date(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['member_id'], ['members.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['import_id'], ['registry_imports.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'person_index', 'key', name='uq_registry_facts_person'),
    )
    op.create_index('ix_registry_facts_kind', 'registry_facts', ['kind'])
    op.create_index('ix_registry_facts_person_index', 'registry_facts', ['person_index'])
    op.create_index('ix_registry_facts_household_id', 'registry_facts', ['household_id'])
    op.create_table(
        'discovery_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('programme', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('district', sa.String(length=20), nullable=False),
        sa.Column('street', sa.String(length=40), nullable=True),
        sa.Column('source_application_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('closed_by', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['source_application_id'], ['applications.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('household_id', 'kind', 'programme', name='uq_discovery_items_what'),
    )
    op.create_index('ix_discovery_items_household_id', 'discovery_items', ['household_id'])
    op.create_index('ix_discovery_items_district', 'discovery_items', ['district'])
    op.create_index('ix_discovery_items_state', 'discovery_items', ['state'])
    op.create_table(
        'auto_cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('programme', sa.String(length=20), nullable=False),
        sa.Column('person_key', sa.String(length=80), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('trigger', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('notified_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('application_id'),
        sa.UniqueConstraint('programme', 'person_key', 'year', name='uq_auto_cases_once'),
    )
    op.create_index('ix_auto_cases_household_id', 'auto_cases', ['household_id'])


def downgrade() -> None:
    op.drop_index('ix_auto_cases_household_id', table_name='auto_cases')
    op.drop_table('auto_cases')
    for name in ('ix_discovery_items_state', 'ix_discovery_items_district', 'ix_discovery_items_household_id'):
        op.drop_index(name, table_name='discovery_items')
    op.drop_table('discovery_items')
    for name in ('ix_registry_facts_household_id', 'ix_registry_facts_person_index', 'ix_registry_facts_kind'):
        op.drop_index(name, table_name='registry_facts')
    op.drop_table('registry_facts')
    op.drop_table('registry_imports')
