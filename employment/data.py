"""The data the 112 service ships: GB/T 6565 occupation codes, street centroids, parameters."""
from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

# The jiuye form's education values, lowest first; the order is what "at least" compares.
EDUCATION = ("primary_or_below", "junior", "senior", "vocational", "college", "bachelor", "postgraduate")
EDUCATION_LABELS = {"primary_or_below": "小学及以下", "junior": "初中", "senior": "高中", "vocational": "中专、技校",
                    "college": "大专", "bachelor": "本科", "postgraduate": "研究生"}
EDUCATION_RANK = {value: rank for rank, value in enumerate(EDUCATION)}

CODE = re.compile(r"^[1-8](?:-\d{2}(?:-\d{2}(?:-\d{2})?)?)?$")


@cache
def params() -> dict:
    return yaml.safe_load((HERE / "params.yaml").read_text(encoding="utf-8"))


@cache
def occupations() -> dict:
    return yaml.safe_load((HERE / "occupations.yaml").read_text(encoding="utf-8"))


@cache
def _known_codes() -> frozenset[str]:
    codes = set(occupations()["major_groups"])
    for item in occupations()["occupations"]:
        parts = item["code"].split("-")
        codes.update("-".join(parts[:n]) for n in range(1, len(parts) + 1))
    return frozenset(codes)


def valid_code(code: str) -> bool:
    """A GB/T 6565 code: a major group (1–8), or a finer code under a group or category we ship
    (4-03, 4-03-02, or a detail code 4-03-02-01 of a shipped 小类)."""
    if not CODE.match(code):
        return False
    parts = code.split("-")
    return "-".join(parts[:min(len(parts), 3)]) in _known_codes() or "-".join(parts[:2]) in _known_codes()


def occupation_name(code: str | None) -> str:
    if not code:
        return ""
    for item in occupations()["occupations"]:
        if item["code"] == code or code.startswith(item["code"] + "-"):
            return item["name"]
    return occupations()["major_groups"].get(code.split("-")[0], "")


def search_occupations(text: str, limit: int = 10) -> list[dict]:
    """Occupations whose name or everyday words appear in `text` (or contain it): "保洁" finds
    4-09-07 环境卫生服务人员. Longest word first, so "厨房帮工" beats "厨房"."""
    text = (text or "").strip()
    if not text:
        return []
    scored = []
    for item in occupations()["occupations"]:
        best = 0
        for word in [item["name"], *item.get("words", [])]:
            if word in text or text in word:
                best = max(best, len(word) if word in text else len(text))
        if best:
            scored.append((-best, item["code"], item))
    return [item for _, _, item in sorted(scored, key=lambda row: row[:2])][:limit]


def code_for_words(text: str | None) -> str | None:
    """The best occupation code for what a seeker said they want to do, or None."""
    found = search_occupations(text or "", limit=1)
    return found[0]["code"] if found else None


@cache
def streets() -> dict[str, dict[str, tuple[float, float]]]:
    raw = yaml.safe_load((HERE / "streets.yaml").read_text(encoding="utf-8"))
    return {district: {name: tuple(point) for name, point in places.items()} for district, places in raw.items()}


def centroid(district: str | None, street: str | None) -> tuple[float, float] | None:
    places = streets().get(district or "")
    if places is None:
        return None
    return places.get(street or "", places["_district"])


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: at Xiamen's scale (tens of km) within a fraction of a percent."""
    lat = math.radians((a[0] + b[0]) / 2)
    dx = math.radians(b[1] - a[1]) * math.cos(lat)
    dy = math.radians(b[0] - a[0])
    return 6371.0 * math.hypot(dx, dy)
