"""The cost of one conversation step, without network I/O: the resident's answer is checked,
the form walked to the next question and the reply rendered (session kept in memory; Redis
and HTTP are measured by bench/webhook.py).

Last line: bench bot: p50_ms=… p99_ms=…
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import conversation, state  # noqa: E402
from tests.examples import WORKED_EXAMPLE_PLAN, typed  # noqa: E402

def one_conversation(timings: list[float]) -> None:
    chat = state.empty()
    conversation.start(chat, "dibao")
    session = state.active(chat)
    while session["stage"] == "form":
        text = typed(conversation.current(session), WORKED_EXAMPLE_PLAN)
        start = time.perf_counter()
        conversation.answer(session, text=text)
        timings.append(time.perf_counter() - start)


def main() -> None:
    one_conversation([])  # load the forms and templates once
    timings: list[float] = []
    deadline = time.monotonic() + 20
    conversations = 0
    while conversations < 200 and time.monotonic() < deadline:
        one_conversation(timings)
        conversations += 1
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99) - 1] * 1000
    print(f"{conversations} conversations, {len(timings)} steps of the 低保 form (3-person household)")
    print(f"bench bot: p50_ms={p50:.2f} p99_ms={p99:.2f}")


if __name__ == "__main__":
    main()
