"""assess and assess_many: the same rules for one household or for many."""

import gc

from policy.answer import build
from policy.simulation import compute
from policy.situation import SituationError, read


def assess_many(situations, for_resident=False):
    """Assess many households (raw or parsed situations) in one simulation.

    Returns one answer per situation, in order, with the figures of `assess`.
    What only a resident reads, `documents` and `explanation`, is added with
    `for_resident=True` (then each answer equals `assess`); leaving it out is
    what makes a batch of 100,000 fast.
    Raises SituationError for the first bad answer; its `index` is the household.
    """
    situations = list(situations)
    if not situations:
        return []
    # Nothing here makes reference cycles; pausing the cycle collector while
    # millions of small objects are made saves it scanning them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _assess(situations, for_resident)
    finally:
        if collecting:
            gc.enable()


def _assess(situations, for_resident):
    try:
        checked = read(situations)
    except SituationError as error:
        if len(situations) > 1:
            error.message = f"第{error.index + 1}户：{error.message}"
            error.args = (error.message,)
        raise
    household, person = compute(checked)
    return build(situations, checked, household, person, for_resident)


def assess(situation):
    """Assess one household (raw or parsed situation): the answer of interfaces.md."""
    return assess_many([situation], for_resident=True)[0]
