"""urgent cases stay a conversation: a thread per case, the resident's own district and street

`escalation_messages` holds each case's thread (the resident, the chat, staff). On
`escalations`: `in_chat` (the resident's messages go to the thread while the case is open),
`street`, `asking` (the chat waits for the district or street), `paused_at` (the resident went
back to an application for a while), `seen_message_id` (what staff have read). Open cases the
resident opened (人工, urgent words) become conversations.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('in_chat', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('asking', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('seen_message_id', sa.Integer(), nullable=True))
    escalations = sa.table('escalations', sa.column('in_chat', sa.Boolean()), sa.column('state', sa.String()),
                           sa.column('kind', sa.String()), sa.column('openid', sa.String()))
    op.execute(escalations.update().where(
        escalations.c.state == 'open', escalations.c.kind.in_(['human', 'urgent']),
        escalations.c.openid.isnot(None)).values(in_chat=True))
    op.create_table(
        'escalation_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('escalation_id', sa.Integer(), nullable=False),
        sa.Column('author', sa.String(length=10), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('inbound_id', sa.Integer(), nullable=True),
        sa.Column('media_file_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id']),
        sa.ForeignKeyConstraint(['inbound_id'], ['inbound_messages.id']),
        sa.ForeignKeyConstraint(['media_file_id'], ['media_files.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_escalation_messages_escalation_id', 'escalation_messages', ['escalation_id'])


def downgrade() -> None:
    op.drop_index('ix_escalation_messages_escalation_id', table_name='escalation_messages')
    op.drop_table('escalation_messages')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_column('seen_message_id')
        batch_op.drop_column('paused_at')
        batch_op.drop_column('asking')
        batch_op.drop_column('in_chat')
        batch_op.drop_column('street')
