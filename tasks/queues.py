"""Named RQ queues with retries by default. Slow or outbound work goes through here."""
from __future__ import annotations

from rq import Queue, Retry

from models import kv

NAMES = ("default", "outbound", "batch")

_retry = {"max": 3, "interval": [10, 60, 300]}


def configure(retry_max: int, retry_intervals: list[int]) -> None:
    _retry.update(max=retry_max, interval=list(retry_intervals))


def queue(name: str = "default") -> Queue:
    if name not in NAMES:
        raise ValueError(f"unknown queue {name!r}; queues are {', '.join(NAMES)}")
    return Queue(name, connection=kv.client())


def default_retry() -> Retry | None:
    return Retry(max=_retry["max"], interval=_retry["interval"]) if _retry["max"] else None


def enqueue(func, *args, queue_name: str = "default", retry: Retry | None = None, **kwargs):
    """Enqueue `func(*args, **kwargs)`; failures are retried with backoff unless told otherwise."""
    return queue(queue_name).enqueue(func, *args, retry=retry or default_retry(), **kwargs)
