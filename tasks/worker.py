"""The worker entry: one RQ worker on every queue, jobs run inside the Flask app context; and
the retry scheduler, a process of its own.

What a worker that dies mid-job costs, with these settings: its job is seen abandoned by the
next idle worker's maintenance (every MAINTENANCE_INTERVAL_S) once the job's timeout plus
ABANDONED_MARGIN_S has passed since it started (30 + 15 s for a send or a download), then
RQ retries it with the usual backoff. Nothing else waits for it: workers do not run the
scheduler, so no scheduler lock dies with them.
"""
from __future__ import annotations

from rq import Queue, SimpleWorker
from rq.scheduler import RQScheduler

from models import Session, kv
from models.queues import NAMES, queue

# RQ's worker_ttl: an idle worker wakes every worker_ttl - 15 s to send its heartbeat and run
# maintenance when due (RQ's default, 420 s, would hold maintenance off for 405 s), and a dead
# worker drops out of `rq info` after worker_ttl + 60 s.
WORKER_TTL_S = 30
# RQ's maintenance_interval (default 10 minutes): how often a worker looks for abandoned jobs,
# among the other registry clean-ups. One worker at a time does it (RQ's maintenance lock).
MAINTENANCE_INTERVAL_S = 15
# A started job is abandoned once this long past its own timeout: a live worker stops a job at
# its timeout and records the outcome well within this. RQ's SimpleWorker allows 60 s.
ABANDONED_MARGIN_S = 15
# How often the scheduler moves jobs whose retry backoff has elapsed back onto their queue.
SCHEDULER_INTERVAL_S = 1


class AppWorker(SimpleWorker):
    """Runs jobs in-process (no fork per job: the app context and pools stay warm) and
    hands every job a fresh database session."""

    def perform_job(self, *args, **kwargs):
        try:
            return super().perform_job(*args, **kwargs)
        finally:
            Session.remove()

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        # A SimpleWorker sends no heartbeat while its job runs, so this sets when the job's
        # entry in RQ's started-job registry expires, i.e. when it counts as abandoned.
        if job.timeout == -1:
            return super().get_heartbeat_ttl(job, working_time)
        return int(job.timeout or Queue.DEFAULT_TIMEOUT) + ABANDONED_MARGIN_S


def run(burst: bool = False, with_scheduler: bool = False) -> bool:
    """A worker on every queue. `with_scheduler` is for a burst run on its own (the tests):
    RQ then moves the retries already due onto the queues first."""
    worker = AppWorker([queue(name) for name in NAMES], connection=kv.client(),
                       worker_ttl=WORKER_TTL_S, maintenance_interval=MAINTENANCE_INTERVAL_S)
    return worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")


def run_scheduler() -> None:
    """RQ's scheduler for every queue, in this process, until SIGINT or SIGTERM: it moves jobs
    whose retry backoff has elapsed (and any job enqueued for later) back onto their queue.
    Several may run; one holds each queue's lock at a time and a standby takes over within
    about three minutes of the holder's death (RQ: lock TTL interval + 60 s, re-check every
    120 s)."""
    scheduler = RQScheduler(NAMES, connection=kv.client(), interval=SCHEDULER_INTERVAL_S,
                            logging_level="INFO")
    scheduler.work()
