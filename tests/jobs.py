"""Job functions the tests enqueue; the worker imports them by name like any other job."""
from models import kv


def record(key: str, value: str) -> str:
    kv.client().rpush(key, value)
    return value


def fail_always(key: str) -> None:
    kv.client().incr(key)
    raise RuntimeError("this job always fails")


def send_now(*args, **kwargs):
    """outbound.send as a job or handler does it: the record, then the caller's commit, which
    queues the delivery (channels only add rows; the edge commits)."""
    from channels import outbound
    from models import Session

    message = outbound.send(*args, **kwargs)
    Session.commit()
    return message
