"""Job functions the tests enqueue; the worker imports them by name like any other job."""
from models import kv


def record(key: str, value: str) -> str:
    kv.client().rpush(key, value)
    return value


def fail_always(key: str) -> None:
    kv.client().incr(key)
    raise RuntimeError("this job always fails")
