"""Which reply for which message. Menu keys and the welcome come from bot/menu.yaml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from channels import media, outbound
from channels.inbound import InboundEvent

from .reply import Reply, render


@lru_cache(maxsize=1)
def menu() -> dict:
    return yaml.safe_load((Path(__file__).parent / "menu.yaml").read_text(encoding="utf-8"))


def menu_names() -> dict[str, str]:
    return {item["key"]: item["name"] for button in menu()["button"]
            for item in button.get("sub_button", [button]) if "key" in item}


def handle(event: InboundEvent) -> Reply | None:
    if event.kind == "event":
        return on_event(event)
    if event.kind == "text" and event.text:
        return render("echo", text=event.text.strip())
    if event.kind == "voice":
        return render("echo", text=event.text) if event.text else render("voice_unclear")
    if event.kind == "image" and event.media_id:
        media.request_download(event.openid, event.media_id, inbound_id=event.inbound_id)
        return render("image_received")
    if event.kind == "location":
        return render("location_received", label=event.label)
    if event.kind == "link":
        return render("link_received", title=event.text or "")
    if event.kind == "video":
        return render("video_received")
    return render("unsupported")


def on_event(event: InboundEvent) -> Reply | None:
    if event.event == "subscribe":
        outbound.opt_in(event.openid)
        return render("welcome")
    if event.event == "unsubscribe":
        outbound.opt_out(event.openid)
        return None  # nothing is sent to a resident who left
    if event.event == "click":
        name = menu_names().get(event.key or "")
        return render("menu_click", name=name or event.key, available=False)
    # view (a link opened), scan, location reports: nothing to say
    return None
