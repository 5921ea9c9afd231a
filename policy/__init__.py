"""The rules of yitang: eligibility pre-checks for Xiamen's assistance programmes.

Pure: imports nothing of the project. Other parts use only what is listed here.
"""

from policy.assess import assess, assess_many
from policy.params import parameters_in_force
from policy.simulation import PROGRAMMES
from policy.situation import SituationError, parse_situation
from policy.version import RULES_VERSION

__all__ = [
    "PROGRAMMES",
    "RULES_VERSION",
    "SituationError",
    "assess",
    "assess_many",
    "parameters_in_force",
    "parse_situation",
]
