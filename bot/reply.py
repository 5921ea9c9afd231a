"""Replies: Jinja2 templates in plain Chinese, split to fit WeChat's 2048-byte text limit."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

WECHAT_TEXT_LIMIT = 2048  # bytes of UTF-8, for passive replies and customer-service text

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    auto_reload=False,  # compiled once per process: no stat of the template file per reply
)


@dataclass
class Reply:
    """What the bot says: one or more texts, sent in order."""

    texts: list[str] = field(default_factory=list)

    def __add__(self, other: "Reply") -> "Reply":
        # One message where it fits: the passive reply carries only the first text.
        return Reply(split("\n\n".join(self.texts + other.texts)))


def render(template: str, **context) -> Reply:
    text = _env.get_template(f"{template}.txt").render(**context).strip()
    return Reply(split(text))


def split(text: str, limit: int = WECHAT_TEXT_LIMIT) -> list[str]:
    """Cut at line ends where possible, never inside a character."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(line.encode()) > limit:  # one very long line: cut by characters
            cut = len(line.encode()[:limit].decode(errors="ignore"))
            parts.append(line[:cut])
            line = line[cut:]
        current = line
    if current:
        parts.append(current)
    return parts
