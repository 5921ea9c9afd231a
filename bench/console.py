"""The staff console and the chat's transcript with a city's years of data.

Generates city-shaped data into a scratch database of its own (a temporary SQLite file, or
with DATABASE_URL=postgresql://… a database `bench_console` created on that server and
dropped at the end; never the database the URL names), then times each staff page through
gunicorn (2 sync workers, requests one after another, as issue 18 measured) and the
transcript staff get when a resident with old messages asks for a person (人工).

    .venv/bin/python bench/console.py              # 1/5 of the city, a few minutes
    .venv/bin/python bench/console.py --scale 1    # 200,000 households, 5 million messages …

Last line: bench console: queue_p95_ms=… admin_queue_p95_ms=… dashboard_p95_ms=…
visits_p95_ms=… audit_p95_ms=… transcript_p95_ms=… worker_rss_mb=…
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.webhook import free_port  # noqa: E402

SCRATCH_DB = "bench_console"
PASSWORD = "bench-console-password"
# The city at --scale 1 (issue 18).
FULL = {"households": 200_000, "applications": 300_000, "inbound": 5_000_000, "outbound": 2_000_000,
        "audit": 2_000_000, "visits": 150_000}
NOW = datetime.utcnow().replace(microsecond=0)
YEARS = 3  # the data spans three years
OPEN_STATES = ("submitted", "in_review", "need_documents")
PROGRAMMES = ("dibao", "dibao", "dibao", "dishouru", "tekun", "jiaoyu", "yiliao", "weifang", "jiuye", "daikuan")
AUDIT_ACTIONS = ("view_case", "view_case", "view_case", "view_pii", "claim", "approve", "reject",
                 "view_household", "record_visit", "login", "view_document")
CHUNK = 20_000
REQUESTS = 30  # timed requests per page


# ---- the scratch database ------------------------------------------------------------------------

def scratch_database(var: Path) -> tuple[str, callable]:
    """The URL to fill and a function that removes it afterwards."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgresql"):
        return f"sqlite:///{var / 'bench.db'}", lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(configured).set(database="postgres")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)'))

    drop()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{SCRATCH_DB}"'))
    return make_url(configured).set(database=SCRATCH_DB).render_as_string(hide_password=False), drop


# ---- bulk loading --------------------------------------------------------------------------------

class Loader:
    """Rows into a table as fast as the database takes them: COPY on PostgreSQL (psycopg),
    executemany of one prepared INSERT on SQLite. Values arrive ready for the column
    (sealed text for encrypted columns, JSON text), so nothing is encrypted per row."""

    def __init__(self, engine):
        self.engine = engine
        self.postgresql = engine.dialect.name == "postgresql"

    def load(self, table: str, columns: tuple[str, ...], rows) -> int:
        raw = self.engine.raw_connection()
        count = 0
        try:
            cur = raw.cursor()
            if self.postgresql:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                batch = []
                for row in rows:
                    batch.append(tuple(_sqlite(v) for v in row))
                    if len(batch) == CHUNK:
                        cur.executemany(sql, batch)
                        count += len(batch)
                        batch.clear()
                cur.executemany(sql, batch)
                count += len(batch)
            raw.commit()
        finally:
            raw.close()
        return count

    def finish(self, tables: list[str]) -> None:
        """Sequences past the ids we chose; statistics (and PostgreSQL's visibility map)."""
        from sqlalchemy import text

        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                if self.postgresql:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
                    conn.execute(text(f"VACUUM ANALYZE {table}"))
            if not self.postgresql:
                conn.execute(text("ANALYZE"))


