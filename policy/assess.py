"""assess and assess_many: the same rules for one household or for many.

Both take `programmes`: the keys of answer["programmes"] wanted (see
simulation.PROGRAMMES), left out for all of them. Only what those programmes'
answers read is computed, and the checklist and the explanation are about
them only; each programme's figures are those of the full assessment.
"""

import gc

from policy.answer import build
from policy.simulation import compute, scope
from policy.situation import SituationError, read


def assess_many(situations, for_resident=False, programmes=None):
    """Assess many households (raw or parsed situations) in one simulation.

    Returns one answer per situation, in order, with the figures of `assess`.
    What only a resident reads, `documents` and `explanation`, is added with
    `for_resident=True` (then each answer equals `assess`); leaving it out is
    what makes a batch of 100,000 fast.
    Raises SituationError for the first bad answer; its `index` is the household;
    ValueError for a programme that does not exist.
    """
    programmes = scope(programmes)
    situations = list(situations)
    if not situations:
        return []
    # Nothing here makes reference cycles; pausing the cycle collector while
    # millions of small objects are made saves it scanning them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _assess(situations, for_resident, programmes)
    finally:
        if collecting:
            gc.enable()


def _assess(situations, for_resident, programmes):
    try:
        checked = read(situations)
    except SituationError as error:
        if len(situations) > 1:
            error.message = f"第{error.index + 1}户：{error.message}"
            error.args = (error.message,)
        raise
    household, person = compute(checked, programmes)
    return build(situations, checked, household, person, for_resident, programmes)


def assess(situation, programmes=None):
    """Assess one household (raw or parsed situation): the answer of interfaces.md,
    about `programmes` only when given (a form's, for the chat and the mini-program)."""
    return assess_many([situation], for_resident=True, programmes=programmes)[0]
