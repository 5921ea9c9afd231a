"""Orphaned work, found in the database rather than in RQ's registries.

A record says what is still to do (a `pending` download, a `queued` or `retrying` message);
Redis only says who is doing it, and Redis can lose that: restarted without persistence, a
web process that died between its commit and its enqueue. Every minute (tasks/cron.py) each
such record older than ORPHANED_AFTER gets its job back, under the record's own job id, so a
record that still has a live job (queued, scheduled for a retry, running) is left to it and a
record is never worked twice at once. A record already done is never selected. Messages left
`sending` by a worker that died mid-send are settled as outbound.settle_stale explains.

A job whose worker died is not this sweep's: RQ's maintenance sees it abandoned once its
timeout has passed and retries it (tasks/worker.py).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from models import MediaFile, OutboundMessage, Session, utcnow

from . import media, outbound, push

log = logging.getLogger(__name__)

# Long past the moment between a record's commit and its enqueue; with the job id check,
# this only spares the queue needless look-ups.
ORPHANED_AFTER = timedelta(minutes=2)
# At most this many records of each kind per run; the next run takes the rest.
BATCH = 500


def run(now: datetime | None = None) -> dict[str, int]:
    """One sweep; how many records of each kind were queued again or settled."""
    now = now or utcnow()
    cutoff = now - ORPHANED_AFTER
    settled = outbound.settle_stale(now=now)
    downloads = Session.scalars(
        select(MediaFile.id).where(MediaFile.state == "pending", MediaFile.created_at < cutoff)
        .order_by(MediaFile.id).limit(BATCH)).all()
    messages = Session.scalars(
        select(OutboundMessage.id)
        .where(OutboundMessage.state.in_(("queued", "retrying")), OutboundMessage.created_at < cutoff)
        .order_by(OutboundMessage.id).limit(BATCH)).all()
    Session.rollback()  # end the read: nothing below writes to the database
    counts = {
        "downloads": sum(media.queue_download(media_file_id) for media_file_id in downloads),
        "messages": sum(outbound.queue_delivery(message_id) for message_id in messages),
        "pushes": push.requeue(push.orphaned(now)),
        "presumed_sent": settled,
    }
    if counts["downloads"] or counts["messages"] or counts["pushes"] or settled:
        log.warning("sweep: queued again %(downloads)s download(s), %(messages)s message(s) and "
                    "%(pushes)s push(es) with no job; %(presumed_sent)s message(s) presumed sent", counts)
    return counts
