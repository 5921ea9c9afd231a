"""Throughput and latency of POST /wechat through the whole path, against a bare endpoint.

Both run under gunicorn with the same settings. Each request is a realistic safe-mode text
message with a new MsgId and sender, so no cached reply is reused: verified, decrypted,
stored, de-duplicated, handled, reply encrypted. 32 connections; the load comes from two
client processes on this machine, so both servers share the cores with the client alike.

Last line(s): bench webhook: database=… rps=… bare_rps=… ratio=… p50_ms=… p99_ms=…
cpu_us_per_msg=… bare_cpu_us_per_msg=…
"""
from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakewechat.sender import WeChatSender  # noqa: E402

TOKEN, APP_ID = "bench-token", "wx_bench"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
CONNECTIONS = 32
PROCESSES = 2
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "4000"))
# Few threads per process: with the GIL, 16 threads only queue behind each other (p99 1.4 s vs 0.3 s).
# gunicorn.conf.py is the deployment's (reuse_port: connections spread over the workers); both
# servers read it, so the comparison stays fair.
GUNICORN = ["-c", "gunicorn.conf.py", "-w", "3", "-k", "gthread", "--threads", "4", "--log-level", "warning"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_requests(n: int, run: str) -> list[tuple[str, bytes]]:
    sender = WeChatSender(TOKEN, AES_KEY, APP_ID, mode="safe")
    out = []
    for i in range(n):
        query, body = sender.envelope(sender.text(f"o-bench-{run}-{i}", f"我想申请低保，第{i}条"))
        out.append(("/wechat?" + urlencode(query), body))
    return out


def worker(port: int, requests: list, results) -> None:
    latencies: list[float] = []
    lock = threading.Lock()
    errors = [0]
    chunks = [requests[i::CONNECTIONS // PROCESSES] for i in range(CONNECTIONS // PROCESSES)]

    def one_connection(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        for path, body in chunk:
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers={"Content-Type": "text/xml"})
            response = conn.getresponse()
            response.read()
            local.append(time.perf_counter() - start)
            if response.status != 200:
                errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=one_connection, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put((latencies, errors[0]))


def load(port: int, requests: list) -> tuple[float, list[float], int]:
    results = mp.Queue()
    shares = [requests[i::PROCESSES] for i in range(PROCESSES)]
    procs = [mp.Process(target=worker, args=(port, share, results)) for share in shares]
    start = time.perf_counter()
    for p in procs:
        p.start()
    gathered = [results.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    latencies = [x for lat, _ in gathered for x in lat]
    return len(requests) / elapsed, latencies, sum(err for _, err in gathered)


def server_cpu_s(master: int) -> float:
    """User + system CPU seconds of the gunicorn master and its live workers (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                # the command name may hold spaces: fields are counted after its ")"
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        pid, ppid = int(entry.name), int(fields[1])
        if pid == master or ppid == master:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def serve(target: str, env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{port}", target],
                            cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{target} did not start")


def measure(target: str, env: dict, run: str) -> tuple[float, list[float], int, float]:
    """(req/s, latencies, non-200 count, server CPU µs per message)."""
    port = free_port()
    proc = serve(target, env, port)
    try:
        load(port, make_requests(200, run + "-warm"))  # warm up pools and caches
        requests = make_requests(REQUESTS, run)
        cpu_before = server_cpu_s(proc.pid)
        rps, latencies, errors = load(port, requests)
        cpu_us = (server_cpu_s(proc.pid) - cpu_before) * 1e6 / len(requests)
        return rps, latencies, errors, cpu_us
    finally:
        proc.terminate()
        proc.wait(20)


SCRATCH = "bench_webhook"


def scratch_postgres(url: str, create: bool = True) -> str:
    """A fresh database `bench_webhook` on the server of `url` (dropped again with
    `create=False`): the bench never writes into the database the URL names (others may
    share it); it only connects there to create and drop its own."""
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))
        if create:
            conn.execute(text(f"CREATE DATABASE {SCRATCH}"))
    admin.dispose()
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{SCRATCH}"))


def run(database_url: str | None) -> str:
    var = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
    config = var / "config.toml"
    config.write_text(
        f'[app]\nenv = "testing"\nvar_dir = "{var}"\n'
        f'[wechat]\ntoken = "{TOKEN}"\napp_id = "{APP_ID}"\nencoding_aes_key = "{AES_KEY}"\n'
        f'api_base_url = "http://127.0.0.1:9/"\n'
        f'[security]\nsecret_key = "bench"\npii_key = "bench"\n'
    )
    env = {**os.environ, "YITANG_CONFIG": str(config)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    subprocess.run([sys.executable, "-m", "flask", "--app", "webhook", "init-db"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    where = (database_url or "sqlite").split(":")[0].split("+")[0]

    bare_rps, _, bare_errors, bare_cpu = measure("bench.bare:app", env, "bare")
    rps, latencies, errors, cpu = measure("webhook:create_app()", env, "full")
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"database={where} requests={REQUESTS} connections={CONNECTIONS} gunicorn={' '.join(GUNICORN)}")
    print(f"full path: {rps:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, non-200: {errors}, "
          f"server CPU {cpu:.0f} µs/msg")
    print(f"bare endpoint: {bare_rps:.0f} req/s, non-200: {bare_errors}, server CPU {bare_cpu:.0f} µs/msg")
    if not os.environ.get("REDIS_URL"):
        from models import kv

        kv.stop_embedded(var)
    return (f"bench webhook: database={where} rps={rps:.0f} bare_rps={bare_rps:.0f} "
            f"ratio={rps / bare_rps:.2f} p50_ms={p50:.1f} p99_ms={p99:.1f} "
            f"cpu_us_per_msg={cpu:.0f} bare_cpu_us_per_msg={bare_cpu:.0f}")


def main() -> None:
    lines = [run(None)]
    if url := os.environ.get("DATABASE_URL"):
        if urlsplit(url).path == f"/{SCRATCH}":
            raise SystemExit(f"DATABASE_URL names the bench's scratch database {SCRATCH}: name another")
        try:
            lines.append(run(scratch_postgres(url)))
        finally:
            scratch_postgres(url, create=False)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
