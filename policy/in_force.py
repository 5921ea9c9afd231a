"""Parameters in force on each household's assessment date.

A batch may hold households assessed in different months, all in one simulation.
Each household carries its `assessment_date` (the first day of its assessed
month); formulas read parameters through `in_force`, which evaluates the
parameter tree once per distinct date and hands back one value per member of
the population. With a single date (the usual case) values stay scalars.

A parameter with no value on a date (not yet in force, or ended) reads as NaN,
so a formula can say "not covered" instead of failing the whole batch.
"""

import functools

import numpy

# The last view handed out, per entity: formulas of one simulation ask for the
# same dates many times. Keyed by the identity of the cached dates array (kept
# alive here, so the identity cannot be reused) and by the parameters function
# (a bound method, new at each access: compared by equality).
_last = {True: (None, None, None), False: (None, None, None)}


def in_force(population, period, parameters):
    is_person = population.entity.is_person
    households = population.simulation.household if is_person else population
    dates = households("assessment_date", period)
    seen_dates, seen_parameters, view = _last[is_person]
    if seen_dates is dates and seen_parameters == parameters:
        return view
    first = dates[0]
    if (dates == first).all():
        view = _one_date(parameters(str(first)))
    else:
        unique, which = numpy.unique(dates, return_inverse=True)
        if is_person:
            which = which[households.members_entity_id]
        view = InForce([parameters(str(date)) for date in unique], which)
    _last[is_person] = (dates, parameters, view)
    return view


# Views of one date, by the parameter node they read (a node hashes by identity and the
# cache keeps it alive): every simulation of the same month reads the values already looked
# up. A node is openfisca's snapshot of the parameters on a date; changed parameters give a
# new one. 1000 is far more months than the rules cover.
@functools.lru_cache(maxsize=1000)
def _one_date(node):
    return InForce([node], None)


class InForce:
    """A parameter node seen on several dates at once."""

    def __init__(self, nodes, which):
        self._nodes = nodes
        self._which = which

    def __getattr__(self, name):
        children = [getattr(node, name, None) for node in self._nodes]
        if all(child is None or isinstance(child, (int, float)) for child in children):
            values = [numpy.nan if child is None else float(child) for child in children]
            value = values[0] if self._which is None else numpy.array(values)[self._which]
        else:
            value = InForce(children, self._which)
        # Later reads find the attribute without coming back here.
        setattr(self, name, value)
        return value
