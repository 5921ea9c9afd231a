"""标准调整 (admins): a new dated value of a rule parameter, with its reference document.

Validated and audited; in force in every process within a second, without a restart (each
request first checks whether staff values changed: discovery/standards.py). 预览 counts the
current recipients whose annual-review result the value would change."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from discovery import standards
from models import Session
from policy import overrides, system
from policy.params import cited
from review import NotAllowed, access, labels

from . import bp


@bp.before_app_request
def current_rules():
    # Cheap: one small query at most once a second per process (standards.CHECK_SECONDS).
    standards.ensure_current()


def _admins_only() -> None:
    if not access.city_wide(g.staff):
        raise NotAllowed("只有市级管理员可以调整标准。")


def _choices() -> list[dict]:
    """The parameters by their group (the programme), each titled with its nearest group when
    its own description needs it ("法定退休年龄…：女性", not a bare "女性")."""
    root = system.shipped_system().parameters
    out = []
    for name in overrides.editable():
        node = overrides.parameter(name)
        parts, groups, branch = name.split("."), [], root
        for part in parts[:-1]:
            branch = branch.children[part]
            groups.append(branch.description or part)
        title = node.description or name
        last = max(v.instant_str for v in node.values_list)
        out.append({"name": name, "group": groups[0] if groups else "",
                    "title": f"{groups[-1]}：{title}" if len(groups) > 1 else title,
                    "shipped_until": last, "unit": node.metadata.get("unit", "")})
    return out


def _page(form=None, preview=None, problem=None, status=200):
    from policy.situation import today as xiamen_today

    today = xiamen_today()
    choices = _choices()
    for choice in choices:
        now = cited(choice["name"], today)
        choice["now"] = now["value"] if now else None
    return render_template("staff/standards.html", choices=choices, added=standards.listing(),
                           form=form or {}, preview=preview, problem=problem), status


@bp.get("/standards")
def standards_page():
    _admins_only()
    return _page()


@bp.post("/standards")
def standards_add():
    _admins_only()
    form = {key: request.form.get(key, "") for key in ("name", "date", "value", "reference")}
    try:
        value = standards.validate(form["name"], form["date"], form["value"], form["reference"])
    except standards.StandardsError as err:
        return _page(form, problem=err.message, status=400)
    if request.form.get("action") == "preview":
        return _page(form, preview={"value": value, "counts": standards.preview(value)})
    try:
        standards.add(g.staff, value)
    except standards.StandardsError as err:
        Session.rollback()
        return _page(form, problem=err.message, status=400)
    Session.commit()
    standards.ensure_current(force=True)  # this process at once; the others within a second
    node = overrides.parameter(value.name)
    flash(f"已添加：{node.description}从{labels.day(value.date)}起为 {value.value:g}"
          f"{node.metadata.get('unit', '')}，已生效。", "ok")
    return redirect(url_for("staff.standards_page"))
