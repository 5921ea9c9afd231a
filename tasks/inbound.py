"""Inbound message jobs: thin calls into bot.turns."""
from __future__ import annotations

import logging
from datetime import timedelta

from bot import turns
from channels import inbound

log = logging.getLogger(__name__)

# Longer than any live delivery holds a message (WeChat's three tries span about 15 s), so
# the sweeper only finds messages whose every delivery died.
STRANDED_AFTER = timedelta(seconds=30)


def sweep() -> int:
    """Every minute: handle messages stored but never handled, each resident's in order."""
    handled = sum(turns.replay(openid) for openid in inbound.stranded(STRANDED_AFTER))
    if handled:
        log.info("inbound sweep: %s stranded messages handled", handled)
    return handled
