"""Standards update: staff add a new dated value of a parameter, in force without a restart.

The values live in `parameter_overrides` (models/standards.py); policy/overrides.py applies
them to the shipped rules. Every process checks cheaply whether the stored values changed
(`ensure_current`: one tiny query, at most once every CHECK_SECONDS) and rebuilds its rules
when they did: the web processes before each request, commands and jobs when they start.
"""
from __future__ import annotations

import logging
import math
import time
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from models import Session, StaffUser
from models.standards import ParameterOverride
from policy import overrides
from policy.params import cited
from review import access, audit
from review.errors import ReviewError

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0
MAX_REFERENCE = 300
# A new value more than this many times larger (or smaller) than the one in force is a typo
# (an extra zero), not a new standard.
SANE_FACTOR = 3

_seen = {"version": None, "checked": 0.0}


class StandardsError(ReviewError):
    """A value staff cannot add; `message` names what is wrong, in Chinese."""


def _version() -> tuple:
    row = Session.execute(select(func.count(ParameterOverride.id), func.max(ParameterOverride.id))).one()
    return tuple(row)


def stored() -> list[overrides.Override]:
    rows = Session.scalars(select(ParameterOverride).order_by(ParameterOverride.effective_on,
                                                              ParameterOverride.id))
    return [overrides.Override(r.name, r.effective_on.isoformat(), r.value, r.reference) for r in rows]


def ensure_current(force: bool = False) -> None:
    """Rebuild this process's rules when staff values were added since it last looked."""
    now = time.monotonic()
    if not force and now - _seen["checked"] < CHECK_SECONDS:
        return
    _seen["checked"] = now
    try:
        version = _version()
        if version != _seen["version"]:
            overrides.install(stored())
            _seen["version"] = version
    except SQLAlchemyError:
        # The database away (or not migrated yet): keep the rules we have; /healthz tells.
        Session.rollback()
        log.warning("staff parameter values could not be read; rules unchanged")


def reset() -> None:
    """Back to the shipped rules in this process (tests; a database emptied)."""
    overrides.install([])
    _seen.update(version=None, checked=0.0)


def version_label() -> str:
    count, last = _seen["version"] or (0, None)
    return f"staff{count}:{last or 0}"


# ---- adding a value ------------------------------------------------------------------------------

def validate(name: str, on: str, value: str, reference: str) -> overrides.Override:
    """A new value as typed in the page, checked: a known numeric parameter, a date after its
    last shipped date (and not taken), a number in a sane range, a reference."""
    name = (name or "").strip()
    if name not in overrides.editable():
        raise StandardsError("请从列表里选择要调整的参数。")
    try:
        day = date.fromisoformat((on or "").strip())
    except ValueError:
        raise StandardsError("生效日期请按 2026-07-01 的格式填写。") from None
    node = overrides.parameter(name)
    shipped = max(v.instant_str for v in node.values_list)
    if day.isoformat() <= shipped:
        raise StandardsError(f"生效日期要晚于系统自带的最后一个值的日期（{shipped}）；"
                             f"更早的数值请修改参数文件。")
    if Session.scalar(select(ParameterOverride.id).where(ParameterOverride.name == name,
                                                         ParameterOverride.effective_on == day)):
        raise StandardsError(f"{day.isoformat()}起的数值已经添加过了；要更正请换一个生效日期，或联系技术人员。")
    try:
        number = float((value or "").strip().replace(",", ""))
    except ValueError:
        raise StandardsError("数值请填写一个数字，例如 1000 或 0.3。") from None
    if not math.isfinite(number) or number < 0:
        raise StandardsError("数值请填写一个不小于0的数字。")
    before = cited(name, day.isoformat())
    current = before["value"] if before and isinstance(before["value"], (int, float)) else None
    if current:
        low, high = current / SANE_FACTOR, current * SANE_FACTOR
        if number < low or number > high:
            raise StandardsError(f"{number:g}和现在的{current:g}相差太大（应在{low:g}到{high:g}之间），"
                                 f"请检查是否多打或少打了0。")
    if name.endswith("_rate") and number > 1:
        raise StandardsError("比例请填写0到1之间的小数，例如30%填0.3。")
    reference = (reference or "").strip()
    if not reference:
        raise StandardsError("请填写依据的文件（文号或标题），居民看到的说明会引用它。")
    if len(reference) > MAX_REFERENCE:
        raise StandardsError(f"依据请控制在{MAX_REFERENCE}字以内。")
    return overrides.Override(name, day.isoformat(), number, reference)


def add(staff: StaffUser, value: overrides.Override) -> ParameterOverride:
    """Store a checked value (admins only) and audit it; the caller commits, then calls
    `ensure_current(force=True)` so this process uses it at once (others within a second)."""
    if not access.city_wide(staff):
        raise StandardsError("只有市级管理员可以调整标准。")
    row = ParameterOverride(name=value.name, effective_on=date.fromisoformat(value.date), value=value.value,
                            reference=value.reference, created_by=staff.username)
    Session.add(row)
    Session.flush()
    audit.record(staff, "add_parameter_value", "parameter_override", row.id, None,
                 parameter=value.name, effective_on=value.date, value=value.value)
    return row


# ---- preview: how many current recipients the value changes -----------------------------------

def preview(value: overrides.Override, chunk_size: int = 20_000) -> dict:
    """The annual review's rules for every current recipient on the value's first day, with
    and without it: how many outcomes (continue / change / stop, programme, amount) differ."""
    from . import annual

    day = date.fromisoformat(value.date)
    existing = stored()
    without = overrides.apply(existing)
    with_value = overrides.apply(existing + [value])
    offset = int(cited("process.payment.start_months_after_decision", value.date)["value"])
    counts = {"recipients": 0, "changed": 0, "amount": 0, "stop": 0, "programme": 0}
    after = 0
    while True:
        rows = annual._current(after, chunk_size, day)
        if not rows:
            break
        after = rows[-1].id
        recipients, _ = annual._recipients(rows, day, offset)
        with overrides.previewing(without):
            before = annual.rules_step(recipients)
        with overrides.previewing(with_value):
            after_value = annual.rules_step(recipients)
        counts["recipients"] += len(rows)
        for old, new in zip(before, after_value):
            if (old.outcome, old.programme, old.amount) == (new.outcome, new.programme, new.amount):
                continue
            counts["changed"] += 1
            if new.outcome == "stop":
                counts["stop"] += 1
            elif new.programme != old.programme:
                counts["programme"] += 1
            else:
                counts["amount"] += 1
    return counts


def listing() -> list[dict]:
    """Staff-added values, newest first, for the page."""
    rows = Session.scalars(select(ParameterOverride).order_by(ParameterOverride.id.desc()).limit(200))
    return [{"row": r, "title": overrides.parameter(r.name).description} for r in rows]
