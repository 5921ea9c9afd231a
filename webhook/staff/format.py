"""The console's Jinja filters: one way to show a value, whatever page it is on.

Each delegates to review.labels, where the type of the form field decides the format (money
as "2,600 元", yes/no only for yes/no fields, options by their Chinese labels), so the case
page, the household page and the lists read alike.
"""
from __future__ import annotations

from flask import Blueprint

from review import labels
from review.queue import COUNT_CAP


def capped(number: int | None) -> str:
    """A count taken with a cap (review.queue.capped_count): "10,000+" past the cap, since an
    exact one would cost a scan of the table."""
    if number is None:
        return ""
    return f"{COUNT_CAP:,}+" if number > COUNT_CAP else f"{number:,}"


FILTERS = {
    "answer": lambda value, key: labels.value(key, value),  # {{ value|answer(key) }}
    "field_name": labels.name,  # {{ key|field_name }}
    "verdict": lambda value, key: labels.verdict_value(key, value),
    "money": labels.money,
    "yesno": labels.yesno,
    "day": labels.day,
    "capped": capped,  # not "count": that is Jinja's own (length)
}


def register(bp: Blueprint) -> None:
    for name, function in FILTERS.items():
        bp.add_app_template_filter(function, name)
