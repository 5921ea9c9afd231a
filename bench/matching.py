"""Benchmark of the 112 matching: every seeker against every opening, and one new opening.

Run: .venv/bin/python bench/matching.py   (no arguments; well under a minute)
Synthetic seekers and openings are generated in memory (numpy, fixed seed) with the mix of
districts, streets, occupation codes, wages and public-welfare posts of the shipped data; no
database is needed or touched: the timings are of employment.matching itself (the `match`
command adds loading the rows and inserting the recommendations).
Last line: bench matching: full_s=… one_opening_ms=… seekers=100000 openings=20000
  full_s          match_all: the best 3 openings for each of 100,000 seekers among 20,000
  one_opening_ms  median of match_opening over 50 openings: one new opening's candidates
"""

import pathlib
import statistics
import sys
import time

sys.path[0] = str(pathlib.Path(__file__).resolve().parents[1])

import numpy as np  # noqa: E402

from employment import data, matching  # noqa: E402
from models import DISTRICTS  # noqa: E402

SEEKERS = 100_000
OPENINGS = 20_000


def places(rng, n):
    pool = [(matching.DISTRICT_INDEX[d], point) for d, streets in data.streets().items()
            for point in streets.values()]
    picks = rng.integers(0, len(pool), n)
    district = np.array([pool[i][0] for i in picks], dtype=np.int8)
    lat = np.array([pool[i][1][0] for i in picks], dtype=np.float32)
    lng = np.array([pool[i][1][1] for i in picks], dtype=np.float32)
    return district, lat, lng


def codes(rng, n):
    shipped = [matching.code_keys(item["code"]) for item in data.occupations()["occupations"]]
    picks = rng.integers(0, len(shipped), n)
    keys = np.array([shipped[i] for i in picks], dtype=np.int32)
    return keys[:, 0].astype(np.int8), keys[:, 1], keys[:, 2]


def make(rng):
    district, lat, lng = places(rng, SEEKERS)
    major, minor, small = codes(rng, SEEKERS)
    seekers = matching.Seekers(
        ids=np.arange(1, SEEKERS + 1), district=district, lat=lat, lng=lng,
        age=rng.integers(18, 60, SEEKERS).astype(np.int16), edu=rng.integers(0, 7, SEEKERS).astype(np.int8),
        hours=rng.choice([0, 20, 40, 48], SEEKERS).astype(np.int16),
        wage=rng.choice([0, 2500, 3500, 4500, 6000], SEEKERS).astype(np.float32),
        major=major, minor=minor, small=small, kunnan=rng.random(SEEKERS) < 0.1,
        welfare_ok=rng.random(SEEKERS) < 0.7,
        accepts=(1 << district.astype(np.uint8)).astype(np.uint8) | np.where(rng.random(SEEKERS) < 0.2, 63, 0).astype(np.uint8))
    district, lat, lng = places(rng, OPENINGS)
    major, minor, small = codes(rng, OPENINGS)
    welfare = rng.random(OPENINGS) < 0.05
    age_days = (rng.random(OPENINGS) * 60).astype(np.float32)
    openings = matching.Openings(
        ids=np.arange(1, OPENINGS + 1), district=district, lat=lat, lng=lng,
        age_min=np.full(OPENINGS, 18, dtype=np.int16), age_max=rng.choice([45, 55, 60, 200], OPENINGS).astype(np.int16),
        edu_min=rng.integers(-1, 6, OPENINGS).astype(np.int8), hours=rng.choice([0, 20, 40, 44], OPENINGS).astype(np.int16),
        wage=rng.choice([2200, 3000, 4000, 5500, 8000], OPENINGS).astype(np.float32),
        major=major, minor=minor, small=small, welfare=welfare,
        reserved=welfare & (age_days < data.params()["public_welfare_reserved_days"]), age_days=age_days)
    return seekers, openings


def main():
    rng = np.random.default_rng(112)
    seekers, openings = make(rng)
    print(f"districts: {len(DISTRICTS)}; occupations shipped: {len(data.occupations()['occupations'])}")
    started = time.perf_counter()
    result = matching.match_all(seekers, openings)
    full_s = time.perf_counter() - started
    print(f"full run: {len(result)} recommendations for {len(np.unique(result.seeker))} seekers in {full_s:.2f} s")
    times = []
    for position in rng.integers(0, OPENINGS, 50):
        started = time.perf_counter()
        matching.match_opening(seekers, openings, int(position))
        times.append((time.perf_counter() - started) * 1000)
    one_ms = statistics.median(times)
    print(f"one opening: median {one_ms:.1f} ms, max {max(times):.1f} ms over 50 openings")
    print(f"bench matching: full_s={full_s:.2f} one_opening_ms={one_ms:.1f} seekers={SEEKERS} openings={OPENINGS}")


if __name__ == "__main__":
    main()
