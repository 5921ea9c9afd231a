"""Conditions (`when`) and prompt templates, in Jinja2's immutable sandbox.

A definition is data that staff may edit, so its expressions run where they can read the
answers and nothing else, and change nothing.
"""

from jinja2 import StrictUndefined, UndefinedError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from forms import members

_env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
# Answers and filters are all a definition needs; without Jinja's globals (range, lipsum,
# cycler…) there is less to reach, and each evaluation has less to copy.
_env.globals.clear()
# What a template may call: how the chat names a member (`member_label`).
_env.globals["kin"] = members.kin


def names_used(source, expression):
    """The answer names a `when` (expression=True) or a template refers to."""
    text = "{{ (" + source + ") }}" if expression else source
    return meta.find_undeclared_variables(_env.parse(text)) - set(_env.globals)


def compile_when(source):
    """A function of the answers in scope that says whether a field applies.

    An answer that is missing (skipped, or its field did not apply) is None; comparing it,
    counting it or reading a part of it fails, and the condition is then false: the field
    does not apply when what it depends on is unknown.
    """
    expression = _env.compile_expression(source)
    used = tuple(sorted(names_used(source, expression=True)))

    def evaluate(values):
        try:
            return bool(expression(**dict(zip(used, values))))
        except (TypeError, UndefinedError):
            return False

    return _remembered(evaluate, used)


def compile_template(source):
    template = _env.from_string(source)
    used = tuple(sorted(names_used(source, expression=False)))
    return _remembered(lambda values: template.render(**dict(zip(used, values))), used)


def _remembered(compute, used, most=1024):
    """`compute(values of the names used)` as a function of the scope, remembered for simple
    values: a condition or a prompt is a pure function of the answers it reads, and every
    walk of a form asks each again (a Jinja evaluation costs ~20 µs). Jinja copies every
    name it is given into a new context, so only those used are given."""
    known: dict = {}

    def call(scope):
        values = tuple(scope[name] for name in used)
        try:
            return known[values]
        except KeyError:
            result = compute(values)
            if len(known) < most:
                known[values] = result
            return result
        except TypeError:  # a list or dict among the values: not hashable, computed each time
            return compute(values)

    return call
