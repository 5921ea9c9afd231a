"""RQ queues, the worker entry and the cron schedule. Each job function is a thin call into
the part that owns the work."""
from .queues import enqueue, queue

__all__ = ["enqueue", "queue"]
