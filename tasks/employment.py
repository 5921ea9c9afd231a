"""112 employment jobs: thin calls into employment/."""
from __future__ import annotations

import logging

from models import Session, utcnow

log = logging.getLogger(__name__)

PUSH_DUE = "tasks.employment.push_due"
MATCH = "tasks.employment.match"


def push_due() -> int:
    """A digest to every seeker with recommendations waiting and room in their week (each
    committed as it is sent, so a job cut short resends nothing: the dedupe key holds)."""
    from employment import pushes

    now = utcnow()
    sent = 0
    for seeker_id in pushes.due_seekers(now):
        if pushes.push_seeker(seeker_id, now) is not None:
            sent += 1
        Session.commit()
    log.info("employment pushes: %d digests", sent)
    return sent


def match(opening_id: int | None = None) -> int:
    """Match (everything, or one new opening), then queue the pushes."""
    from employment import matching
    from models.queues import enqueue

    added = matching.recommend(opening_id)
    Session.commit()
    if added:
        enqueue(PUSH_DUE, queue_name="default")
    log.info("employment match: %d new recommendations", added)
    return added


def employer_emails() -> int:
    """The daily email to each employer with its new candidates (each committed as sent)."""
    from employment import employers

    sent = employers.daily_emails(utcnow())
    Session.commit()
    return sent


def training_offers() -> int:
    """A training course offered by push to every seeker without one this year (each offer
    committed before and after its push, so a job cut short sends nothing twice)."""
    from employment import training

    return training.offer_due(utcnow())


def worklists() -> dict:
    """Today's 1-1-2 worklist for every street, kept for the console's 112台账 page."""
    from employment import ledger

    counts = ledger.publish_worklists(utcnow())
    log.info("employment worklists: %d seekers behind", sum(counts.values()))
    return counts
