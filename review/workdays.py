"""Working days in mainland China: weekends and public holidays off, the weekends worked
instead (调休) on, from the `chinesecalendar` package (module `chinese_calendar`), which
carries the State Council's yearly schedule. Never a hand list.

The State Council publishes a year's schedule in November or December of the year before,
and the package follows in a release. For a year the installed package does not know yet,
only weekends are skipped and the answer carries a note for staff; `recompute` (a daily job)
counts such deadlines again once an updated package knows the year.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

FALLBACK_NOTE = "{years}年节假日安排尚未公布，按周末计算，公布后将重算"


@dataclass(frozen=True)
class Counted:
    """The day reached, and a note for staff when part of the count assumed weekends only."""
    day: date
    note: str | None = None


def known(day: date) -> bool:
    """Does the installed package carry the official schedule of `day`'s year?"""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    """A working day by the official schedule; weekdays, for a year not yet published."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add(start: date, days: int) -> Counted:
    """The `days`-th working day after `start` (`start` itself does not count)."""
    day, guessed = start, set()
    while days > 0:
        day += timedelta(days=1)
        if not known(day):
            guessed.add(day.year)
        if is_workday(day):
            days -= 1
    note = FALLBACK_NOTE.format(years="、".join(str(y) for y in sorted(guessed))) if guessed else None
    return Counted(day, note)
