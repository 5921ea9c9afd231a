"""What a resident's words mean: a command, a form to start, or urgency."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

_PUNCT = re.compile(r"[\s，。！？、,.!?~～…：:；;“”\"'（）()]+")


@lru_cache(maxsize=1)
def _words() -> dict:
    return yaml.safe_load((Path(__file__).parent / "keywords.yaml").read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    return _PUNCT.sub("", text or "")


def command(text: str) -> str | None:
    """A command only when the whole message is the command word, so answers can contain them."""
    said = normalise(text)
    if said in ("?", "？"):
        return "help"
    for name, phrases in _words()["commands"].items():
        if said in phrases:
            return name
    return None


def form_for(text: str) -> str | None:
    said = normalise(text)
    best: tuple[int, str] | None = None
    for form_id, phrases in _words()["forms"].items():
        for phrase in phrases:
            if phrase in said and (best is None or len(phrase) > best[0]):
                best = (len(phrase), form_id)
    return best[1] if best else None


def urgent(text: str) -> bool:
    said = normalise(text)
    for phrase in _words()["not_urgent"]:
        said = said.replace(phrase, "")
    return any(word in said for word in _words()["urgent"])
