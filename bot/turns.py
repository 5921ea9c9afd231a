"""A resident's messages, each handled exactly once and in the order they were sent.

Every delivery of a message (the first, WeChat's copies, the sweeper's replay) goes through
`serve`: under the resident's turn, a message still `received` is handled and settled in one
transaction with the conversation it changed; one already settled is answered from its row.
Messages of the resident sent earlier and still waiting are handled first, their replies
pushed, so answers after an outage land on the questions they answer.
"""
from __future__ import annotations

import logging
from typing import Callable

from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError

from channels import inbound
from channels.inbound import InboundEvent
from models import Session

from . import router
from . import session as sessions
from .reply import Reply, render

log = logging.getLogger(__name__)

# The database or Redis is down: nothing of the turn was kept, the message stays `received`,
# and the caller answers 503 so that WeChat delivers it again.
BACKEND_DOWN = (OperationalError, RedisError)

# finish(reply, state) settles the message (inbound.settle), pushes what must be pushed,
# commits, and returns the body the delivery answers with.
Finish = Callable[[Reply | None, str], str]


def serve(event: InboundEvent, wait_s: float, finish: Finish | None = None) -> str | None:
    """The body to answer `event` with, or None when another turn of this resident held on
    for longer than `wait_s` (the message is left `received`, for the caller to hand on).

    `finish` seals the reply into this delivery's answer; without one the reply is pushed
    (a delivery that already answered WeChat, the late path)."""
    with sessions.turn(event.openid, wait_s) as got:
        if not got:
            return None
        state, body, earlier = inbound.pending(event)
        if state != "received":  # a copy: the message was handled by an earlier delivery
            return body or "success"
        for message in earlier:
            _handle(message, _pushed(message))
        return _handle(event, finish or _pushed(event))


def replay(openid: str) -> int:
    """Handle every message of `openid` still waiting (their delivery died and WeChat stopped
    redelivering): the sweeper's job. Replies are pushed. How many were handled."""
    with sessions.turn(openid, wait_s=1.0) as got:
        if not got:
            return 0  # a live turn is at it; the next sweep looks again
        events = inbound.waiting(openid)
        for event in events:
            _handle(event, _pushed(event))
        return len(events)


def settle(event: InboundEvent, body: str, state: str, pushed: Reply | None = None) -> None:
    """The message's outcome (its reply body sealed in the row), what follows it by push and
    the conversation the turn changed: one transaction, committed in the SQLite writer's turn."""
    from . import push

    with inbound.writing():
        inbound.settle(event, body, state)
        if pushed is not None and pushed.texts:
            push(event.openid, pushed, inbound_id=event.inbound_id)
        Session.commit()


def _pushed(event: InboundEvent) -> Finish:
    def finish(reply: Reply | None, state: str) -> str:
        settle(event, "success", "late" if state == "handled" else state, reply)
        return "success"
    return finish


def _handle(event: InboundEvent, finish: Finish) -> str:
    try:
        reply = router.handle(event)
    except BACKEND_DOWN:
        Session.rollback()
        raise
    except Exception:
        # A fault of ours, not of a backend: the resident is told, staff see a `failed` row,
        # and the turn moves on rather than retrying the same fault forever.
        log.exception("handler failed for inbound message %s", event.inbound_id)
        Session.rollback()
        return finish(render("sorry"), "failed")
    return finish(reply, "handled")
