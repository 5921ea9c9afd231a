"""The OpenFisca tax-benefit system of the rules, built once per process."""

import contextvars
import functools
import os

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from policy.entities import entities
from policy.version import RULES_VERSION

HERE = os.path.dirname(os.path.abspath(__file__))
PARAMETERS_DIR = os.path.join(HERE, "parameters")
VARIABLES_DIR = os.path.join(HERE, "variables")


class YitangRules(TaxBenefitSystem):
    def __init__(self):
        super().__init__(entities)
        self.load_parameters(PARAMETERS_DIR)
        self.add_variables_from_directory(VARIABLES_DIR)

    def get_package_metadata(self):
        # The project is not an installed distribution; without this OpenFisca
        # logs a warning for every variable file it loads.
        return {
            "name": "yitang-policy",
            "version": RULES_VERSION,
            "repository_url": "",
            "location": os.path.dirname(HERE),
        }


@functools.cache
def shipped_system():
    # Loading parameters and variables takes a fraction of a second; every
    # assessment shares the one system (it is never mutated).
    return YitangRules()


# Staff-added parameter values (policy.overrides): the system for this process,
# and one for a single computation (a preview), which wins while it is set.
installed = None
previewed = contextvars.ContextVar("yitang_previewed_rules", default=None)


def tax_benefit_system():
    return previewed.get() or installed or shipped_system()