def _sqlite(value):
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def generate(engine, scale: float, rng: random.Random) -> dict:
    """The city's rows at `scale`; what the timing needs to know about them."""
    from models import hash_password, pii

    counts = {key: max(50, int(n * scale)) for key, n in FULL.items()}
    streets = {d: [s for s in v if not s.startswith("_")]
               for d, v in yaml.safe_load((ROOT / "employment" / "streets.yaml").read_text("utf-8")).items()}
    districts = list(streets)
    weights = [30, 22, 16, 12, 10, 10]  # 思明 and 湖里 are the larger
    sealed = lambda values: [pii.seal(v) for v in values]  # noqa: E731
    names, id_numbers, phones = (sealed(f"陈{n}明" for n in range(300)),
                                 sealed(f"35020319800101{n:04d}" for n in range(300)),
                                 sealed(f"138{n:08d}" for n in range(300)))
    said = sealed(json.dumps({"Content": t}, ensure_ascii=False) for t in ("你好", "进度", "低保怎么申请", "1", "是的"))
    pushed = sealed(json.dumps({"content": t}, ensure_ascii=False) for t in ("您的申请已受理。", "请补充材料。"))
    situation = json.dumps({"hukou_xiamen": True, "members": [
        {"age": 40 + n, "sex": "female", "monthly_income": 0, "employed": False, "disability": None,
         "student_stage": None} for n in range(4)], "financial_assets": 20000, "annual_medical_expense": 3600})
    verdict = json.dumps({"programmes": {"dibao": {"eligible": True, "monthly_benefit": 710.0, "standard": 800}},
                          "explanation": ["每月收入按家庭人口平均计算。" * 8] * 6, "documents": []},
                         ensure_ascii=False)
    span = timedelta(days=365 * YEARS)
    load = Loader(engine).load
    timings = {}

    def timed(name, table, columns, rows):
        start = time.perf_counter()
        n = load(table, columns, rows)
        timings[name] = (n, time.perf_counter() - start)

    place = {}  # household id -> (district, street)

    def households():
        for i in range(1, counts["households"] + 1):
            district = rng.choices(districts, weights)[0]
            place[i] = (district, rng.choice(streets[district]))
            yield (i, district, place[i][1], True, NOW - span, NOW - span)
    timed("households", "households", ("id", "district", "street", "hukou_xiamen", "created_at", "updated_at"),
          households())

    staff_hash = hash_password(PASSWORD)
    staff = [(1, "bench_admin", "admin", "厦门市", None), (2, "bench_reviewer", "reviewer", "思明区", None),
             (3, "bench_caseworker", "caseworker", "思明区", "鹭江街道")]
    timed("staff", "staff_users", ("id", "username", "password_hash", "role", "district", "street",
                                   "failed_logins", "active", "created_at"),
          ((i, u, staff_hash, r, d, s, 0, True, NOW - span) for i, u, r, d, s in staff))

    def applications():
        for i in range(1, counts["applications"] + 1):
            household = rng.randint(1, counts["households"])
            district, street = place[household]
            roll = rng.random()
            if roll < 0.19:  # open: submitted in the last four months, many past their deadline
                state, submitted = rng.choice(OPEN_STATES), NOW - timedelta(days=rng.uniform(0, 120))
            elif roll < 0.23:
                state, submitted = "draft", None
            elif roll < 0.30:
                state, submitted = "withdrawn", NOW - span * rng.random()
            else:
                state, submitted = rng.choice(("approved", "approved", "rejected")), NOW - span * rng.random()
            decided = submitted + timedelta(days=rng.uniform(3, 60)) if state in ("approved", "rejected") else None
            if decided and decided > NOW:
                decided = NOW
            deadline = submitted + timedelta(days=42) if submitted else None
            programme = rng.choice(PROGRAMMES)
            created = submitted or NOW - timedelta(days=rng.uniform(0, 30))
            yield (i, household, f"o-{household}", programme, programme, state, district, street,
                   rng.choice(names), rng.choice(id_numbers), rng.choice(phones), "{}", situation, verdict, "[]",
                   rng.choice((2, 3, None)) if state != "submitted" else None, False, deadline, submitted,
                   decided, 710 if state == "approved" else None, created, decided or created)
    timed("applications", "applications",
          ("id", "household_id", "openid", "programme", "form_id", "state", "district", "street", "applicant_name",
           "applicant_id_number", "applicant_phone", "answers", "situation", "verdict", "checklist",
           "assigned_to", "escalated", "deadline_at", "submitted_at", "decided_at", "decision_amount",
           "created_at", "updated_at"), applications())

    # Messages in the order they arrived over three years. The first 2% of residents wrote
    # only in the first year: their transcript is at the far end of the table.
    residents = counts["households"]
    old = max(1, residents // 50)

    def inbound():
        n = counts["inbound"]
        for i in range(1, n + 1):
            early = i < n // 3
            who = rng.randint(1, old) if early and rng.random() < 0.1 else rng.randint(old + 1, residents)
            at = NOW - span + span * (i / n)
            yield (i, f"in-{i}", "wechat", f"o-{who}", "text", rng.choice(said), at, "handled", at)
    timed("inbound", "inbound_messages",
          ("id", "dedupe_key", "channel", "openid", "msg_type", "payload", "received_at", "state", "handled_at"),
          inbound())

    def outbound():
        n = counts["outbound"]
        for i in range(1, n + 1):
            at = NOW - span + span * (i / n)
            who = rng.randint(1, old) if i < n // 3 and rng.random() < 0.1 else rng.randint(old + 1, residents)
            yield (i, "wechat", f"o-{who}", "custom", "text", rng.choice(pushed), "sent", 1, at, at)
    timed("outbound", "outbound_messages",
          ("id", "channel", "openid", "kind", "msg_type", "payload", "state", "attempts", "created_at", "sent_at"),
          outbound())

    def audit():
        n = counts["audit"]
        for i in range(1, n + 1):
            kind = rng.random()
            object_type, object_id = (("application", rng.randint(1, counts["applications"])) if kind < 0.7 else
                                      ("household", rng.randint(1, counts["households"])) if kind < 0.9 else
                                      ("staff", rng.randint(1, 3)))
            who = rng.randint(1, 3)
            yield (i, NOW - span + span * (i / n), who, staff[who - 1][1], rng.choice(AUDIT_ACTIONS), object_type,
                   object_id, staff[who - 1][3], "{}")
    timed("audit", "audit_log", ("id", "at", "staff_id", "staff_name", "action", "object_type", "object_id",
                                 "district", "detail"), audit())

    def visits():
        for i in range(1, counts["visits"] + 1):
            household = rng.randint(1, counts["households"])
            district, street = place[household]
            day = (NOW - span * rng.random()).date()
            yield (i, household, district, street, day, "社工张某、李某", "家中老人行动不便，收入主要靠低保。",
                   json.dumps(["因病"], ensure_ascii=False), "希望加快审核", 3, NOW - (NOW.date() - day))
    timed("visits", "visits", ("id", "household_id", "district", "street", "visit_date", "visitors", "findings",
                               "causes", "needs", "recorded_by", "created_at"), visits())

    def escalations():
        for i in range(1, counts["applications"] // 100 + 1):
            application = rng.randint(1, counts["applications"])
            created = NOW - span * rng.random()
            yield (i, f"o-{i}", application, rng.choice(districts), "human", "[]", "[]", "resolved", created,
                   created + timedelta(hours=rng.uniform(0.2, 30)), False)
    timed("escalations", "escalations", ("id", "openid", "application_id", "district", "kind", "transcript",
                                         "participants", "state", "created_at", "first_response_at", "in_chat"),
          escalations())
    start = time.perf_counter()
    Loader(engine).finish(["households", "staff_users", "applications", "inbound_messages", "outbound_messages",
                           "audit_log", "visits", "escalations"])
    timings["analyze"] = (0, time.perf_counter() - start)
    place.clear()
    return {"counts": counts, "timings": timings, "old_residents": [f"o-{n}" for n in range(1, old + 1)]}


# ---- timing --------------------------------------------------------------------------------------

def serve(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "--timeout", "120",
                             "--log-level", "warning", "-b", f"127.0.0.1:{port}", "webhook:create_app()"],
                            cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the app did not start")


def logged_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/staff/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    data = {"username": username, "password": PASSWORD, **({"csrf_token": token.group(1)} if token else {})}
    response = session.post(f"{base}/staff/login", data=data, allow_redirects=False)
    if response.status_code not in (302, 303):
        raise SystemExit(f"{username} could not log in: {response.status_code}")
    return session


def timed(session: requests.Session, base: str, paths: list[str], count: int = REQUESTS) -> tuple[list, int]:
    """Milliseconds of `count` requests cycling through `paths` (after one warm-up of each),
    and the largest page in bytes."""
    for path in paths:
        session.get(base + path)
    times, largest = [], 0
    for n in range(count):
        start = time.perf_counter()
        response = session.get(base + paths[n % len(paths)])
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{paths[n % len(paths)]} answered {response.status_code}")
        largest = max(largest, len(response.content))
    return times, largest


def p95(*runs: tuple[list, int]) -> tuple[float, int]:
    times = sorted(t for run, _ in runs for t in run)
    return times[min(len(times) - 1, int(len(times) * 0.95))], max(size for _, size in runs)


def worker_rss_mb(master: int) -> float:
    import psutil

    return max((child.memory_info().rss for child in psutil.Process(master).children()), default=0) / 2**20


def transcript_p95(env: dict, residents: list[str]) -> float:
    """bot.escalate.transcript (what 人工 gathers for staff) for residents whose messages are
    all in the first year, in a process of its own on the same configuration."""
    code = (
        "import json, sys, time\n"
        "from webhook import create_app\n"
        "from bot.escalate import transcript\n"
        "from models import Session\n"
        "app = create_app()\n"
        "times = []\n"
        "with app.app_context():\n"
        "    for openid in json.loads(sys.argv[1]):\n"
        "        start = time.perf_counter(); lines = transcript(openid); Session.remove()\n"
        "        times.append((time.perf_counter() - start) * 1000)\n"
        "        assert lines, openid\n"
        "times = sorted(times[3:])\n"
        "print(times[min(len(times) - 1, int(len(times) * 0.95))])\n")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(residents)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.2, help="share of the city's figures (1 = full size)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (to look at plans)")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="bench-console-"))
    url, drop = scratch_database(var)
    config = var / "config.toml"
    config.write_text(f'[app]\nenv = "testing"\nvar_dir = "{var}"\n'
                      f'[security]\nsecret_key = "bench"\npii_key = "bench"\n')
    env = {**os.environ, "YITANG_CONFIG": str(config), "DATABASE_URL": url}
    os.environ.update(env)
    proc = None
    try:
        from models import db, migrate
        from webhook import create_app

        create_app()
        migrate.upgrade()
        start = time.perf_counter()
        made = generate(db.engine(), args.scale, random.Random(args.seed))
        generated_s = time.perf_counter() - start
        db.engine().dispose()
        for name, (n, seconds) in made["timings"].items():
            print(f"  {name:<13} {n:>9,} rows  {seconds:6.1f} s")

        port = free_port()
        proc = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        caseworker, reviewer, admin = (logged_in(base, u) for u in ("bench_caseworker", "bench_reviewer",
                                                                     "bench_admin"))
        apps, households = made["counts"]["applications"], made["counts"]["households"]
        rng = random.Random(args.seed)
        figures = {
            "queue": p95(timed(caseworker, base, [
                "/staff/queue", "/staff/queue?page=20", "/staff/queue?overdue=1", "/staff/queue?state=all&page=200",
                "/staff/queue?programme=tekun"])),
            "admin_queue": p95(timed(admin, base, [
                "/staff/queue", "/staff/queue?page=20", "/staff/queue?overdue=1", "/staff/queue?district=湖里区&page=50"])),
            "dashboard": p95(timed(reviewer, base, ["/staff/dashboard"], REQUESTS // 2),
                             timed(admin, base, ["/staff/dashboard"], REQUESTS // 2)),
            "visits": p95(timed(caseworker, base, ["/staff/visits", "/staff/visits?page=5"]),
                          timed(reviewer, base, ["/staff/visits"], REQUESTS // 3)),
            "audit": p95(timed(admin, base, [
                *(f"/staff/audit?object_type=application&object_id={rng.randint(1, apps)}" for _ in range(5)),
                f"/staff/audit?object_type=household&object_id={rng.randint(1, households)}",
                "/staff/audit", "/staff/audit?staff_name=bench_reviewer", "/staff/audit?action=approve"])),
        }
        rss = worker_rss_mb(proc.pid)
        transcript_ms = transcript_p95(env, made["old_residents"][:40])
    finally:
        if proc:
            proc.terminate()
            proc.wait(20)
        from models import db
        try:
            db.engine().dispose()
        except RuntimeError:
            pass
        if not args.keep:
            drop()
        if not os.environ.get("REDIS_URL"):
            from models import kv
            kv.stop_embedded(var)
    where = url.split(":")[0]
    counts = made["counts"]
    print(f"database={where} scale={args.scale} generated in {generated_s:.0f} s: " +
          ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    for name, (ms, size) in figures.items():
        print(f"  {name:<12} p95 {ms:7.1f} ms   largest page {size / 1024:7.0f} KB")
    print(f"bench console: queue_p95_ms={figures['queue'][0]:.0f} admin_queue_p95_ms={figures['admin_queue'][0]:.0f} "
          f"dashboard_p95_ms={figures['dashboard'][0]:.0f} visits_p95_ms={figures['visits'][0]:.0f} "
          f"audit_p95_ms={figures['audit'][0]:.0f} transcript_p95_ms={transcript_ms:.1f} worker_rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
