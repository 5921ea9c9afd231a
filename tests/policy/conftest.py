import copy

import pytest

from tests.examples import WORKED_EXAMPLE

@pytest.fixture
def worked_example():
    """The situation of interfaces.md (a fresh copy: tests may change it)."""
    return copy.deepcopy(WORKED_EXAMPLE)
