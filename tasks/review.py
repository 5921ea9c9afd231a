"""Review jobs: thin calls into review/."""
from __future__ import annotations

import logging

from review import overdue

log = logging.getLogger(__name__)


def overdue_report() -> dict[str, int]:
    """Daily: each district's overdue applications, for its team in the console."""
    counts = overdue.publish()
    log.info("overdue report: %s", ", ".join(f"{d} {n}" for d, n in counts.items()) or "nothing overdue")
    return counts


def recompute_deadlines() -> int:
    """Daily: deadlines that assumed weekends only (a year the holiday calendar did not
    know) counted again, so an updated `chinesecalendar` takes effect on open cases."""
    from models import Session
    from review import routing

    changed = routing.recompute_deadlines()
    Session.commit()
    log.info("deadlines recomputed: %s", changed)
    return changed
