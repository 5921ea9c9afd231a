"""Alembic, driven from code so `flask --app webhook init-db` needs no alembic.ini."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .db import engine

HERE = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def upgrade(revision: str = "head") -> None:
    # Alembic runs each migration in its own transaction (env.py), so a migration can step
    # outside it for CREATE INDEX CONCURRENTLY on PostgreSQL.
    with engine().connect() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current() -> str | None:
    with engine().connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
