"""Parameter values with their date, reference and verify mark, for people to read.

The simulation reads values only; a resident and the staff also need to know
since when a value applies, where it comes from, and whether it still awaits
verification. Both come from the same YAML files.
"""

import datetime
import functools

from openfisca_core.parameters import Parameter

from policy.system import tax_benefit_system


def _day(date):
    if isinstance(date, datetime.date):
        return date.isoformat()
    return datetime.date.fromisoformat(date).isoformat()  # refuses a malformed date


def _leaves():
    return [node for node in tax_benefit_system().parameters.get_descendants() if isinstance(node, Parameter)]


def cited(name, date):
    """The value of parameter `name` in force on `date` (YYYY-MM-DD), as a dict,
    or None when it has no value then, by the rules in force here (policy.system)."""
    return _cited(tax_benefit_system(), name, date)


# By system too: a preview of staff's new standards in one thread must not answer for
# another, and installing new standards needs no clearing.
@functools.lru_cache(maxsize=4096)
def _cited(rules, name, date):
    node = rules.parameters
    for part in name.split("."):
        node = node.children[part]
    for value in node.values_list:  # newest first
        if value.instant_str <= date:
            if value.value is None:
                return None
            metadata = value.metadata
            return {
                "name": name,
                "title": node.description,
                "value": value.value,
                "since": value.instant_str,
                "reference": metadata.get("reference", ""),
                "verify": bool(metadata.get("verify", False)),
                "unit": metadata.get("unit", ""),
                "note": metadata.get("note", ""),
            }
    return None


def parameters_in_force(date):
    """Every parameter in force on `date` (a date or "YYYY-MM-DD"), sorted by name:
    [{name, title, value, since, reference, verify}] (plus unit and note)."""
    day = _day(date)
    found = (cited(leaf.name, day) for leaf in _leaves())
    return sorted((dict(entry) for entry in found if entry is not None), key=lambda entry: entry["name"])
