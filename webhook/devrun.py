"""`make run`: the fake WeChat API, the fake SMS provider (fakesms/), the development mail
server (devmail/), one worker, the retry scheduler, the cron scheduler and the
web server, stopped together. Each runs in a process of its own, as in a deployment: a worker
that dies takes no scheduler with it."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.serving import WSGIRequestHandler, run_simple

from models import kv

from . import demo

# Where `make run` serves the fake SMS provider and the mail server (config.example.toml).
SMS_PORT, MAIL_PORT = 5002, 1025


def run(app: Flask, port: int, fake_port: int) -> None:
    cfg = app.config
    fake_url = f"http://127.0.0.1:{fake_port}/"
    sms_url = f"http://127.0.0.1:{SMS_PORT}/"
    mail_dir = Path(cfg["APP_VAR_DIR"]) / "mail"
    children = [
        subprocess.Popen([sys.executable, "-m", "fakewechat", "--port", str(fake_port),
                          "--app-id", cfg["WECHAT_APP_ID"], "--app-secret", cfg["WECHAT_APP_SECRET"]]),
        subprocess.Popen([sys.executable, "-m", "fakesms", "--port", str(SMS_PORT), "--quiet",
                          "--access-key-id", cfg["SMS_ACCESS_KEY_ID"] or "yitang-dev-sms-key",
                          "--access-key-secret", cfg["SMS_ACCESS_KEY_SECRET"] or "yitang-dev-sms-secret",
                          "--inbound-url", f"http://127.0.0.1:{port}/sms/inbound",
                          "--inbound-secret", cfg["SMS_INBOUND_SECRET"]]),
        subprocess.Popen([sys.executable, "-m", "devmail", "--port", str(MAIL_PORT),
                          "--dir", str(mail_dir)]),
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
        f"  SMS:        {cfg['SMS_API_BASE_URL']}"
        + ("  (the fake SMS provider; inbox at " + sms_url + "_fake/messages)"
           if cfg["SMS_API_BASE_URL"] == sms_url and cfg["SMS_ACCESS_KEY_ID"] else
           f"  (note: the fake SMS provider listens on {sms_url})"),
        f"  email:      smtp://{cfg['EMAIL_SMTP_HOST'] or '(not configured)'}:{cfg['EMAIL_SMTP_PORT']}"
        + (f"  (the development mail server; mails kept in {mail_dir}/)"
           if cfg["EMAIL_SMTP_HOST"] == "127.0.0.1" and cfg["EMAIL_SMTP_PORT"] == MAIL_PORT else
           f"  (note: the development mail server listens on smtp://127.0.0.1:{MAIL_PORT})"),
        f"  simulator:  http://127.0.0.1:{port}/simulator",
        f"  console:    http://127.0.0.1:{port}/staff/login   {demo.LOGIN_HINT}",
        f"  health:     http://127.0.0.1:{port}/healthz",
        "Press Ctrl-C to stop the web server, the worker, the schedulers and the fake servers.",
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
