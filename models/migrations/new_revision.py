"""Developer tool: autogenerate the next migration from the models.

    .venv/bin/python -m models.migrations.new_revision "what changed" 0003

It migrates a scratch SQLite database to head and compares it with the models; review the
generated file (and keep sa.String for Encrypted columns) before committing it.
"""
import sys
import tempfile

from alembic import command

from models import db, migrate, pii

message, rev_id = sys.argv[1], sys.argv[2]
pii.configure("scratch")
db.configure(f"sqlite:///{tempfile.mkdtemp()}/scratch.db")
migrate.upgrade()
with db.engine().begin() as conn:
    cfg = migrate.alembic_config()
    cfg.attributes["connection"] = conn
    command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
