"""Parameter values staff add after a release (a new 低保标准, say), applied to the rules.

The YAML files stay what the project ships; an override is a plain tuple
(name, date, value, reference) that the caller keeps elsewhere (the database).
`apply` returns a clone of the shipped system with the values in; `install`
makes such a system the one every assessment of this process uses, and
`previewing` does so for one computation only (this thread or task).

Dated values are merged by date: the newest dated value in force wins, and a
staff value on the same date as a shipped one replaces it. A staff value holds
until the next dated value after it, so a later release's figure still applies
from its own date.
"""

import contextlib
import datetime
import math
from typing import NamedTuple

from openfisca_core import periods
from openfisca_core.parameters import Parameter

from policy import system

STAFF_NOTE = "工作人员在系统中添加"


class Override(NamedTuple):
    name: str  # dotted parameter name, e.g. "dibao.standard"
    date: str  # YYYY-MM-DD, the first day it applies
    value: float
    reference: str


class OverrideError(ValueError):
    """An override that cannot be applied; `message` says why in Chinese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parameter(name, rules=None):
    """The parameter leaf called `name` in `rules` (default: the shipped rules), or
    OverrideError when there is none."""
    node = (rules or system.shipped_system()).parameters
    for part in name.split("."):
        children = getattr(node, "children", None)
        if not children or part not in children:
            raise OverrideError(f"没有名为“{name}”的参数。")
        node = children[part]
    if not isinstance(node, Parameter):
        raise OverrideError(f"“{name}”是一组参数，请选择其中具体的一项。")
    return node


def editable(rules=None):
    """Names of the numeric parameters (the only ones staff may add values to), sorted."""
    root = (rules or system.shipped_system()).parameters
    names = []
    for node in root.get_descendants():
        if isinstance(node, Parameter) and any(_number(v.value) for v in node.values_list):
            names.append(node.name)
    return sorted(names)


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def apply(overrides, base=None):
    """A new system: `base` (default: the shipped one) with `overrides` applied.

    `overrides` are Override or plain (name, date, value, reference) tuples.
    """
    base = base or system.shipped_system()
    rules = base.clone()
    for override in sorted((Override(*o) for o in overrides), key=lambda o: (o.date, o.name)):
        node = parameter(override.name, rules)
        day = datetime.date.fromisoformat(override.date)
        value = float(override.value)
        if not math.isfinite(value):
            raise OverrideError(f"“{override.name}”的值不是有效的数字。")
        later = sorted(v.instant_str for v in node.values_list if v.instant_str > override.date)
        stop = None
        if later:  # hold until the next dated value
            stop = periods.instant(datetime.date.fromisoformat(later[0]) - datetime.timedelta(days=1))
        node.update(start=periods.instant(day), stop=stop, value=value)
        for at in node.values_list:
            if at.instant_str == override.date:
                at.metadata = {**node.metadata, "reference": override.reference, "staff": True,
                               "note": STAFF_NOTE}
    rules._parameters_at_instant_cache = {}
    return rules


def install(overrides):
    """Make the shipped rules with `overrides` the rules of this process (none: the shipped rules)."""
    overrides = list(overrides)
    system.installed = apply(overrides) if overrides else None


@contextlib.contextmanager
def previewing(rules):
    """Compute with `rules` (from `apply`) inside the block, in this thread or task only."""
    token = system.previewed.set(rules)
    try:
        yield rules
    finally:
        system.previewed.reset(token)
