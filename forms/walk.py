"""Walking a form: which questions apply to the answers so far, and changing answers.

Answers are plain JSON, keyed by field id (see forms/README.md):

    {"hukou_xiamen": true,
     "members": [{"age": 45, "employed": true}, {"age": 43}],
     "street": null}

A key that is present is answered (null: skipped, for a field that is not required); a
group's answer is its list of members, one dict each, so the count is the list's length.
Every function here is pure: it returns new answers and never changes the ones it is given.
"""

import copy
from dataclasses import dataclass, field as dataclass_field
from typing import NamedTuple

from forms.errors import AnswerError
from forms.schema import Field
from forms.types import understand


@dataclass(frozen=True)
class Question:
    field: Field
    # Where the answer lives: (field id,) at the top, (group id, member index, field id)
    # inside a group; a group's own question (how many?) is (group id,).
    path: tuple
    n: int | None  # the member's number, 1 for the first, inside a group
    answered: bool
    value: object  # the answer (a group's: how many), None while unanswered or skipped
    scope: dict = dataclass_field(repr=False)  # the answers the prompt and help are rendered with

    @property
    def is_count(self):
        return self.field.type == "group"

    # Rendered on demand: only the questions a resident sees need their words, and the
    # answers after an unanswered question are not known yet.
    @property
    def prompt(self):
        return self.field.render_prompt(self.scope)

    @property
    def help(self):
        return self.field.render_help(self.scope) if self.field.render_help else None


def _ask(field, path, scope, stored, n):
    return Question(field, path, n, field.id in stored, stored.get(field.id), dict(scope))


def applicable(form, answers):
    """Every question that applies, in order, including those after an unanswered one.

    Scope of `when` and templates: the answers of the fields before, by id; an answer not
    given or whose field does not apply is None. A group, after its last field, is the list
    of its members' answers. Inside a group: the current member's earlier answers, the
    fields before the group, `n` and `member` (the group's member_label for this member).
    """
    scope = {}
    for field in form.fields:
        if field.applies and not field.applies(scope):
            scope[field.id] = None
            continue
        if field.type != "group":
            yield _ask(field, (field.id,), scope, answers, None)
            scope[field.id] = answers.get(field.id)
            continue
        members = answers.get(field.id)
        counted = isinstance(members, list)
        yield Question(field, (field.id,), None, counted, len(members) if counted else None,
                       dict(scope))
        if not counted:
            scope[field.id] = None
            continue
        seen = []
        unanswered = dict.fromkeys(inner.id for inner in field.fields)
        for index, stored in enumerate(members):
            local = dict(scope, n=index + 1)
            mine = {}
            for inner in field.fields:
                local["member"] = field.render_member_label({**local, **unanswered, **mine})
                inner_scope = {**local, **mine}
                if inner.applies and not inner.applies(inner_scope):
                    mine[inner.id] = None
                    continue
                yield _ask(inner, (field.id, index, inner.id), inner_scope, stored, index + 1)
                mine[inner.id] = stored.get(inner.id)
            seen.append(mine)
        scope[field.id] = seen


def walk(form, answers):
    """The questions that apply, in order, up to and including the first unanswered one.

    The last question is unanswered unless the form is complete; what comes after it
    may depend on its answer, so the walk stops there.
    """
    for question in applicable(form, answers):
        yield question
        if not question.answered:
            return


def next_question(form, answers):
    """The question to ask now, or None when every question that applies is answered."""
    for question in walk(form, answers):
        if not question.answered:
            return question
    return None


def prune(form, answers):
    """Only the answers of questions that apply, in the shape above."""
    kept = {}
    for question in applicable(form, answers):
        if question.answered:
            _put(kept, question, question.value)
    return kept


def _put(answers, question, value):
    group, *member = question.path
    if question.is_count:
        old = answers.get(group) if isinstance(answers.get(group), list) else []
        # A smaller count drops the last members' answers; a larger one adds empty members.
        answers[group] = old[:value] + [{} for _ in range(value - len(old))]
    elif member:
        answers[group][member[0]][member[1]] = value
    else:
        answers[group] = value


def _find(form, answers, path):
    path = tuple(path)
    for question in walk(form, answers):
        if question.path == path:
            return question
    raise KeyError(f"{list(path)} is not a question of form {form.id} now")


class Answered(NamedTuple):
    """New answers, and a note for the resident when the answer was read loosely
    ("已按 1,500 元记录。" for 1500左右), else None."""

    answers: dict
    note: str | None


def answer_noted(form, answers, path, raw):
    """`answer`, with the note saying how a loosely read answer was recorded."""
    question = _find(form, answers, path)
    understood = understand(question.field, raw)
    changed = copy.deepcopy(answers)
    _put(changed, question, understood.value)
    return Answered(prune(form, changed), understood.note)


def answer(form, answers, path, raw):
    """The answers with the question at `path` answered from `raw` (text, or the channel's
    value for an image or a location), and the answers that no longer apply dropped.

    `path` is a question of the walk: the next one, or an earlier one to change it.
    AnswerError says, in Chinese, why `raw` is not an answer; KeyError, that `path` is not
    a question now.
    """
    return answer_noted(form, answers, path, raw).answers


def skip(form, answers, path):
    """The answers with the question at `path` left blank (None), if it is not required."""
    question = _find(form, answers, path)
    if question.field.required:
        raise AnswerError("这一题需要回答，不能跳过。")
    changed = copy.deepcopy(answers)
    _put(changed, question, None)
    return prune(form, changed)


def back(form, answers):
    """The answers without the last one given before the current question, so that the
    question before is asked again (a group's count takes its members' answers with it)."""
    given = [question for question in walk(form, answers) if question.answered]
    changed = copy.deepcopy(answers)
    if given:
        group, *member = given[-1].path
        if member:
            del changed[group][member[0]][member[1]]
        else:
            del changed[group]
    return prune(form, changed)
