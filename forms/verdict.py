"""The rules' verdict on a form's answers: the same call the precheck API makes, about the
form's programmes only."""
from __future__ import annotations

import policy

from forms.situation import to_situation

# The rules' programmes each form is assessed for: those it is about, and those its answers can
# show a resident may also qualify for (“您家可能还符合：…”, bot/verdict.py): a form that asks the
# household's questions (`include: household`) can show 低保, 低收入, 特困 and education aid.
# The pre-check API and staff re-checks assess every programme.
HOUSEHOLD = ("dibao", "dishouru", "tekun", "jiaoyu")
PROGRAMMES = {
    "dibao": HOUSEHOLD,
    "jiaoyu": HOUSEHOLD,
    "yiliao": ("yiliao", *HOUSEHOLD),
    "weifang": ("weifang", *HOUSEHOLD),
    "jiuye": ("jiuye_kunnan",),
    "daikuan": ("daikuan",),
}


def programmes(form) -> tuple | None:
    """The programmes `form` is assessed for (None: a form not listed gets all of them)."""
    return PROGRAMMES.get(form.id)


def assess(form, answers: dict) -> dict:
    return policy.assess(to_situation(form, answers), programmes=programmes(form))
