"""From a form's answers to the household situation the rules assess (interfaces.md)."""

from forms.situation_keys import FIRST_MEMBER
from forms.walk import applicable

_EACH_MEMBER = "members[]."


def to_situation(form, answers):
    """The situation fed by the answers' `maps_to`: only fields that apply and were answered.

    Everything else is left out, which the rules read as false, 0 or null; so the verdict on
    this situation is the rules' verdict on these answers. Give it complete answers: a
    member whose age is not answered yet is refused by the rules.
    """
    situation = {}
    for question in applicable(form, answers):
        path = question.field.maps_to
        if path is None or question.value is None:
            continue
        if question.is_count:
            situation["members"] = [{} for _ in range(question.value)]
            continue
        target = situation
        if path.startswith(_EACH_MEMBER):
            target, path = situation["members"][question.path[1]], path[len(_EACH_MEMBER):]
        elif path.startswith(FIRST_MEMBER):
            target, path = situation.setdefault("members", [{}])[0], path[len(FIRST_MEMBER):]
        *objects, key = path.split(".")
        for name in objects:
            target = target.setdefault(name, {})
        target[key] = question.value
    return situation
