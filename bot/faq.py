"""Questions a resident may ask at any moment: what 低保 is, why a question is asked, how long
review takes, whether their data is safe. The questions and answers are data (bot/faq.yaml);
every figure in an answer is a rule parameter in force today, read through `policy`.

    answer(text, form_id=None, field=None) -> Reply | None

None when `text` is not a question we know (an answer, an application, a command): the chat
then goes on as before. It runs on every message, so it is pure and fast: the YAML is read
and the patterns and templates compiled once, at import; a message is matched with a few
precompiled regular expressions; parameters are read once per day.

A question is a topic word together with an asking word (“什么是低保”, “低保是啥意思”,
“低保有多少钱”) or a topic-free question (“要多久”, “我的信息安全吗”, “为什么要问这个”).
A topic word alone (“低保”) or an application (“我想申请低保”) is not a question: it starts the
form, as before.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import yaml
from jinja2 import Environment, StrictUndefined, TemplateError

import forms
import policy

from .reply import Reply, split

log = logging.getLogger(__name__)

# Xiamen keeps UTC+8 without daylight saving: "today" is the day in Xiamen.
CST = dt.timezone(dt.timedelta(hours=8), "CST")

_DATA = yaml.safe_load((Path(__file__).parent / "faq.yaml").read_text(encoding="utf-8"))

# Spaces and punctuation, after NFKC (which turns full-width ？，！ into ASCII).
_NOISE = re.compile(r"[\s,.!?~…:;\"'“”‘’()\[\]{}<>《》【】〔〕、。·—_\-/\\|*#@&+=^`]+")
_TRAILING = " \t\r\n。.!！~～…、,，"


def _yuan(value) -> str:
    """2,600 / 2,600.50: amounts as residents read them."""
    value = round(float(value), 2)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}"


def _num(value) -> str:
    """2 for 2.0, 1.5 for 1.5."""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


_env = Environment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=False, autoescape=False)
_env.filters.update(yuan=_yuan, num=_num)


def _literal(word) -> str:
    word = unicodedata.normalize("NFKC", str(word)).lower()
    escaped = re.escape(word)
    # "112" is the service, not part of 1120 or 3112.
    return rf"(?<!\d){escaped}(?!\d)" if word.isdigit() else escaped


def _alternation(words) -> str:
    return "|".join(_literal(w) for w in sorted(words, key=lambda w: -len(str(w))))


def _compile(words=(), patterns=()) -> re.Pattern | None:
    parts = [f"(?:{_alternation(words)})"] if words else []
    parts += [f"(?:{p})" for p in patterns]
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True)
class _Question:
    id: str
    match: re.Pattern
    unless: re.Pattern | None
    needs_field: bool


MAX_LENGTH: int = _DATA["max_length"]
TEXT_ANSWER_MAX_LENGTH: int = _DATA["text_answer_max_length"]
_ENDINGS = tuple(unicodedata.normalize("NFKC", e) for e in _DATA["question_endings"])
_ASKS = _compile(_DATA["asks"])
_STRONG_ASKS = _compile(_DATA["strong_asks"])
_QUESTIONS = tuple(
    _Question(q["id"], _compile(q.get("words", ()), q.get("patterns", ())),
              _compile(q.get("unless", ())), bool(q.get("needs_field", False)))
    for q in _DATA["questions"]
)
_TOPIC_OF = {unicodedata.normalize("NFKC", str(w)).lower(): topic
             for topic, entry in _DATA["topics"].items() for w in entry["words"]}
_TOPICS = _compile(list(_TOPIC_OF))

_ANSWERS = {f"topic:{topic}": _env.from_string(entry["answer"]) for topic, entry in _DATA["topics"].items()}
_ANSWERS.update({name: _env.from_string(text) for name, text in _DATA["answers"].items()})
_ANSWERS["why_idle"] = _env.from_string(_DATA["why_idle"])
_WHY = {key: _env.from_string(text) for key, text in _DATA["why"]["fields"].items()}
_WHY_DEFAULT = _env.from_string(_DATA["why"]["default"])
_WHY_CASE = _env.from_string(_DATA["why"]["case"])
_AGAIN: str = _DATA["again"]


def normalise(text: str) -> str:
    """Lower case, half-width, without spaces or punctuation: what the patterns see."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def classify(text: str, field_type: str | None = None, has_field: bool = False) -> tuple[str, str | None] | None:
    """What is asked: ("topic", "dibao"), ("review_time", None), …, or None for no question.
    `field_type` is the type of the question waiting (a free-text answer is judged stricter)."""
    if not text or not isinstance(text, str):
        return None
    said = normalise(text)
    if not said or len(said) > MAX_LENGTH:
        return None
    free_text = field_type == "text"
    if free_text:
        # A name, an address or a description may name a programme or hold "112": only what
        # reads as a question is one.
        ends_asking = unicodedata.normalize("NFKC", text).rstrip(_TRAILING).endswith(_ENDINGS)
        if len(said) > TEXT_ANSWER_MAX_LENGTH and not ends_asking:
            return None
    for question in _QUESTIONS:
        if question.needs_field and not has_field:
            continue
        if question.match.search(said) and not (question.unless and question.unless.search(said)):
            return question.id, None
    found = _TOPICS.search(said)
    if found and _ASKS.search(said):
        if free_text and not ends_asking and not _STRONG_ASKS.search(said):
            return None  # "莲前西路112号标准厂房" is an address
        return "topic", _TOPIC_OF[found.group()]
    return None


