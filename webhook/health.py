"""GET /healthz: liveness of the database and Redis, and the backlog of work that is stuck.

`down: …` (503) when the database or Redis cannot be reached. A backlog is `degraded: …`
with 200: the process is alive and restarting it would not move a stuck row, so a liveness
probe must not kill it; a monitor alerts on the status instead. Count queries only.
"""
from __future__ import annotations

from flask import Blueprint, jsonify

from channels import backlog
from models import db, kv

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    state = {}
    for name, check in (("database", db.ping), ("redis", lambda: kv.client().ping())):
        try:
            check()
            state[name] = "ok"
        except Exception as err:  # any failure means "down"; the kind is enough detail
            state[name] = f"down: {type(err).__name__}"
    down = [name for name, value in state.items() if value != "ok"]
    stuck = _stuck() if state["database"] == "ok" else None
    if down:
        status = "down: " + ", ".join(down)
    elif stuck is None:  # the ping passed but the counts failed: nobody can tell all is well
        status = "degraded: backlog"
    else:
        names = [name for name, count in stuck.items() if count]
        status = "degraded: " + ", ".join(names) if names else "ok"
    body = {"status": status, **state, "backlog": {
        "stuck_over_s": int(backlog.HEALTH_STUCK_AFTER.total_seconds()),
        **(stuck or dict.fromkeys(backlog.STUCK_KINDS)),
        "failed_jobs": _failed_jobs() if state["redis"] == "ok" else None}}
    return jsonify(body), 503 if down else 200


def _stuck() -> dict[str, int] | None:
    try:
        return backlog.stuck_counts()
    except Exception:  # the ping passed but a query did not: say so rather than answer 500
        return None


def _failed_jobs() -> int | None:
    try:
        return sum(backlog.failed_counts().values())
    except Exception:  # Redis answered its ping; a number missing here is not an outage
        return None
