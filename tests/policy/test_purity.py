"""policy/ is pure: it imports nothing of the project (architecture.md)."""

import ast
import pathlib
import sys

POLICY = pathlib.Path(__file__).resolve().parents[2] / "policy"
ALLOWED = {"policy", "openfisca_core", "numpy"} | set(sys.stdlib_module_names)


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_policy_imports_only_itself_openfisca_numpy_and_the_standard_library():
    files = sorted(POLICY.rglob("*.py"))
    assert files
    for path in files:
        outside = set(_imports(path)) - ALLOWED
        assert not outside, f"{path.relative_to(POLICY)} imports {outside}"
