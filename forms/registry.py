"""Every form in forms/definitions/, loaded and checked once per process."""

import functools
from pathlib import Path

from forms.schema import load_form

DEFINITIONS = Path(__file__).parent / "definitions"


@functools.cache
def _forms():
    # Files named _NAME.yaml are fragments that forms include, not forms.
    paths = sorted(p for p in DEFINITIONS.glob("*.yaml") if not p.name.startswith("_"))
    return {form.id: form for form in map(load_form, paths)}


def all_forms():
    """Every form, in the order of their file names."""
    return list(_forms().values())


def get(form_id):
    """The form with this id; KeyError when there is none."""
    forms = _forms()
    if form_id not in forms:
        raise KeyError(f"no form {form_id!r}")
    return forms[form_id]
