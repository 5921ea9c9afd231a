"""The rules' verdict on a form's answers: the same call the precheck API makes."""
from __future__ import annotations

import policy

from forms.situation import to_situation


def assess(form, answers: dict) -> dict:
    return policy.assess(to_situation(form, answers))
