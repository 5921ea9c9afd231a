"""Conditions (`when`) and prompt templates, in Jinja2's immutable sandbox.

A definition is data that staff may edit, so its expressions run where they can read the
answers and nothing else, and change nothing.
"""

from jinja2 import StrictUndefined, UndefinedError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
# Answers and filters are all a definition needs; without Jinja's globals (range, lipsum,
# cycler…) there is less to reach, and each evaluation has less to copy.
_env.globals.clear()


def names_used(source, expression):
    """The answer names a `when` (expression=True) or a template refers to."""
    text = "{{ (" + source + ") }}" if expression else source
    return meta.find_undeclared_variables(_env.parse(text))


def compile_when(source):
    """A function of the answers in scope that says whether a field applies.

    An answer that is missing (skipped, or its field did not apply) is None; comparing it,
    counting it or reading a part of it fails, and the condition is then false: the field
    does not apply when what it depends on is unknown.
    """
    expression = _env.compile_expression(source)
    # Jinja copies every name it is given into a new context; give only those used.
    used = names_used(source, expression=True)

    def applies(scope):
        try:
            return bool(expression(**{name: scope[name] for name in used}))
        except (TypeError, UndefinedError):
            return False

    return applies


def compile_template(source):
    template = _env.from_string(source)
    used = names_used(source, expression=False)
    return lambda scope: template.render(**{name: scope[name] for name in used})
