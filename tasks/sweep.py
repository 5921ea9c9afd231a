"""The sweep job: a thin call into channels.sweep (every minute, tasks/cron.py)."""
from __future__ import annotations

from channels import sweep


def orphaned_work() -> dict[str, int]:
    return sweep.run()
