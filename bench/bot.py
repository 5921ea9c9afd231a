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

from bot import conversation  # noqa: E402

# The household of domain.md's worked example, as typed into the chat.
PLAN = {
    "hukou_xiamen": "是", "any_tekun": "否",
    "members": [
        {"age": "45", "sex": "男", "student": "否", "employed": "是", "monthly_income": "2500", "disabled": "否"},
        {"age": "43", "sex": "女", "student": "否", "employed": "否", "monthly_income": "0", "disabled": "否"},
        {"age": "15", "sex": "女", "student": "是", "student_stage": "初中", "boarding": "否",
         "parent_disabled": "否", "disabled": "否"},
    ],
    "monthly_support_received": "0", "has_able_supporter": "否", "annual_medical_expense": "3600",
    "annual_education_expense": "0", "prior_year_medical_aid": "0", "prior_year_education_aid": "0",
    "financial_assets": "20000", "owns_vehicle": "否", "name": "陈明", "id_number": "11010519491231002X",
    "phone": "13812345678", "district": "1", "street": "鹭江街道", "address": "思明区鹭江道1号",
}


def typed(question) -> str:
    path = question.path
    if question.is_count:
        return str(len(PLAN[path[0]]))
    if len(path) == 3:
        return PLAN[path[0]][path[1]][path[2]]
    return PLAN[path[0]]


def one_conversation(timings: list[float]) -> None:
    session: dict = {}
    conversation.start(session, "dibao")
    while session["stage"] == "form":
        text = typed(conversation.current(session))
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
