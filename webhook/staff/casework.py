"""Urgent cases (急难会商), household visits and the ledger (入户走访台账), clues (线索)."""
from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, g, redirect, render_template, request, stream_with_context, url_for
from sqlalchemy import func

from models import DISTRICTS, Application, Clue, Escalation, Household, Session, utcnow
from review import access, audit, clues, escalations, labels, privacy, profile, visits
from review.errors import ReviewError
from review.routing import local_date

from ..security import db_id
from . import act, bp, form_list, found, private_file

PAGE_SIZE = 50


@bp.app_template_filter("masked")
def masked(value, whole: bool = False) -> str:
    """Text with identity and phone numbers masked, unless `whole` (lists never show them)."""
    return privacy.shown(value, whole)


# ---- escalations -------------------------------------------------------------------------------

def _escalation(case_id: int) -> Escalation:
    return found(Session.scalar(access.escalations(g.staff).where(Escalation.id == case_id)))


@bp.get("/escalations")
def escalation_list():
    state = request.args.get("state", "open")
    stmt = access.escalations(g.staff)
    counts = dict(Session.execute(stmt.with_only_columns(Escalation.state, func.count())
                                  .group_by(Escalation.state)).all())
    if state in labels.ESCALATION_STATES:
        stmt = stmt.where(Escalation.state == state)
    # Like an inbox: the case the resident wrote to last comes first.
    cases = Session.scalars(stmt.order_by(escalations.last_activity().desc(), Escalation.id.desc())
                            .limit(200)).all()
    return render_template("staff/escalations.html", cases=cases, state=state, counts=counts,
                           first_response=escalations.time_to_first_response,
                           threads=escalations.summaries([case.id for case in cases]))


@bp.get("/escalations/<int:case_id>")
def escalation(case_id: int):
    page = escalations.view(g.staff, _escalation(case_id))
    Session.commit()
    return render_template("staff/escalation.html", **page)


@bp.get("/escalations/<int:case_id>/photos/<int:message_id>")
def escalation_photo(case_id: int, message_id: int):
    """A photo the resident sent into the case's thread; every view is audited."""
    case = _escalation(case_id)
    uploads = Path(current_app.config["APP_VAR_DIR"]) / "uploads"
    return private_file(escalations.photo_for(g.staff, case, message_id, uploads))


def _case_back(case_id: int) -> str:
    return url_for("staff.escalation", case_id=case_id)


@bp.post("/escalations/<int:case_id>/notes")
def escalation_note(case_id: int):
    case = _escalation(case_id)
    return act(lambda: escalations.add_note(case, g.staff, request.form.get("text", "")),
               "已记录。", _case_back(case_id))


@bp.post("/escalations/<int:case_id>/participants")
def escalation_participant(case_id: int):
    case = _escalation(case_id)
    return act(lambda: escalations.add_participant(case, g.staff, request.form.get("name", "")),
               "已添加参与人。", _case_back(case_id))


@bp.post("/escalations/<int:case_id>/message")
def escalation_message(case_id: int):
    case = _escalation(case_id)
    return act(lambda: escalations.message_resident(case, g.staff, request.form.get("text", "")),
               "消息已发给居民。", _case_back(case_id))


@bp.post("/escalations/<int:case_id>/resolve")
def escalation_resolve(case_id: int):
    case = _escalation(case_id)
    return act(lambda: escalations.resolve(case, g.staff, request.form.get("resolution", "")),
               "会商已办结。", _case_back(case_id))


# ---- households and visits ---------------------------------------------------------------------

def _household(household_id: int) -> Household:
    return found(Session.scalar(access.households(g.staff).where(Household.id == household_id)))


@bp.get("/households/<int:household_id>")
def household(household_id: int):
    """One household: its profile, the history of its changes, all its applications and
    documents, its WeChat accounts and who asks to be one."""
    home = _household(household_id)
    whole = access.sees_pii(g.staff, home.district, home.street)
    audit.record(g.staff, "view_pii" if whole else "view_household", "household", home.id, home.district)
    Session.commit()
    apps = Session.scalars(access.applications(g.staff).where(Application.household_id == home.id)
                           .order_by(Application.id.desc())).all()
    return render_template("staff/household.html", home=home, whole=whole, apps=apps,
                           visits=visits.household_visits(home.id), causes=labels.CAUSES,
                           today=local_date(utcnow()).isoformat(), view=profile.page(g.staff, home, whole))


