"""Amounts (yuan, square metres) computed in float64.

OpenFisca keeps `float` variables in float32, whose 7 significant digits lose
fen on a few hundred thousand yuan. Every float variable of these rules derives
from `Amount` instead (and still declares `value_type = float`, since OpenFisca
reads that attribute from the class itself).
"""

import numpy
from openfisca_core.variables import Variable


class Amount(Variable):
    def __init__(self, baseline_variable=None):
        super().__init__(baseline_variable)
        self.dtype = numpy.float64
