"""Money as residents read it: yuan, rounded half up to the fen, at the end only."""

import math

import numpy


def fen(values):
    """Round yuan half up to 2 decimals (四舍五入), for an array or a number.

    The 1e-7 absorbs binary representation: 563.335 is stored as 563.33499…
    """
    if isinstance(values, (float, numpy.floating)) and math.isfinite(values):
        # One number (a sentence's figure): the same float64 steps without numpy's scalar overhead.
        return math.floor(float(values) * 100 + 0.5 + 1e-7) / 100
    return numpy.floor(numpy.asarray(values, dtype=float) * 100 + 0.5 + 1e-7) / 100


def yuan(value):
    """A sum for a sentence: "710.00"."""
    return f"{float(fen(value)):.2f}"
