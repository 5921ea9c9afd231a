"""The 112 employment pages: 岗位 (openings), 求职者 (seekers), 112台账 (the 1-1-2 ledger).
The work is in employment/; every query is scoped to the staff member's district."""
from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from employment import console, data, ledger
from models import DISTRICTS, Employer, Opening, Recommendation, Seeker, Session, utcnow
from review import access, audit
from review.errors import ReviewError
from review.routing import local_date

from . import act, bp, found

PAGE_SIZE = 100


def _opening(opening_id: int) -> Opening:
    return found(Session.scalar(console.openings(g.staff).where(Opening.id == opening_id)))


def _seeker(seeker_id: int) -> Seeker:
    return found(Session.scalar(console.seekers(g.staff).where(Seeker.id == seeker_id)))


def _page() -> int:
    try:
        return min(max(int(request.args.get("page", 1)), 1), 10_000)
    except ValueError:
        return 1


@bp.get("/jobs")
def jobs_openings():
    show = request.args.get("show", "open")
    stmt = console.openings(g.staff)
    today = local_date(utcnow())
    if show != "all":
        stmt = stmt.where(Opening.valid_until >= today, Opening.filled < Opening.positions)
    page = _page()
    rows = Session.execute(stmt.add_columns(Employer.name).join(Employer, Employer.id == Opening.employer_id)
                           .order_by(Opening.created_at.desc(), Opening.id.desc())
                           .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    counts = console.recommendation_counts([opening.id for opening, _ in rows])
    return render_template("staff/jobs_openings.html", rows=rows, counts=counts, show=show, page=page,
                           today=today, occupation=data.occupation_name)


def _form_page(opening: Opening | None, form: dict | None = None):
    if form is None and opening is not None:
        form = {"employer": opening.employer.name, "employer_email": opening.employer.email or "",
                **{k: getattr(opening, k) if getattr(opening, k) is not None else "" for k in (
                    "title", "occupation_code", "district", "street", "address", "wage_min", "wage_max",
                    "hours_per_week", "education_min", "age_min", "age_max", "positions", "valid_until",
                    "description")},
                "public_welfare": "yes" if opening.public_welfare else ""}
    form = form or {"district": g.staff.district if g.staff.district in DISTRICTS else "", "positions": 1}
    districts = DISTRICTS if access.city_wide(g.staff) else (g.staff.district,)
    return render_template("staff/jobs_opening_form.html", opening=opening, form=form, districts=districts,
                           education=data.EDUCATION_LABELS, occupations=data.occupations()["occupations"])


@bp.get("/jobs/new")
def jobs_new_opening():
    access.require(g.staff, "casework")
    return _form_page(None)


@bp.get("/jobs/<int:opening_id>")
def jobs_opening(opening_id: int):
    return _form_page(_opening(opening_id))


def _save(opening: Opening | None):
    try:
        saved = console.save_opening(g.staff, opening, request.form)
    except ReviewError as err:
        Session.rollback()
        flash(err.message, "error")
        return _form_page(opening, request.form.to_dict()), 400
    Session.commit()
    flash("岗位已保存。运行匹配后会推荐给合适的求职者。", "ok")
    return redirect(url_for("staff.jobs_opening", opening_id=saved.id))


@bp.post("/jobs/new")
def jobs_create_opening():
    return _save(None)


@bp.post("/jobs/<int:opening_id>/save")  # not the GET path: a bounded id must 404 for every method
def jobs_update_opening(opening_id: int):
    return _save(_opening(opening_id))


@bp.post("/jobs/<int:opening_id>/filled")
def jobs_fill(opening_id: int):
    opening = _opening(opening_id)
    return act(lambda: console.fill_one(g.staff, opening), "已记录招到1人。", request.form.get("back") or url_for("staff.jobs_openings"))


@bp.get("/jobs/seekers")
def jobs_seekers():
    stmt = console.seekers(g.staff).where(Seeker.active.is_(True))
    street = request.args.get("street") or None
    if street:
        stmt = stmt.where(Seeker.street == street)
    if request.args.get("kunnan") == "1":
        stmt = stmt.where(Seeker.jiuye_kunnan.is_(True))
    page = _page()
    people = Session.scalars(stmt.order_by(Seeker.street, Seeker.id).limit(PAGE_SIZE)
                             .offset((page - 1) * PAGE_SIZE)).all()
    counts = dict(Session.execute(select(Recommendation.seeker_id, func.count())
                                  .where(Recommendation.seeker_id.in_([p.id for p in people]))
                                  .group_by(Recommendation.seeker_id)).all()) if people else {}
    streets = Session.scalars(console.seekers(g.staff).with_only_columns(Seeker.street).distinct()
                              .where(Seeker.street.is_not(None)).order_by(Seeker.street)).all()
    return render_template("staff/jobs_seekers.html", people=people, counts=counts, page=page, street=street,
                           streets=streets, kunnan=request.args.get("kunnan") == "1",
                           masked_name=access.masked_name, occupation=data.occupation_name)


@bp.get("/jobs/seekers/<int:seeker_id>")
def jobs_seeker(seeker_id: int):
    seeker = _seeker(seeker_id)
    person = access.identity(g.staff, seeker.district, seeker.street, seeker.name, seeker.id_number, seeker.phone)
    audit.record(g.staff, "view_pii" if person["whole"] else "view_seeker", "seeker", seeker.id, seeker.district)
    Session.commit()
    recs = Session.execute(select(Recommendation, Opening, Employer.name)
                           .join(Opening, Opening.id == Recommendation.opening_id)
                           .join(Employer, Employer.id == Opening.employer_id)
                           .where(Recommendation.seeker_id == seeker.id)
                           .order_by(Recommendation.created_at.desc())).all()
    year = local_date(utcnow()).year
    lines = ledger.lines(year, select(Seeker).where(Seeker.id == seeker.id))
    return render_template("staff/jobs_seeker.html", seeker=seeker, person=person, recs=recs,
                           line=lines[0] if lines else None, need=ledger.need(), year=year,
                           visits=console.seeker_visits(seeker.id), education=data.EDUCATION_LABELS,
                           occupation=data.occupation_name, today=local_date(utcnow()))


@bp.post("/jobs/seekers/<int:seeker_id>/visits")
def jobs_seeker_visit(seeker_id: int):
    seeker = _seeker(seeker_id)
    form = request.form

    def record():
        console.record_visit(g.staff, seeker, form.get("visit_date"), form.get("visitors", ""), form.get("findings"))

    return act(record, "已登记112上门走访。", url_for("staff.jobs_seeker", seeker_id=seeker_id))


@bp.get("/jobs/ledger")
def jobs_ledger():
    today = local_date(utcnow())
    try:
        year = min(max(int(request.args.get("year", today.year)), 2000), 2100)
    except ValueError:
        year = today.year
    groups = ledger.behind(year, console.seekers(g.staff))
    totals = {key: sum(g_[key] for g_ in groups) for key in ("seekers", "visits", "trainings", "recommendations", "done")}
    month = today.month if year == today.year else 12
    return render_template("staff/jobs_ledger.html", groups=groups, totals=totals, year=year, month=month,
                           need=ledger.need(), today=today if year == today.year else date(year, 12, 31))


@bp.get("/jobs/worklist")
def jobs_worklist():
    """One street's caseworker worklist: the seekers still short of this year's 1-1-2, as the
    morning's job kept it (employment.ledger.publish_worklists), or built now before its first
    run."""
    district = request.args.get("district") if access.city_wide(g.staff) else g.staff.district
    if district not in DISTRICTS:
        return redirect(url_for("staff.jobs_ledger"))
    street = (request.args.get("street") or "").strip()
    today = local_date(utcnow())
    report = ledger.latest_worklist(district)
    if report is not None and street in report["streets"]:
        items, as_of = report["streets"][street], date.fromisoformat(report["date"])
    else:
        items, as_of = ledger.worklist(district, street or None, today), today
    ids = [item["seeker_id"] for item in items]
    people = {p.id: p for p in Session.scalars(console.seekers(g.staff).where(Seeker.id.in_(ids)))} if ids else {}
    items = [item for item in items if item["seeker_id"] in people]  # gone since the morning: not listed
    return render_template("staff/jobs_worklist.html", items=items, people=people, district=district,
                           street=street, as_of=as_of, today=today, masked_name=access.masked_name,
                           occupation=data.occupation_name)
