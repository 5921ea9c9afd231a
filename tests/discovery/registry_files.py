"""Registry files as departments export them, with people whose identity numbers are valid."""
from __future__ import annotations

import csv
from pathlib import Path

from forms.types import id_check_character

from discovery.registries import HEADERS


def id_number(serial: int, born: str = "19800101", area: str = "350203") -> str:
    """A valid 18-digit identity number: area, birth date, a serial, the check character."""
    first17 = f"{area}{born}{serial % 1000:03d}"
    return first17 + id_check_character(first17)


def write(path: Path, kind: str, rows: list[dict], bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADERS[kind])
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in HEADERS[kind]})
    return path


def guardian(n: int) -> str:
    return id_number(n, "19800101")


def student(n: int) -> str:
    return id_number(n, "20120301")


# Households 1–10 on the 低保 roll, 11–12 with a 特困 person, 13–15 低收入 (not a ground for
# education aid), 16–20 on no roll.
ROLL = ([("dibao", g, 710) for g in range(1, 11)] + [("tekun", g, 1200) for g in (11, 12)]
        + [("dishouru", g, 0) for g in (13, 14, 15)])
# Students by guardian: two each in households 1–8, one in each other household, one with no guardian.
STUDENTS = ([(g, 2 * g) for g in range(1, 9)] + [(g, 2 * g + 1) for g in range(1, 9)]
            + [(g, 100 + g) for g in range(9, 21)] + [(None, 200)])
# Hand-computed: the students of households 1–12 (16 + 2 + 2 = 20).
ELIGIBLE = {s for g, s in STUDENTS if g is not None and g <= 12}
STAGES = ("primary", "junior", "senior", "vocational", "preschool", "university")


def roll_rows() -> list[dict]:
    return [{"id_number": guardian(g), "name": f"家长{g}", "district": "思明区", "street": "鹭江街道",
             "programme": programme, "monthly_amount": amount, "since": "2025-01-01"}
            for programme, g, amount in ROLL]


def student_rows() -> list[dict]:
    return [{"id_number": student(s), "name": f"学生{s}", "school": "厦门第一中学", "stage": STAGES[s % len(STAGES)],
             "boarding": "是" if s % 2 else "否", "guardian_id_number": guardian(g) if g else ""}
            for g, s in STUDENTS]