@bp.post("/households/<int:household_id>/links/<int:link_id>/confirm")
def confirm_household_link(household_id: int, link_id: int):
    """"确认此微信用户属于本户", after staff have checked with the family."""
    home = _household(household_id)
    return act(lambda: profile.confirm_link(g.staff, home, link_id), "已确认，这个微信用户以后可以办理本户的事项。", url_for("staff.household", household_id=household_id))


@bp.get("/households")
def household_lookup():
    return redirect(url_for("staff.household", household_id=request.args.get("id", 0, type=int)))


@bp.post("/households/<int:household_id>/visits")
def record_visit(household_id: int):
    home = _household(household_id)
    form = request.form
    return act(lambda: visits.record_visit(g.staff, home, form.get("visit_date"), form.get("visitors", ""),
                                           form.get("findings"), form_list("causes"), form.get("needs")),
               "走访已登记到台账。", url_for("staff.household", household_id=household_id))


def _ledger_filters():
    args = request.args
    try:
        since = visits.parse_date(args["since"]) if args.get("since") else None
        until = visits.parse_date(args["until"]) if args.get("until") else None
    except ReviewError:
        since = until = None
    return {"street": args.get("street") or None, "since": since, "until": until}


@bp.get("/visits")
def ledger():
    """The street's ledger, 50 lines a page (keyset: `after` names the last line shown), and
    the households a visit can be recorded for, one click away."""
    filters = _ledger_filters()
    after = visits.parse_cursor(request.args.get("after"))
    lines, following = visits.ledger_lines(g.staff, **filters, after=after)
    Session.commit()
    here = {key: value for key, value in request.args.to_dict().items() if key != "after"}
    return render_template("staff/ledger.html", lines=lines, filters=filters, streets=visits.streets(g.staff),
                           households=visits.recent_households(g.staff), first=after is None,
                           first_url=url_for("staff.ledger", **here),
                           next_url=url_for("staff.ledger", **here, after=visits.cursor_text(following))
                           if following else None)


@bp.get("/visits.csv")
def ledger_csv():
    """The ledger as CSV, streamed: written a thousand lines at a time as they are read, so
    a district's years of visits never sit in memory. The audit entries of the export are
    committed when the stream ends, also when the reader hangs up half-way."""
    chunks = visits.ledger_csv_chunks(g.staff, **_ledger_filters())

    def body():
        try:
            yield from chunks
        finally:
            chunks.close()  # its audit entries, when the reader hung up before the end
            Session.commit()

    return Response(stream_with_context(body()), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=ledger.csv", "Cache-Control": "private, no-store"})


# ---- clues -------------------------------------------------------------------------------------

def _clue(clue_id: int) -> Clue:
    return found(Session.scalar(access.clues(g.staff).where(Clue.id == clue_id)))


@bp.get("/clues")
def clue_list():
    state = request.args.get("state", "new")
    stmt = access.clues(g.staff)
    counts = dict(Session.execute(stmt.with_only_columns(Clue.state, func.count()).group_by(Clue.state)).all())
    if state in labels.CLUE_STATES:
        stmt = stmt.where(Clue.state == state)
    rows = Session.scalars(stmt.order_by(*clues.ORDER).limit(PAGE_SIZE * 4)).all()  # urgent first
    return render_template("staff/clues.html", rows=rows, state=state, counts=counts)


@bp.get("/clues/<int:clue_id>")
def clue(clue_id: int):
    page = clues.view(g.staff, _clue(clue_id))
    Session.commit()
    return render_template("staff/clue.html", **page, causes=labels.CAUSES, districts=DISTRICTS,
                           city_wide=access.city_wide(g.staff))


@bp.post("/clues/<int:clue_id>/triage")
def clue_triage(clue_id: int):
    item = _clue(clue_id)
    form = request.form
    return act(lambda: clues.triage(item, g.staff, form.get("district"), form.get("street"), form.get("address"),
                                    form.get("visit_date"), form.get("visitors", ""), form.get("findings"),
                                    form_list("causes"), form.get("needs"), id_number=form.get("id_number"),
                                    household_id=form.get("household_id", type=db_id)),
               "已登记走访并记入家庭档案，已告诉反映人处理结果。", url_for("staff.clue", clue_id=clue_id))


@bp.post("/clues/<int:clue_id>/close")
def clue_close(clue_id: int):
    item = _clue(clue_id)
    return act(lambda: clues.close(item, g.staff, request.form.get("reason", "")), "线索已关闭，已告诉反映人处理结果。",
               url_for("staff.clue", clue_id=clue_id))
