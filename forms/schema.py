"""Loading a form definition (YAML) into a checked `Form`, or failing loudly.

Every mistake a definition can hold is found here, at load, and named with its file and
field: an unknown key or type, a repeated id, a `maps_to` that is not a situation key or
does not fit the field, a `when` or prompt that does not compile or uses an answer that is
not asked before it. The format is described in forms/README.md.
"""

import re
from dataclasses import dataclass, field as dataclass_field
from pathlib import Path
from typing import Callable

import yaml
from jinja2 import TemplateError

from forms import situation_keys as sk
from forms.conditions import compile_template, compile_when, names_used
from forms.errors import FormError
from forms.types import DEFAULT_MAX_LENGTH, MAX_MONEY, PARSERS

_ID = re.compile(r"[a-z][a-z0-9_]*")
_COMMON = {"id", "type", "prompt", "required", "maps_to", "help", "error", "when"}
_EXTRA = {
    "text": {"min_length", "max_length", "pattern"},
    "integer": {"min", "max", "unit"},
    "money": {"min", "max"},
    "choice": {"options", "multiple"},
    "yesno": {"aliases"},
    "group": {"min", "max", "unit", "fields", "member_label"},
}
_FORM_KEYS = {"id", "title", "description", "fields"}
# Names a group's member fields may use besides earlier answers: the member's number
# (1 for the first) and the group's `member_label` rendered for that member.
MEMBER_NAMES = ("n", "member")
DEFAULT_MEMBER_LABEL = "第{{ n }}位家庭成员"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    aliases: tuple = ()  # other words residents use for it: 湖里 for 湖里区, 随便 for 哪里都可以


@dataclass(frozen=True, eq=False)
class Field:
    id: str
    type: str
    prompt: str
    required: bool
    maps_to: str | None = None
    help: str | None = None
    error: str | None = None
    when: str | None = None
    options: tuple = ()
    multiple: bool = False
    min: int | float | None = None
    max: int | float | None = None
    unit: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    fields: tuple = ()
    member_label: str | None = None
    aliases: tuple = ()  # a yesno's: what residents say that means yes (打零工 for 有工作)
    # Compiled from the text above: `applies(scope)`, `render_*(scope)`.
    applies: Callable | None = dataclass_field(default=None, repr=False)
    render_prompt: Callable | None = dataclass_field(default=None, repr=False)
    render_help: Callable | None = dataclass_field(default=None, repr=False)
    render_member_label: Callable | None = dataclass_field(default=None, repr=False)


@dataclass(frozen=True, eq=False)
class Form:
    id: str
    title: str
    description: str | None
    fields: tuple


class _Context:
    """What checking one definition remembers: where we are, ids and keys seen so far."""

    def __init__(self, path):
        self.path = path
        self.ids = set()
        self.mapped = {}

    def fail(self, origin, where, problem):
        place = str(self.path)
        if origin != self.path:
            place += f" (included from {origin.name})"
        if where:
            place += f": field {where}"
        raise FormError(f"{place}: {problem}")


def _read_yaml(path, ctx, origin):
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as problem:
        ctx.fail(origin, "", f"cannot read {path}: {problem.strerror}")
    except yaml.YAMLError as problem:
        ctx.fail(path, "", f"not valid YAML: {problem}")


def _expand(items, origin, ctx, chain):
    """The raw fields of a list, with `- include: NAME` replaced by `_NAME.yaml`'s fields."""
    if not isinstance(items, list) or not items:
        ctx.fail(origin, "", "`fields` must be a non-empty list")
    out = []
    for item in items:
        if isinstance(item, dict) and set(item) == {"include"}:
            name = item["include"]
            if not isinstance(name, str) or not _ID.fullmatch(name):
                ctx.fail(origin, "", f"include needs a fragment name, got {name!r}")
            fragment = origin.parent / f"_{name}.yaml"
            if fragment in chain:
                ctx.fail(origin, "", f"include {name!r} includes itself")
            data = _read_yaml(fragment, ctx, origin)
            if not isinstance(data, dict) or set(data) != {"fields"}:
                ctx.fail(fragment, "", "a fragment holds `fields:` and nothing else")
            out.extend(_expand(data["fields"], fragment, ctx, chain | {fragment}))
        else:
            out.append((origin, item))
    return out


def _template(source, scope, kind, fail):
    if not isinstance(source, str) or not source.strip():
        fail(f"`{kind}` must be non-empty text")
    try:
        unknown = names_used(source, kind == "when") - scope
        compiled = compile_when(source) if kind == "when" else compile_template(source)
    except TemplateError as problem:
        fail(f"`{kind}` does not compile: {problem}")
    if unknown:
        fail(f"`{kind}` uses {', '.join(sorted(unknown))}, not an answer asked before it")
    return compiled


def _whole(raw, key, fail):
    value = raw.get(key)
    if type(value) is not int:
        fail(f"`{key}` must be a whole number")
    return value


