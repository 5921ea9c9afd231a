"""One engine and one session factory for the web app, the workers and the commands."""
from __future__ import annotations

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker


class Base(DeclarativeBase):
    pass


Session = scoped_session(sessionmaker(expire_on_commit=False))
_engine: Engine | None = None

CONNECT_TIMEOUT_S = 3
# Sent data unacknowledged this long (a dead server or network) fails the statement.
TCP_USER_TIMEOUT_MS = 4000


def configure(database_url: str) -> Engine:
    """Bind the shared session to `database_url` (idempotent for the same URL)."""
    global _engine
    if _engine is not None and str(_engine.url) == database_url:
        return _engine
    if _engine is not None:
        Session.remove()
        _engine.dispose()
    # No ping before each checkout (a round trip per request): a connection the server
    # dropped fails its first statement, SQLAlchemy then discards the whole pool, and that
    # request answers 503 like any outage (webhook/errors.py), so WeChat delivers again.
    kwargs: dict = {"pool_pre_ping": False}
    if database_url.startswith("sqlite"):
        # Web threads and the worker share one file: wait for locks instead of failing.
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    elif database_url.startswith("postgresql"):
        # Hard limits: a server that does not answer fails the request within seconds (503)
        # instead of holding it past WeChat's 5 s; idle connections are probed by TCP.
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S,
                                  "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
                                  "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 5,
                                  "keepalives_count": 3}
    _engine = create_engine(database_url, **kwargs)
    if database_url.startswith("sqlite"):
        event.listen(_engine, "connect", _sqlite_pragmas)
    Session.configure(bind=_engine)
    return _engine


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL survives an application crash; only a power cut may lose the last
    # commits. A full fsync per commit would cap the embedded default at a few hundred writes/s.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def engine() -> Engine:
    if _engine is None:
        raise RuntimeError("models.db.configure() has not been called")
    return _engine


def lookup(statement, params: dict):
    """The first column of the first row (or None) of a prebuilt Core `statement`, on the
    shared session's connection: for the hot path's lookups of an id, where ORM execution
    costs three times the query. Objects the caller added are flushed first, as
    Session.scalar would."""
    session = Session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, params).scalar()


def ping() -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine().connect() as conn:
        conn.execute(text("SELECT 1"))
