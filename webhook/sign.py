"""/sign/<token>: the phone page where an adult member signs a pre-filled declaration
(review/signing.py). The token is the only credential: single-use, expiring, stored hashed.
A link that cannot be used answers a plain Chinese page (404 unknown, 410 used, expired,
replaced or locked), never an error of ours."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from models import Session
from review import ReviewError, signing

bp = Blueprint("sign", __name__)


@bp.after_request
def private(response):
    # The URL is the credential and the page holds the family's finances: never cached, and
    # never sent on as a referrer.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _gone(err: signing.LinkGone):
    Session.commit()  # a link locked by this attempt stays locked
    return render_template("sign_gone.html", message=err.message), err.status


@bp.get("/sign/<token>")
def show(token: str):
    try:
        shown = signing.page(token)
    except signing.LinkGone as err:
        return _gone(err)
    return render_template("sign.html", token=token, error=None, name="", **shown)


@bp.post("/sign/<token>")
def submit(token: str):
    form = request.form
    uploads = Path(current_app.config["APP_VAR_DIR"]) / "uploads"
    try:
        done = signing.sign(token, form.get("name", ""), form.get("id_last4", ""), form.get("signature", ""),
                            form.get("text_sha256", ""), uploads)
    except signing.LinkGone as err:
        return _gone(err)
    except ReviewError as err:
        Session.commit()  # the failed attempt counts
        try:
            shown = signing.page(token)
        except signing.LinkGone as gone:
            return _gone(gone)
        return render_template("sign.html", token=token, error=err.message, name=form.get("name", "")[:40],
                               **shown), 400
    Session.commit()
    return render_template("sign_done.html", **done)
