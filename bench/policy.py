"""Benchmark of the rules: one assessment, and 100,000 households in one batch.

Run: .venv/bin/python bench/policy.py   (no arguments; under a minute)
Last line: bench policy: single_ms=… batch_100k_s=… ratio=…
  single_ms     median time of one `assess(situation, programmes=FORM_PROGRAMMES)`:
                the chat's verdict on a 低保 form (低保, 低收入, 特困, education aid:
                forms/verdict.py PROGRAMMES["dibao"]), with its documents and explanation,
                from the raw situation (checking included), over 300 households
  batch_100k_s  100,000 generated raw situations through `assess_many(situations)`:
                every programme (checking, computing, answers; no documents or explanation)
  ratio         looping the full `assess(situation)` (timed on the same 300 households,
                scaled to 100,000) divided by batch_100k_s
Also printed, not on the last line: the full `assess` (every programme, as the pre-check
API answers) for one household.
"""

import gc
import pathlib
import random
import statistics
import sys
import time

# This script's own folder would shadow the package `policy` it measures.
sys.path[0] = str(pathlib.Path(__file__).resolve().parents[1])

from forms.verdict import PROGRAMMES as FORMS  # noqa: E402
from policy import assess, assess_many  # noqa: E402

HOUSEHOLDS = 100_000
SAMPLE = 300
FORM_PROGRAMMES = FORMS["dibao"]  # what the chat and the mini-program assess a 低保 form for
STAGES = ["preschool", "primary", "junior", "senior", "vocational", "university"]


def member(rng):
    age = rng.choice([rng.randint(0, 17), rng.randint(18, 59), rng.randint(60, 95)])
    answers = {"age": age, "sex": rng.choice(["male", "female"])}
    if 18 <= age < 60 and rng.random() < 0.6:
        answers["employed"] = True
        answers["monthly_income"] = round(rng.uniform(500, 6000), 2)
    elif age >= 60 and rng.random() < 0.5:
        answers["monthly_income"] = round(rng.uniform(0, 2500), 2)
    if 3 <= age <= 22 and rng.random() < 0.8:
        answers["student_stage"] = STAGES[min((age - 3) // 3, 5)]
        answers["boarding"] = rng.random() < 0.2
    if rng.random() < 0.06:
        answers["disability"] = {"kind": rng.choice(["physical", "visual", "intellectual", "mental", "hearing"]),
                                 "grade": rng.randint(1, 4)}
    if 18 <= age < 60 and "employed" not in answers and rng.random() < 0.3:
        answers["registered_unemployed"] = True
        answers["unemployed_months"] = rng.randint(1, 24)
    return answers


def household(rng):
    size = rng.choice([1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6])
    situation = {
        # an annual review spread over a year: twelve assessed months in one batch
        "date": f"2025-{rng.randint(1, 12):02d}-15",
        "hukou_xiamen": rng.random() < 0.9,
        "members": [member(rng) for _ in range(size)],
        "financial_assets": rng.choice([0, rng.randint(0, 60000), rng.randint(0, 300000)]),
    }
    if rng.random() < 0.4:
        situation["annual_medical_expense"] = rng.randint(0, 30000)
    if rng.random() < 0.2:
        situation["prior_year_medical_aid"] = rng.randint(0, 10000)
    if rng.random() < 0.1:
        situation["medical_total_cost"] = rng.randint(0, 300000)
    if rng.random() < 0.1:
        plan = rng.choice(["new", "rebuild", "repair"])
        situation["housing"] = {"grade": "C" if plan == "repair" else "D", "one_house": rng.random() < 0.9,
                                "plan": plan, "area_m2": rng.randint(30, 120), "repair_cost": rng.randint(0, 80000)}
    if rng.random() < 0.03:
        situation["loan"] = {"applicant": rng.randrange(size), "business_in_xiamen": True,
                             "group": rng.choice([None, "veteran", "lifted_out_of_poverty"])}
    return situation


def time_each(situations, programmes=None):
    """Seconds per `assess` of each situation, after a warm-up (the rules load once per process)."""
    for situation in situations[:20]:
        assess(situation, programmes=programmes)
    timings = []
    for situation in situations:
        started = time.perf_counter()
        assess(situation, programmes=programmes)
        timings.append(time.perf_counter() - started)
    return timings


def main():
    rng = random.Random(20180323)
    started = time.perf_counter()
    situations = [household(rng) for _ in range(HOUSEHOLDS)]
    print(f"generated {HOUSEHOLDS} households in {time.perf_counter() - started:.2f} s")

    sample = situations[:SAMPLE]
    form = time_each(sample, FORM_PROGRAMMES)
    single_ms = statistics.median(form) * 1000
    print(f"assess, one household, the 低保 form's programmes ({', '.join(FORM_PROGRAMMES)}): median "
          f"{single_ms:.2f} ms, 90th percentile {statistics.quantiles(form, n=10)[-1] * 1000:.2f} ms over {SAMPLE}")
    full = time_each(sample)
    loop_s = sum(full) * HOUSEHOLDS / SAMPLE
    print(f"assess, one household, every programme (the pre-check API): median "
          f"{statistics.median(full) * 1000:.2f} ms, 90th percentile {statistics.quantiles(full, n=10)[-1] * 1000:.2f} ms")
    print(f"looping assess over {HOUSEHOLDS} households (scaled from {SAMPLE}): {loop_s:.1f} s")

    gc.collect()
    started = time.perf_counter()
    answers = assess_many(situations)
    batch_s = time.perf_counter() - started
    eligible = sum(answer["programmes"]["dibao"]["eligible"] for answer in answers)
    print(f"assess_many, {HOUSEHOLDS} households in one simulation, every programme: {batch_s:.2f} s ({eligible} 低保)")

    # The annual review's rules step (discovery/annual.py): every household as a 低保 recipient.
    from discovery.annual import Recipient, rules_step

    recipients = [Recipient("dibao", 500.0, {**situation, "date": "2026-07-01"}) for situation in situations]
    gc.collect()
    started = time.perf_counter()
    proposals = rules_step(recipients)
    review_s = time.perf_counter() - started
    print(f"annual review rules step, {HOUSEHOLDS} recipients: {review_s:.2f} s "
          f"({sum(p.outcome == 'stop' for p in proposals)} stops proposed)")

    figures = {"single_ms": f"{single_ms:.2f}", "batch_100k_s": f"{batch_s:.2f}", "ratio": f"{loop_s / batch_s:.0f}",
               "review_100k_s": f"{review_s:.2f}"}
    print("bench policy: " + " ".join(f"{name}={value}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
