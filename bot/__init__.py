"""The conversation engine: what yitang says to a resident, for each thing they send."""
from __future__ import annotations

from channels.inbound import InboundEvent

from .escalate import flooded
from .reply import Reply, render
from . import turns
from .router import handle

__all__ = ["InboundEvent", "Reply", "flooded", "handle", "push", "render", "sorry", "turns"]


def sorry() -> Reply:
    return render("sorry")


def push(openid: str, reply: Reply, inbound_id: int | None = None) -> None:
    """Send texts outside the passive reply, as customer-service messages via the queue."""
    from channels import outbound

    for text in reply.texts:
        outbound.send(openid, content=text, msgtype="text", inbound_id=inbound_id)