@lru_cache(maxsize=8)
def _parameters(day: str) -> SimpleNamespace:
    """The rule parameters in force on `day`, as `p.dibao.standard`."""
    tree: dict = {}
    for row in policy.parameters_in_force(day):
        node = tree
        *parents, leaf = row["name"].split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = row["value"]

    def wrap(node):
        return SimpleNamespace(**{k: wrap(v) if isinstance(v, dict) else v for k, v in node.items()})

    return wrap(tree)


def _form_title(form_id: str | None) -> str | None:
    if not form_id:
        return None
    try:
        return forms.get(form_id).title
    except KeyError:
        return None


def _find_field(fields, field_id):
    for field in fields:
        if field.id == field_id:
            return field
        found = _find_field(field.fields, field_id)
        if found is not None:
            return found
    return None


def _resolve(field, form_id):
    """(the Field, its help for this member) from a forms.Question, a forms.Field or a field id."""
    if field is None:
        return None, None
    if isinstance(field, str):
        try:
            found = _find_field(forms.get(form_id).fields, field) if form_id else None
        except KeyError:
            found = None
        field = found if found is not None else SimpleNamespace(id=field, type=None, maps_to=None, help=None)
    if hasattr(field, "field"):  # a forms.Question: its help is rendered for this member
        try:
            help_text = field.help
        except TemplateError:
            help_text = None
        return field.field, help_text
    help_text = getattr(field, "help", None)
    if help_text and ("{{" in help_text or "{%" in help_text):
        help_text = None  # a template that needs the answers: not ours to render
    return field, help_text


def _why(field, help_text, form_id, context) -> str:
    field_id = getattr(field, "id", None)
    template = _WHY.get(f"{form_id}.{field_id}") or _WHY.get(str(field_id))
    if template is not None:
        return template.render(context)
    own = getattr(field, "why", None)  # should forms/definitions ever carry one
    if own:
        return own
    general = (_WHY_DEFAULT if getattr(field, "maps_to", None) else _WHY_CASE).render(context)
    return f"{general}\n{help_text}" if help_text else general


def answer(text: str, form_id: str | None = None, field=None, *, on: dt.date | None = None) -> Reply | None:
    """The answer to a resident's question, or None when `text` is not a question we know.

    `form_id`: the form open in the chat, if any. `field`: the question waiting for an answer
    (a forms.Question, a forms.Field or a field id), if any; then the answer ends with a line
    leading back to it, and the caller asks that question again right after. `on`: the day
    whose parameters are quoted (default: today in Xiamen).
    """
    field, help_text = _resolve(field, form_id)
    asked = classify(text, getattr(field, "type", None), field is not None)
    if asked is None:
        return None
    kind, topic = asked
    day = (on or dt.datetime.now(CST).date()).isoformat()
    context = {
        "p": _parameters(day),
        "new": form_id is None,
        "in_form": field is not None,
        "form_title": _form_title(form_id),
    }
    try:
        if kind == "topic":
            body = _ANSWERS[f"topic:{topic}"].render(context)
        elif kind == "why":
            body = _why(field, help_text, form_id, context) if field is not None else _ANSWERS["why_idle"].render(context)
        else:
            body = _ANSWERS[kind].render(context)
    except TemplateError:
        # A parameter the answer quotes is not in force on this day: say nothing rather than
        # something wrong; the chat goes on as if no question was asked.
        log.exception("faq answer %s could not be rendered on %s", topic or kind, day)
        return None
    body = body.strip()
    if field is not None:
        body = f"{body}\n{_AGAIN}"
    return Reply(split(body))
