"""mini-program users and followers' unionids

`mp_users`: one row per mini-program openid, with its unionid and, when the same person
follows the Official Account, that follower's openid (whose conversation and applications they
share). `follower_unionids`: the unionid cgi-bin/user/info gave for a follower.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mp_users',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mp_openid', sa.String(length=64), nullable=False),
        sa.Column('unionid', sa.String(length=64), nullable=True),
        sa.Column('resident_openid', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_login_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('mp_openid'),
    )
    op.create_index('ix_mp_users_unionid', 'mp_users', ['unionid'])
    op.create_index('ix_mp_users_resident_openid', 'mp_users', ['resident_openid'])
    op.create_table(
        'follower_unionids',
        sa.Column('openid', sa.String(length=64), nullable=False),
        sa.Column('unionid', sa.String(length=64), nullable=True),
        sa.Column('learned_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('openid'),
    )
    op.create_index('ix_follower_unionids_unionid', 'follower_unionids', ['unionid'])


def downgrade() -> None:
    op.drop_index('ix_follower_unionids_unionid', table_name='follower_unionids')
    op.drop_table('follower_unionids')
    op.drop_index('ix_mp_users_resident_openid', table_name='mp_users')
    op.drop_index('ix_mp_users_unionid', table_name='mp_users')
    op.drop_table('mp_users')
