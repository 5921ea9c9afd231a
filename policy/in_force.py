"""Parameters in force on each household's assessment date.

A batch may hold households assessed in different months, all in one simulation.
Each household carries its `assessment_date` (the first day of its assessed
month); formulas read parameters through `in_force`, which evaluates the
parameter tree once per distinct date and hands back one value per member of
the population. With a single date (the usual case) values stay scalars.

A parameter with no value on a date (not yet in force, or ended) reads as NaN,
so a formula can say "not covered" instead of failing the whole batch.
"""

import numpy


def in_force(population, period, parameters):
    if population.entity.is_person:
        dates = population.household("assessment_date", period)
    else:
        dates = population("assessment_date", period)
    first = dates[0]
    if (dates == first).all():
        return InForce([parameters(str(first))], None)
    unique, which = numpy.unique(dates, return_inverse=True)
    return InForce([parameters(str(date)) for date in unique], which)


class InForce:
    """A parameter node seen on several dates at once."""

    __slots__ = ("_nodes", "_which")

    def __init__(self, nodes, which):
        self._nodes = nodes
        self._which = which

    def __getattr__(self, name):
        children = [getattr(node, name, None) for node in self._nodes]
        if all(child is None or isinstance(child, (int, float)) for child in children):
            values = [numpy.nan if child is None else float(child) for child in children]
            if self._which is None:
                return values[0]
            return numpy.array(values)[self._which]
        return InForce(children, self._which)
