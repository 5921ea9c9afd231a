"""Review jobs: thin calls into review/."""
from __future__ import annotations

import logging

from review import routing

log = logging.getLogger(__name__)


def overdue_report() -> dict[str, int]:
    """Daily: each district's overdue applications, for its team in the console."""
    counts = routing.publish_overdue_reports()
    log.info("overdue report: %s", ", ".join(f"{d} {n}" for d, n in counts.items()) or "nothing overdue")
    return counts
