"""GET /unsubscribe/<token>: the link at the bottom of every push email. It stops email
pushes to that address at once and says so. POST does the same for mail programs' one-click
unsubscribe (RFC 8058, the List-Unsubscribe-Post header). The token is signed with the app's
secret and holds only the address's blind index."""
from __future__ import annotations

from flask import Blueprint, render_template

from channels import push
from models import Session

from .staff import csrf

bp = Blueprint("unsubscribe", __name__)
csrf.exempt(bp)  # a mail program's one-click POST carries no session or form token


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def page(token: str):
    if len(token) > 512 or not push.unsubscribe(token):
        return render_template("unsubscribe_invalid.html"), 400
    Session.commit()
    return render_template("unsubscribe.html")
