"""Named RQ queues, retries by default, and enqueueing.

Infrastructure beside the Redis connection: the parts (channels, review, bot) queue their own
work from here and name the job function by its dotted path (`"tasks.media.download"`), so
they never import `tasks/`, where the thin job functions live.
"""
from __future__ import annotations

from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from . import kv

NAMES = ("default", "outbound", "batch")

_retry = {"max": 3, "interval": [10, 60, 300]}

# A job in one of these states will not run again by itself; any other state (queued,
# scheduled, waiting for a rate-limit slot, started) is RQ's to finish. A started job whose
# worker died is RQ's too: its maintenance retries it once the job's timeout has passed.
ENDED = frozenset({JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED})


def configure(retry_max: int, retry_intervals: list[int]) -> None:
    _retry.update(max=retry_max, interval=list(retry_intervals))


def queue(name: str = "default") -> Queue:
    if name not in NAMES:
        raise ValueError(f"unknown queue {name!r}; queues are {', '.join(NAMES)}")
    return Queue(name, connection=kv.client())


def default_retry() -> Retry | None:
    return Retry(max=_retry["max"], interval=_retry["interval"]) if _retry["max"] else None


def enqueue(func, *args, queue_name: str = "default", retry: Retry | None = None, **kwargs) -> Job:
    """Enqueue `func(*args, **kwargs)`; failures are retried with backoff unless told otherwise.
    RQ's own options (job_id, job_timeout, on_failure, rate_limit, ...) pass through."""
    return queue(queue_name).enqueue(func, *args, retry=retry or default_retry(), **kwargs)


def live_job(job_id: str) -> Job | None:
    """The job with this id if RQ will still run it (or is running it), else None."""
    job = _fetch(job_id)
    return job if job is not None and _live(job) else None


def enqueue_once(func, *args, job_id: str, queue_name: str = "default", **kwargs) -> Job | None:
    """Enqueue under `job_id` unless a live job already has that id; None when one has.

    A record's work is queued under an id derived from the record, so a record has at most one
    live job however often this is called (by one caller at a time: the request that made the
    record, then the sweep). An ended job under the id is deleted first: RQ would otherwise
    merge the new job into the old one's hash and leave it in the old one's registries."""
    earlier = _fetch(job_id)
    if earlier is not None:
        if _live(earlier):
            return None
        earlier.delete()
    return enqueue(func, *args, job_id=job_id, queue_name=queue_name, **kwargs)


def _fetch(job_id: str) -> Job | None:
    try:
        return Job.fetch(job_id, connection=kv.client())
    except NoSuchJobError:
        return None


def _live(job: Job) -> bool:
    status = job.get_status(refresh=False)
    return status is not None and status not in ENDED