def _bounds(raw, kind, fail):
    """min/max: required whole numbers for integer and group, optional yuan for money."""
    if kind == "money":
        low, high = raw.get("min", 0), raw.get("max", MAX_MONEY)
        if type(low) not in (int, float) or type(high) not in (int, float):
            fail("`min` and `max` must be numbers")
        if not 0 <= low <= high <= MAX_MONEY:
            fail(f"money needs 0 <= min <= max <= {MAX_MONEY}")
        return low, high
    low, high = _whole(raw, "min", fail), _whole(raw, "max", fail)
    if low > high:
        fail("`min` is above `max`")
    if kind == "group" and low < 0:
        fail("a group cannot have fewer than 0 members")
    return low, high


def _options(raw, fail):
    options = raw.get("options")
    if not isinstance(options, list) or not options:
        fail("a choice needs a non-empty list of `options`")
    out = []
    for option in options:
        if not isinstance(option, dict) or not {"value", "label"} <= set(option) <= {"value", "label", "aliases"}:
            fail("each option is {value: …, label: …} with optional aliases: […]")
        value, label = option["value"], option["label"]
        # Digits are how a resident picks an option by number; a value of digits would
        # be ambiguous (and YAML reads yes/no/1 as booleans and numbers).
        if type(value) is not str or not value or value.isdigit():
            fail(f"option value {value!r} must be text that is not only digits (quote it)")
        if type(label) is not str or not label.strip():
            fail(f"option {value!r} needs a label")
        aliases = option.get("aliases", [])
        if not isinstance(aliases, list) or "aliases" in option and not aliases or any(
                type(a) is not str or not a.strip() or a.strip().isdigit() for a in aliases):
            fail(f"aliases of option {value!r} must be a non-empty list of words (not only digits)")
        out.append(Option(value, label, tuple(a.strip() for a in aliases)))
    if len({o.value for o in out}) < len(out) or len({o.label for o in out}) < len(out):
        fail("option values and labels must be unique")
    # A word naming two options would always be refused as ambiguous.
    names = [name for o in out for name in {o.label, *o.aliases}]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        fail(f"aliases name more than one option: {', '.join(repeated)}")
    return tuple(out)


def _fits(kind, f):
    """Why field `f` cannot feed a situation key of this kind, or None when it can."""
    if kind in (sk.BOOL, sk.MONEY, sk.DATE):
        wanted = {sk.BOOL: "yesno", sk.MONEY: "money", sk.DATE: "date"}[kind]
        return None if f.type == wanted else f"needs a {wanted} field"
    if isinstance(kind, sk.OneOf):
        if f.type != "choice" or f.multiple:
            return "needs a single choice"
        stray = [o.value for o in f.options if o.value not in kind.values]
        return f"option values {stray} are not among {list(kind.values)}" if stray else None
    allowed = {sk.Whole: ("integer",), sk.Number: ("integer", "money"), sk.Members: ("group",)}
    if f.type not in allowed[type(kind)]:
        return f"needs a field of type {' or '.join(allowed[type(kind)])}"
    if not kind.low <= f.min <= f.max <= kind.high:
        return f"needs min/max within {kind.low}..{kind.high}"
    return None


def _check_maps_to(f, group, fail):
    path = f.maps_to
    if not isinstance(path, str) or sk.canonical(path) not in sk.KEYS:
        fail(f"maps_to {path!r} is not a key of the household situation")
    member_key = path.startswith("members[].")
    if group is not None and not (member_key and group.get("maps_to") == "members"):
        fail("a field in a group maps to members[].KEY, in a group that maps to members")
    if group is None and member_key:
        fail("members[].KEY belongs inside the members group (or use members[0].KEY)")
    problem = _fits(sk.KEYS[sk.canonical(path)], f)
    if problem:
        fail(f"maps_to {path}: {problem}")


