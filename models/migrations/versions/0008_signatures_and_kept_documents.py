"""signatures and kept documents

`signing_links`: one adult's single-use link to sign one declaration of an application (the
token kept only as its sha256). `document_expiries`: a kept document's own expiry date, when
known, so it is reused until then (review/document_validity.yaml has the defaults).

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'signing_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.String(length=40), nullable=False),
        sa.Column('member', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('failed_attempts', sa.Integer(), nullable=False),
        sa.Column('signer_name', sa.Text(), nullable=True),
        sa.Column('checked', sa.Boolean(), nullable=True),
        sa.Column('text_sha256', sa.String(length=64), nullable=True),
        sa.Column('signature_media_id', sa.Integer(), nullable=True),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['signature_media_id'], ['media_files.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_signing_links_application_id', 'signing_links', ['application_id'])
    op.create_table(
        'document_expiries',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['application_documents.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_id'),
    )


def downgrade() -> None:
    op.drop_table('document_expiries')
    op.drop_index('ix_signing_links_application_id', table_name='signing_links')
    op.drop_table('signing_links')
