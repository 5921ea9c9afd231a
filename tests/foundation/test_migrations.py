"""Migrations bring an empty database to the latest revision, and repeating is harmless."""
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from models import db, migrate
from tests.conftest import EXTERNAL_DB, run_flask

TABLES = {"households", "members", "residents", "staff_users", "inbound_messages", "outbound_messages",
          "media_files", "applications", "application_documents", "application_transitions",
          "escalations", "escalation_notes", "visits", "clues", "audit_log", "conversations", "alembic_version"}


def migrate_fresh(url: str) -> None:
    db.configure(url)
    try:
        assert migrate.current() is None
        migrate.upgrade()
        assert migrate.current() == migrate.head()
        migrate.upgrade()  # a second run changes nothing
        assert migrate.current() == migrate.head()
        assert TABLES <= set(inspect(db.engine()).get_table_names())
    finally:
        db.engine().dispose()


def test_sqlite_from_empty(app, tmp_path):
    original = app.config["DATABASE_URL"]
    try:
        migrate_fresh(f"sqlite:///{tmp_path / 'fresh.db'}")
    finally:
        db.configure(original)


@pytest.mark.skipif(not EXTERNAL_DB.startswith("postgresql"), reason="needs DATABASE_URL=postgresql://…")
def test_postgresql_from_empty(app):
    original = app.config["DATABASE_URL"]
    name = f"yitang_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(EXTERNAL_DB, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        migrate_fresh(make_url(EXTERNAL_DB).set(database=name).render_as_string(hide_password=False))
    finally:
        db.configure(original)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()


def test_init_db_command_is_safe_to_repeat(app):
    first = run_flask("init-db")
    second = run_flask("init-db")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert f"database already at revision {migrate.head()}" in second.stdout
