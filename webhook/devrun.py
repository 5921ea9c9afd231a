"""`make run`: the fake WeChat API, one worker, the retry scheduler, the cron scheduler and the
web server, stopped together. Each runs in a process of its own, as in a deployment: a worker
that dies takes no scheduler with it."""
from __future__ import annotations

import signal
import subprocess
import sys

from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.serving import WSGIRequestHandler, run_simple

from models import kv

from . import demo


def run(app: Flask, port: int, fake_port: int) -> None:
    cfg = app.config
    fake_url = f"http://127.0.0.1:{fake_port}/"
    children = [
        subprocess.Popen([sys.executable, "-m", "fakewechat", "--port", str(fake_port),
                          "--app-id", cfg["WECHAT_APP_ID"], "--app-secret", cfg["WECHAT_APP_SECRET"]]),
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "webhook", "worker"]),
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "webhook", "scheduler"]),
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "webhook", "cron"]),
    ]
    db_where = make_url(cfg["DATABASE_URL"]).render_as_string(hide_password=True)
    lines = [
        "",
        "一趟 yitang is starting",
        f"  database:   {db_where}",
        f"  redis:      {kv.where()}",
        f"  WeChat API: {cfg['WECHAT_API_BASE_URL']}"
        + ("  (the fake WeChat API server)" if cfg["WECHAT_API_BASE_URL"] == fake_url else
           f"  (note: the fake server listens on {fake_url})"),
        f"  simulator:  http://127.0.0.1:{port}/simulator",
        f"  console:    http://127.0.0.1:{port}/staff/login   {demo.LOGIN_HINT}",
        f"  health:     http://127.0.0.1:{port}/healthz",
        "Press Ctrl-C to stop the web server, the worker, the schedulers and the fake WeChat server.",
        "",
    ]
    print("\n".join(lines), flush=True)
    # SIGTERM (e.g. from a process manager) stops everything the same way as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False, request_handler=_QuietHandler)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        print("yitang stopped.", flush=True)


class _QuietHandler(WSGIRequestHandler):
    """No server or Python version in the `Server` header: it only helps an attacker."""

    def version_string(self) -> str:
        return "yitang"
