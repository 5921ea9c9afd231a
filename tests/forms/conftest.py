"""Helpers for forms tests: definitions written to temporary files, as staff would write them."""

import textwrap

import pytest

from forms import load_form


@pytest.fixture
def write_definition(tmp_path):
    """Write YAML text to tmp_path/NAME.yaml and return its path."""

    def write(name, text):
        path = tmp_path / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_form(write_definition):
    """A form `t` loaded from the YAML of its fields (a list, indented as written)."""

    def make(fields_yaml):
        body = "id: t\ntitle: 测试\nfields:\n" + textwrap.indent(textwrap.dedent(fields_yaml), "  ")
        return load_form(write_definition("t", body))

    return make


@pytest.fixture
def make_field(make_form):
    """The one field of a form whose field is `x` with the given YAML keys."""

    def make(keys_yaml):
        keys = textwrap.indent(textwrap.dedent(keys_yaml).strip(), "  ")
        return make_form(f"- id: x\n  prompt: 问题？\n  required: true\n{keys}\n").fields[0]

    return make
