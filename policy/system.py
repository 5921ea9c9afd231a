"""The OpenFisca tax-benefit system of the rules, built once per process."""

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
def tax_benefit_system():
    # Loading parameters and variables takes a fraction of a second; every
    # assessment shares the one system (it is never mutated).
    return YitangRules()