def _field(origin, raw, ctx, scope, group):
    """The checked Field of `raw`; `group` is the raw group it belongs to, if any."""
    where = raw.get("id") if isinstance(raw, dict) else None
    if group is not None:
        where = f"{group['id']}.{where}"

    def fail(problem):
        ctx.fail(origin, where or "?", problem)

    if not isinstance(raw, dict):
        fail(f"a field is a mapping, got {raw!r}")
    if not isinstance(raw.get("id"), str) or not _ID.fullmatch(raw["id"]):
        fail("`id` must be lower_case letters, digits and _")
    if raw["id"] in MEMBER_NAMES:
        fail(f"id {raw['id']!r} is reserved: member prompts use it for the member")
    if raw["id"] in ctx.ids:
        fail(f"id {raw['id']!r} is used twice in this form (ids are unique, groups included)")
    ctx.ids.add(raw["id"])
    kind = raw.get("type")
    if kind not in PARSERS:
        fail(f"unknown type {kind!r}; one of {', '.join(PARSERS)}")
    stray = set(raw) - _COMMON - _EXTRA.get(kind, set())
    if stray:
        fail(f"unknown key(s) {', '.join(sorted(stray))} for a {kind} field")
    for key in ("prompt", "required"):
        if key not in raw:
            fail(f"`{key}` is missing")
    if type(raw["required"]) is not bool:
        fail("`required` must be true or false")
    for key in ("help", "error", "unit", "member_label"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            fail(f"`{key}` must be non-empty text")

    # The count question of a group sees only what came before the group.
    inner_scope = scope | set(MEMBER_NAMES) if group is not None else scope
    attrs = {key: raw[key] for key in _COMMON | {"unit", "member_label"} if key in raw}
    attrs["render_prompt"] = _template(raw["prompt"], inner_scope, "prompt", fail)
    if "help" in raw:
        attrs["render_help"] = _template(raw["help"], inner_scope, "help", fail)
    if "when" in raw:
        attrs["applies"] = _template(raw["when"], inner_scope, "when", fail)

    if kind in ("integer", "money", "group"):
        attrs["min"], attrs["max"] = _bounds(raw, kind, fail)
    if kind == "text":
        for key in ("min_length", "max_length"):
            if key in raw and (type(raw[key]) is not int or raw[key] < 1):
                fail(f"`{key}` must be a whole number from 1")
        attrs["min_length"] = raw.get("min_length", 1)
        attrs["max_length"] = raw.get("max_length", DEFAULT_MAX_LENGTH)
        if attrs["min_length"] > attrs["max_length"]:
            fail("`min_length` is above `max_length`")
        if "pattern" in raw:
            try:
                re.compile(raw["pattern"])
            except (re.error, TypeError) as problem:
                fail(f"`pattern` is not a regular expression: {problem}")
            attrs["pattern"] = raw["pattern"]
    if kind == "yesno" and "aliases" in raw:
        aliases = raw["aliases"]
        if not isinstance(aliases, list) or not aliases or any(
                type(a) is not str or not a.strip() or a.strip().isdigit() for a in aliases):
            fail("`aliases` must be a non-empty list of words (not only digits)")
        attrs["aliases"] = tuple(a.strip() for a in aliases)
    if kind == "choice":
        attrs["options"] = _options(raw, fail)
        if type(raw.get("multiple", False)) is not bool:
            fail("`multiple` must be true or false")
        attrs["multiple"] = raw.get("multiple", False)
    if kind == "group":
        if group is not None:
            fail("a group cannot hold another group")
        if not raw["required"]:
            fail("a group is required (a count of 0 is how to say none)")
        members_scope, inner = set(scope), []
        for member_origin, member_raw in _expand(raw.get("fields"), origin, ctx, frozenset({origin})):
            inner.append(_field(member_origin, member_raw, ctx, members_scope, raw))
            members_scope.add(inner[-1].id)
        attrs["fields"] = tuple(inner)
        # The label may read the member's own answers (None until given): "您的妻子（43岁）"
        # once the relation is known.
        attrs["member_label"] = label = raw.get("member_label", DEFAULT_MEMBER_LABEL)
        attrs["render_member_label"] = _template(label, members_scope | {"n"}, "member_label", fail)

    made = Field(**attrs)
    if made.maps_to is not None:
        _check_maps_to(made, group, fail)
        if made.maps_to in ctx.mapped:
            fail(f"maps_to {made.maps_to} is already fed by {ctx.mapped[made.maps_to]}")
        ctx.mapped[made.maps_to] = where
    return made


def _check_ages(fields, ctx):
    """A form that feeds the rules must ask every member's age: the rules cannot run without."""
    if not ctx.mapped:
        return
    if "members" in ctx.mapped and any(p.startswith(sk.FIRST_MEMBER) for p in ctx.mapped):
        ctx.fail(ctx.path, "", "maps to both the members group and members[0].KEY")
    ages = [f for f in form_fields(fields) if f.maps_to in ("members[].age", "members[0].age")]
    groups = [f for f in fields if f.maps_to == "members"]
    if not ages or any(f.when or not f.required for f in ages + groups):
        ctx.fail(ctx.path, "", "feeds the rules but does not always ask each member's age: "
                               "map a required field without `when` to members[].age")


def form_fields(fields):
    """Every field, a group's own fields after the group."""
    for f in fields:
        yield f
        yield from form_fields(f.fields)


def load_form(path):
    """The checked Form defined by the YAML file at `path`; FormError names what is wrong."""
    path = Path(path)
    ctx = _Context(path)
    data = _read_yaml(path, ctx, path)
    if not isinstance(data, dict):
        ctx.fail(path, "", "a form definition is a mapping with id, title and fields")
    stray = set(data) - _FORM_KEYS
    if stray:
        ctx.fail(path, "", f"unknown key(s) {', '.join(sorted(stray))}")
    if data.get("id") != path.stem:
        ctx.fail(path, "", f"`id` must be {path.stem!r}, the file's name")
    for key in ("title", "description"):
        if (key == "title" or key in data) and not (isinstance(data.get(key), str) and data[key].strip()):
            ctx.fail(path, "", f"`{key}` must be non-empty text")
    scope, fields = set(), []
    for origin, raw in _expand(data.get("fields"), path, ctx, frozenset({path})):
        fields.append(_field(origin, raw, ctx, set(scope), None))
        scope.add(fields[-1].id)
    _check_ages(fields, ctx)
    return Form(data["id"], data["title"], data.get("description"), tuple(fields))
