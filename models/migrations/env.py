from alembic import context

from models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    # One transaction per migration: a migration may leave it for work that cannot run in
    # one (0018's CREATE INDEX CONCURRENTLY) without losing what came before.
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
