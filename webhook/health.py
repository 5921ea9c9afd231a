"""GET /healthz: liveness of the database and Redis."""
from __future__ import annotations

from flask import Blueprint, jsonify

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
    body = {"status": "ok" if not down else "down: " + ", ".join(down), **state}
    return jsonify(body), 503 if down else 200
