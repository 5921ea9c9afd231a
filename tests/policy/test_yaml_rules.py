"""The OpenFisca YAML tests beside the rules (policy/tests/), run from pytest.

Each YAML file runs through openfisca_core's own test runner; a failing YAML
test fails its file here (the runner's report is in the captured output).
"""

import pathlib

import pytest
from openfisca_core.tools.test_runner import run_tests

from policy.system import tax_benefit_system

RULE_TESTS = pathlib.Path(__file__).resolve().parents[2] / "policy" / "tests"
FILES = sorted(RULE_TESTS.glob("*.yaml"))
PROGRAMMES = ("income", "dibao", "dishouru", "tekun", "jiaoyu", "weifang", "yiliao", "jiuye", "daikuan")


def test_every_rule_has_its_yaml_tests():
    assert {path.stem for path in FILES} >= set(PROGRAMMES)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_yaml_rules(path):
    exit_code = run_tests(tax_benefit_system(), str(path), {"verbose": False})
    assert exit_code == 0, f"OpenFisca YAML tests failed in {path.name} (see the captured output)"
