"""The worker entry: one RQ worker on every queue, jobs run inside the Flask app context."""
from __future__ import annotations

from rq import SimpleWorker

from models import Session, kv

from .queues import NAMES, queue


class AppWorker(SimpleWorker):
    """Runs jobs in-process (no fork per job: the app context and pools stay warm) and
    hands every job a fresh database session."""

    def perform_job(self, *args, **kwargs):
        try:
            return super().perform_job(*args, **kwargs)
        finally:
            Session.remove()


def run(burst: bool = False) -> bool:
    worker = AppWorker([queue(name) for name in NAMES], connection=kv.client())
    # The scheduler moves retries whose backoff has elapsed back onto their queue.
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
