"""0018's indexes go onto a database already holding a city's kind of rows: the rows stay as
they were, the indexes are there, the model declares the same ones, and the queries that
need them use them."""
from __future__ import annotations

import importlib
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import MetaData, create_engine, inspect, insert, select, text
from sqlalchemy.engine import make_url

from models import Base, db, migrate
from review import routing
from tests.conftest import EXTERNAL_DB

CITY_INDEXES = importlib.import_module("models.migrations.versions.0018_city_indexes")
NOW = datetime(2026, 3, 2, 9, 0)


def _rows(n: int) -> dict[str, list[dict]]:
    """Rows for every table 0018 indexes, in the columns revision 0017 has."""
    open_states = routing.OPEN_STATES
    return {
        "staff_users": [{"id": 1, "username": "lin", "password_hash": "x", "role": "reviewer",
                         "district": "思明区", "failed_logins": 0, "active": True, "created_at": NOW}],
        "households": [{"id": i, "district": "思明区", "street": "鹭江街道", "hukou_xiamen": True,
                        "created_at": NOW, "updated_at": NOW} for i in range(1, n + 1)],
        "inbound_messages": [{"id": i, "dedupe_key": f"m{i}", "channel": "wechat", "openid": f"o-{i % 7}",
                              "msg_type": "text", "payload": f"sealed-{i}", "received_at": NOW + timedelta(seconds=i),
                              "state": "handled"} for i in range(1, 4 * n + 1)],
        "outbound_messages": [{"id": i, "channel": "wechat", "openid": f"o-{i % 7}", "kind": "custom",
                               "msg_type": "text", "payload": f"sealed-{i}", "state": "sent", "attempts": 1,
                               "created_at": NOW} for i in range(1, n + 1)],
        "applications": [{"id": i, "programme": "dibao", "form_id": "dibao",
                          "state": (*open_states, "approved")[i % (len(open_states) + 1)],
                          "district": "思明区", "answers": "{}", "situation": "{}", "verdict": "{}",
                          "checklist": "[]", "escalated": False, "submitted_at": NOW - timedelta(days=i),
                          "deadline_at": NOW + timedelta(days=i % 30),
                          "decided_at": NOW if i % (len(open_states) + 1) == len(open_states) else None,
                          "created_at": NOW, "updated_at": NOW} for i in range(1, n + 1)],
        "audit_log": [{"id": i, "at": NOW, "staff_id": 1, "staff_name": "lin", "action": "view_case",
                       "object_type": "application", "object_id": i % n + 1, "district": "思明区",
                       "detail": "{}"} for i in range(1, 3 * n + 1)],
        "escalations": [{"id": i, "application_id": i, "district": "思明区", "kind": "human",
                         "transcript": "[]", "participants": "[]", "state": "open", "created_at": NOW}
                        for i in range(1, n // 2)],
        "visits": [{"id": i, "household_id": i, "district": "思明区", "street": "鹭江街道",
                    "visit_date": date(2026, 1, 1) + timedelta(days=i % 50), "visitors": "社工",
                    "causes": "[]", "created_at": NOW} for i in range(1, n + 1)],
        "media_files": [{"id": i, "openid": f"o-{i % 7}", "media_id": f"media-{i}", "state": "stored",
                         "created_at": NOW} for i in range(1, n + 1)],
    }


def _snapshot(engine, tables) -> dict[str, list[tuple]]:
    meta = MetaData()
    meta.reflect(engine, only=tables)
    with engine.connect() as conn:
        return {name: conn.execute(select(meta.tables[name]).order_by(text("id"))).all() for name in tables}


def migrate_populated(url: str) -> None:
    db.configure(url)
    try:
        migrate.upgrade("0017")
        engine = db.engine()
        rows = _rows(200)
        meta = MetaData()
        meta.reflect(engine, only=list(rows))
        with engine.begin() as conn:
            for name, values in rows.items():  # executemany, in the columns 0017 has
                conn.execute(insert(meta.tables[name]), values)
        before = _snapshot(engine, list(rows))

        migrate.upgrade()

        assert migrate.current() == migrate.head()
        assert _snapshot(engine, list(rows)) == before  # not a row lost or changed
        found = inspect(engine)
        for name, table, columns, _ in CITY_INDEXES.NEW:
            assert {"name": name, "columns": columns} in [
                {"name": ix["name"], "columns": ix["column_names"]} for ix in found.get_indexes(table)]
        for name, table, _ in CITY_INDEXES.REPLACED:
            assert name not in [ix["name"] for ix in found.get_indexes(table)]
        if engine.dialect.name == "postgresql":  # a concurrent build that failed would be INVALID
            with engine.connect() as conn:
                assert conn.scalar(text("SELECT count(*) FROM pg_index WHERE NOT indisvalid")) == 0
    finally:
        db.engine().dispose()


def test_sqlite_with_rows(app, tmp_path):
    original = app.config["DATABASE_URL"]
    try:
        migrate_populated(f"sqlite:///{tmp_path / 'populated.db'}")
    finally:
        db.configure(original)


@pytest.mark.skipif(not EXTERNAL_DB.startswith("postgresql"), reason="needs DATABASE_URL=postgresql://…")
def test_postgresql_with_rows(app):
    original = app.config["DATABASE_URL"]
    name = f"yitang_populated_{uuid.uuid4().hex[:8]}"
    admin = create_engine(EXTERNAL_DB, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        migrate_populated(make_url(EXTERNAL_DB).set(database=name).render_as_string(hide_password=False))
    finally:
        db.configure(original)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}"'))
        admin.dispose()


def test_the_models_declare_the_migrated_indexes(app):
    """What autogenerate would compare: every index 0018 makes is on the model too."""
    for name, table, columns, where in CITY_INDEXES.NEW:
        [declared] = [ix for ix in Base.metadata.tables[table].indexes if ix.name == name]
        assert [c.name for c in declared.columns] == columns
        condition = declared.dialect_options["sqlite"]["where"]
        assert (str(condition) if condition is not None else None) == where
    for name, table, _ in CITY_INDEXES.REPLACED:
        assert name not in {ix.name for ix in Base.metadata.tables[table].indexes}


def test_the_open_index_covers_exactly_the_open_states():
    """The queue reads the partial index only while its condition names the open states."""
    assert CITY_INDEXES.OPEN == "state IN ({})".format(", ".join(f"'{s}'" for s in routing.OPEN_STATES))


def _plan(sql: str, **params) -> str:
    with db.engine().connect() as conn:
        return " ".join(str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql), params))


@pytest.mark.skipif(EXTERNAL_DB.startswith("postgresql"), reason="SQLite's plan")
def test_lookups_read_their_index(app):
    """The transcript on 人工, an object's audit trail, a team's open queue: one index range
    each, not a walk through every row."""
    assert "ix_inbound_openid_id" in _plan(
        "SELECT id FROM inbound_messages WHERE openid = :o ORDER BY id DESC LIMIT 30", o="o-1")
    assert "ix_audit_object" in _plan(
        "SELECT id FROM audit_log WHERE object_type = 'application' AND object_id = 8 ORDER BY id DESC LIMIT 100")
    open_states = ", ".join(f"'{s}'" for s in routing.OPEN_STATES)
    assert "ix_applications_open_district" in _plan(
        f"SELECT id FROM applications WHERE district = '思明区' AND state IN ({open_states}) "
        "ORDER BY deadline_at, id LIMIT 50")
