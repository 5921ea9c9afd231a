"""Work that has not got through: the staff page 系统运行状况 and /healthz read it here.

Three kinds of record say what is still to do (an inbound message `received`, a photo
`pending`, an outbound message `queued` / `retrying` / `sending`); once one has waited well past
the time its work takes, a resident is waiting on something that is stuck. RQ's failed-job
registries hold the jobs that failed after their retries.

Rows are read as plain columns, never the payload: the page shows who (an openid shortened)
and what kind, not what a resident wrote. Requeueing uses RQ's own registry API.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from sqlalchemy import func, select

from models import InboundMessage, MediaFile, OutboundMessage, Session, kv, utcnow
from models.queues import NAMES, queue

from .sweep import ORPHANED_AFTER

# The sweeper replays `received` rows after 30 s (tasks/inbound.py): one left a minute was missed.
INBOUND_STUCK_AFTER = timedelta(minutes=1)
# Downloads and sends are swept after this long (channels/sweep.py); the page uses the same.
WORK_STUCK_AFTER = ORPHANED_AFTER
# /healthz calls it degraded only past this: every sweep had its chance by then.
HEALTH_STUCK_AFTER = timedelta(minutes=5)
# Failures older than this are history, not something to act on today.
RECENT = timedelta(days=7)
LIST_LIMIT = 50

UNSENT = ("queued", "retrying", "sending")
# What /healthz names when it is stuck.
STUCK_KINDS = ("inbound", "media", "outbound")


def short_openid(openid: str | None) -> str:
    """o-ab…xy: enough to tell residents apart on one page, not to look one up."""
    if not openid:
        return ""
    return openid[:4] + "…" + openid[-2:] if len(openid) > 6 else openid[:1] + "…"


@dataclass
class Row:
    id: int
    who: str
    kind: str
    state: str
    at: datetime
    minutes: int  # how long it has waited, in whole minutes
    attempts: int | None = None
    error: str | None = None


@dataclass
class Listing:
    count: int
    rows: list[Row]


@dataclass
class FailedJob:
    queue: str
    id: str
    func: str
    failed_at: datetime | None
    error: str


def _minutes(at: datetime, now: datetime) -> int:
    return max(0, int((now - at).total_seconds() // 60))


def _listing(stmt, at_column, limit: int, row) -> Listing:
    count = Session.scalar(stmt.with_only_columns(func.count()).order_by(None))
    rows = Session.execute(stmt.order_by(at_column.desc()).limit(limit)).all()
    return Listing(count, [row(r) for r in rows])


def _inbound(where, now: datetime, limit: int) -> Listing:
    stmt = select(InboundMessage.id, InboundMessage.openid, InboundMessage.msg_type, InboundMessage.event,
                  InboundMessage.state, InboundMessage.received_at).where(*where)
    return _listing(stmt, InboundMessage.received_at, limit, lambda r: Row(
        r.id, short_openid(r.openid), r.msg_type, r.state, r.received_at, _minutes(r.received_at, now)))


def _media(where, now: datetime, limit: int) -> Listing:
    stmt = select(MediaFile.id, MediaFile.openid, MediaFile.state, MediaFile.reason,
                  MediaFile.created_at).where(*where)
    return _listing(stmt, MediaFile.created_at, limit, lambda r: Row(
        r.id, short_openid(r.openid), "image", r.state, r.created_at, _minutes(r.created_at, now),
        error=r.reason))


def _outbound(where, now: datetime, limit: int) -> Listing:
    stmt = select(OutboundMessage.id, OutboundMessage.openid, OutboundMessage.kind, OutboundMessage.state,
                  OutboundMessage.attempts, OutboundMessage.last_error,
                  OutboundMessage.created_at).where(*where)
    return _listing(stmt, OutboundMessage.created_at, limit, lambda r: Row(
        r.id, short_openid(r.openid), r.kind, r.state, r.created_at, _minutes(r.created_at, now),
        attempts=r.attempts, error=r.last_error))


def overview(now: datetime | None = None, limit: int = LIST_LIMIT) -> dict[str, Listing]:
    """Every stuck and recently failed record, counted and the newest `limit` of each listed."""
    now = now or utcnow()
    stuck, since = now - WORK_STUCK_AFTER, now - RECENT
    return {
        "inbound_stuck": _inbound((InboundMessage.state == "received",
                                   InboundMessage.received_at < now - INBOUND_STUCK_AFTER), now, limit),
        "inbound_failed": _inbound((InboundMessage.state == "failed", InboundMessage.received_at >= since),
                                   now, limit),
        "media_stuck": _media((MediaFile.state == "pending", MediaFile.created_at < stuck), now, limit),
        "media_failed": _media((MediaFile.state.in_(("failed", "rejected")), MediaFile.created_at >= since),
                               now, limit),
        "outbound_stuck": _outbound((OutboundMessage.state.in_(UNSENT), OutboundMessage.created_at < stuck),
                                    now, limit),
        "outbound_failed": _outbound((OutboundMessage.state == "failed", OutboundMessage.created_at >= since),
                                     now, limit),
    }


def stuck_counts(older_than: timedelta = HEALTH_STUCK_AFTER, now: datetime | None = None) -> dict[str, int]:
    """For /healthz: three counts on indexed state columns, nothing listed."""
    cutoff = (now or utcnow()) - older_than

    def count(model, state_in, at):
        return Session.scalar(select(func.count()).select_from(model)
                              .where(model.state.in_(state_in), at < cutoff))

    return {
        "inbound": count(InboundMessage, ("received",), InboundMessage.received_at),
        "media": count(MediaFile, ("pending",), MediaFile.created_at),
        "outbound": count(OutboundMessage, UNSENT, OutboundMessage.created_at),
    }


# ---- RQ's failed jobs ----------------------------------------------------------------------------

def failed_counts() -> dict[str, int]:
    """Failed jobs per queue (RQ's FailedJobRegistry)."""
    return {name: queue(name).failed_job_registry.count for name in NAMES}


def failed_jobs(limit: int = LIST_LIMIT) -> list[FailedJob]:
    """The newest `limit` failed jobs across the queues, newest first."""
    found: list[FailedJob] = []
    for name in NAMES:
        registry = queue(name).failed_job_registry
        # Scored by expiry (failure time + failure TTL): the highest scores failed last.
        ids = registry.get_job_ids(0, limit - 1, desc=True)
        for job_id, job in zip(ids, Job.fetch_many(ids, connection=kv.client())):
            found.append(_failed(name, job_id, job))
    found.sort(key=lambda job: job.failed_at.timestamp() if job.failed_at else 0, reverse=True)
    return found[:limit]


def _failed(name: str, job_id: str, job: Job | None) -> FailedJob:
    if job is None:  # its hash expired before its registry entry
        return FailedJob(name, job_id, "", None, "")
    try:
        func_name = job.func_name or ""
    except Exception:  # data RQ cannot unpickle any more (the function moved): still listable
        func_name = ""
    result = job.latest_result()
    text = (result.exc_string or "") if result is not None else ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return FailedJob(name, job_id, func_name, job.ended_at, lines[-1].strip()[:300] if lines else "")


def requeue(name: str, job_id: str) -> bool:
    """Put one failed job back on its queue; False when it is no longer in the registry."""
    registry = queue(name).failed_job_registry
    try:
        registry.requeue(job_id)
    except InvalidJobOperation:  # requeued already, by someone else or `rq requeue`
        return False
    except NoSuchJobError:  # its hash expired before its registry entry: nothing to run
        registry.remove(job_id)
        return False
    return True


def requeue_all(name: str) -> int:
    """Put every failed job of a queue back on it; how many went back."""
    return sum(requeue(name, job_id) for job_id in queue(name).failed_job_registry.get_job_ids())
