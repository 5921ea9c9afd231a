"""PATCH /api/mp/applications/<draft> (answers) through the whole path under gunicorn: token
looked up in Redis, the resident's turn lock, the form's checks, the conversation saved.
16 residents, one connection each (a resident's calls take turns by design), against the fake
WeChat server for the log-ins. Bounded by BENCH_REQUESTS (default 2000).
Last line: bench mp: rps=… p50_ms=… p99_ms=…
"""
from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.webhook import GUNICORN, free_port  # noqa: E402
from fakewechat import FakeWeChat  # noqa: E402

APP_ID, APP_SECRET = "wx_bench", "bench-oa-secret"
MP_APP_ID, MP_APP_SECRET = "wx_bench_mp", "bench-mp-secret"
CONNECTIONS = 16
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
# Answers the dibao form takes one at a time, as a resident ticks them off.
ANSWERS = [{"hukou_xiamen": True}, {"any_tekun": False}, {"hukou_xiamen": True, "any_tekun": False}]


def call(conn, method: str, path: str, body: dict | None = None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def serve(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{port}",
                             "webhook:create_app()"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            if call(conn, "GET", "/healthz")[0] == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the app did not start")


def resident(port: int, fake: FakeWeChat, n: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, body = call(conn, "POST", "/api/mp/login", {"code": fake.login_code(f"o-mp-bench-{n}")})
    if status != 200:
        raise SystemExit(f"login failed: {status} {body[:200]!r}")
    token = json.loads(body)["token"]
    status, body = call(conn, "POST", "/api/mp/applications", {"form": "dibao"}, token)
    if status not in (200, 201):
        raise SystemExit(f"draft failed: {status} {body[:200]!r}")
    conn.close()
    return token


def load(port: int, tokens: list[str], total: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def one(token: str, count: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local, bad = [], 0
        for i in range(count):
            start = time.perf_counter()
            status, _ = call(conn, "PATCH", "/api/mp/applications/dibao", {"answers": ANSWERS[i % len(ANSWERS)]}, token)
            local.append(time.perf_counter() - start)
            bad += status != 200
        conn.close()
        with lock:
            latencies.extend(local)
            errors[0] += bad

    threads = [threading.Thread(target=one, args=(t, total // len(tokens))) for t in tokens]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / (time.perf_counter() - start), latencies, errors[0]


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="bench-mp-"))
    with FakeWeChat(APP_ID, APP_SECRET, mp_app_id=MP_APP_ID, mp_app_secret=MP_APP_SECRET) as fake:
        config = var / "config.toml"
        config.write_text(
            f'[app]\nenv = "testing"\nvar_dir = "{var}"\n'
            f'[wechat]\ntoken = "bench-token-123456"\napp_id = "{APP_ID}"\napp_secret = "{APP_SECRET}"\n'
            f'api_base_url = "{fake.url}"\n'
            f'[miniprogram]\napp_id = "{MP_APP_ID}"\napp_secret = "{MP_APP_SECRET}"\n'
            f'rate_limit = "100000 per minute"\naddress_rate_limit = "100000 per minute"\n'
            f'login_rate_limit = "1000 per minute"\n'
            f'[security]\nsecret_key = "bench"\npii_key = "bench"\n')
        env = {**os.environ, "YITANG_CONFIG": str(config)}
        subprocess.run([sys.executable, "-m", "flask", "--app", "webhook", "init-db"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        port = free_port()
        proc = serve(env, port)
        try:
            tokens = [resident(port, fake, n) for n in range(CONNECTIONS)]
            load(port, tokens, 10 * CONNECTIONS)  # warm up
            rps, latencies, errors = load(port, tokens, REQUESTS)
        finally:
            proc.terminate()
            proc.wait(20)
    if not os.environ.get("REDIS_URL"):
        from models import kv
        kv.stop_embedded(var)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000
    where = env.get("DATABASE_URL", "sqlite").split(":")[0]
    print(f"database={where} requests={len(latencies)} residents={CONNECTIONS} gunicorn={' '.join(GUNICORN)}")
    print(f"PATCH answers: {rps:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, non-200: {errors}")
    print(f"bench mp: rps={rps:.0f} p50_ms={p50:.1f} p99_ms={p99:.1f}")


if __name__ == "__main__":
    main()
