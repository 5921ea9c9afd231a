"""Numbers as a viewer may read them, wherever they are shown: pages, the ledger CSV, the
audit log. Residents type identity and phone numbers into free text (the chat, a clue's
description), so masking a column is not enough: numbers are found inside text too.

Whether a viewer may see whole numbers is `access.sees_pii`; this module only applies it.
"""
from __future__ import annotations

import re

from models import pii

_D = "[0-9０-９]"  # residents on a Chinese keyboard may type full-width digits
_SEP = "[ -]?"  # 138 1234 5678, 350203-19800101-1234
# An 18-digit identity number (the last may be X) or an 11-digit mainland mobile number
# (1[3-9]…, optionally after +86), not part of a longer run of digits.
NUMBER = re.compile(
    rf"(?<![0-9０-９])(?:"
    rf"{_D}{{6}}{_SEP}{_D}{{8}}{_SEP}{_D}{{3}}[0-9０-９XxＸｘ]"
    rf"|(?:(?:\+|＋)?86{_SEP})?[1１][3-9３-９]{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}"
    rf")(?![0-9０-９])")
_PREFIX = re.compile(r"^(?:\+|＋)?86[ -]?(?=[1１])")


def _mask_number(match: re.Match) -> str:
    number = _PREFIX.sub("", match.group())
    return pii.mask(re.sub("[ -]", "", number))


def shown(value, whole: bool, *, number: bool = False) -> str:
    """`value` as this viewer may read it. Whole when `whole`; otherwise identity and mobile
    numbers inside the text are masked like 350***********1234 / 138****5678, and a value
    that is itself a number field (`number=True`, any format) is masked entirely."""
    if value is None:
        return ""
    text = str(value)
    if whole or not text:
        return text
    if number:
        return pii.mask(text)
    return NUMBER.sub(_mask_number, text)


def has_number(value) -> bool:
    """Does the text hold an identity or mobile number (so showing it whole is a view of
    personal data)?"""
    return bool(value) and NUMBER.search(str(value)) is not None


# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula.
# (defusedcsv neither covers tab and CR nor leaves | alone, hence these two lines.)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading ' before a formula start."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
