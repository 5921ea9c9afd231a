"""The baseline for bench/webhook.py: a bare Flask endpoint that answers "success"."""
from flask import Flask

app = Flask(__name__)


@app.post("/wechat")
def wechat():
    return "success"


@app.get("/healthz")
def healthz():
    return "ok"
