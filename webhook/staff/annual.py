"""年度复核 (reviewers, admins): a run's proposals, accepted or rejected one by one.

The proposals come from `flask review annual` (discovery/annual.py); nothing changes anyone's
aid until a reviewer accepts it here, which is audited and tells the resident why, with their
rights."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from discovery import annual
from models import Session
from models.annual import AnnualReviewRun
from review import access

from ..security import db_id
from . import bp

STATES = {"pending": "待决定", "accepted": "已采纳", "rejected": "未采纳"}
OUTCOMES = {"continue": "继续享受", "change": "建议调整", "stop": "建议停发", "missing": "缺少家庭情况"}


@bp.get("/annual")
def annual_review():
    access.require(g.staff, "decide")
    runs = annual.runs()
    run_id = request.args.get("run", type=db_id) or (runs[0].id if runs else None)
    run = Session.get(AnnualReviewRun, run_id) if run_id else None
    if run_id and run is None:
        abort(404)
    state = request.args.get("state", "pending")
    if state not in STATES:
        state = "pending"
    rows = annual.items(g.staff, run.id, state) if run else []
    counts = annual.pending_counts(run.id, g.staff) if run else {}
    return render_template("staff/annual.html", runs=runs, run=run, rows=rows, state=state, counts=counts,
                           states=STATES, outcomes=OUTCOMES)


@bp.post("/annual/items/<int:item_id>")
def annual_decide(item_id: int):
    choice = request.form.get("decision")
    if choice not in ("accept", "reject"):
        abort(400)
    back = url_for("staff.annual_review", run=request.form.get("run", type=db_id))
    try:
        annual.decide(item_id, g.staff, choice == "accept", request.form.get("note"))
    except annual.AnnualError as err:
        Session.rollback()
        flash(err.message, "error")
        return redirect(back)
    Session.commit()  # the decision, its audit entry and the notice together
    flash("已采纳，已通知居民（附原因和救济途径）。" if choice == "accept" else "已记录不采纳及原因，救助照常。", "ok")
    return redirect(back)
