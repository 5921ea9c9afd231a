"""Reading a department's table (CSV in UTF-8 with or without BOM, or XLSX) row by row, with
cell checks that name the column and the line.

Shared by every import (employment's openings and seekers, discovery's registries): the whole
file or nothing, so a caller checks every row with `checked` before writing any. Infrastructure
beside the database like queues.py: it imports nothing of the project's parts.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date
from pathlib import Path

from .household import DISTRICTS

MAX_BYTES = 50 * 1024 * 1024

YES = {"是", "true", "yes", "1", "y"}
NO = {"否", "false", "no", "0", "n", ""}


class ImportRefused(Exception):
    """The file was refused; nothing was written. `problems` lists (line, message)."""

    def __init__(self, message: str, problems: list[tuple[int, str]] = ()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def report(self) -> str:
        lines = [self.message]
        lines += [f"第{line}行：{text}" for line, text in self.problems]
        return "\n".join(lines)


def refuse_rows(problems: list[tuple[int, str]]) -> ImportRefused:
    return ImportRefused(f"有 {len(problems)} 行不对，整个文件没有导入。请改正后重新导入：", problems)


def refuse_repeats(rows: list[tuple[int, dict]], key=lambda values: values["id_number"]) -> None:
    """ImportRefused naming each row about the same person (by `key`) as an earlier one."""
    seen: dict = {}
    problems = []
    for line, values in rows:
        person = key(values)
        if person in seen:
            problems.append((line, f"身份证号码和第{seen[person]}行重复"))
        seen.setdefault(person, line)
    if problems:
        raise refuse_rows(problems)


# ---- reading ------------------------------------------------------------------------------------

def read_rows(path: str | Path, header: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line number, {column: text}) for each non-empty row; the header must be `header`.
    A row with more cells than the header comes back as (line, None)."""
    path = Path(path)
    if not path.is_file():
        raise ImportRefused(f"找不到文件：{path}")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ImportRefused(f"文件太大（{size / 1024 / 1024:.0f} MB），一次最多导入 50 MB，请分成几个文件。")
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if raw.startswith(b"PK\x03\x04") and suffix in (".xlsx", ".xlsm"):
        table = _xlsx(raw)
    elif suffix in (".csv", ".txt") and b"\x00" not in raw[:4096]:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused("CSV 文件不是 UTF-8 编码：请在表格软件中另存为“CSV UTF-8”。") from None
        table = list(csv.reader(io.StringIO(text, newline="")))
    else:
        raise ImportRefused("只能导入 CSV（UTF-8）或 XLSX 文件。")
    if not table:
        raise ImportRefused("文件是空的。")
    got = tuple(clean(cell) for cell in table[0])
    while got and not got[-1]:
        got = got[:-1]
    if got != header:
        missing = [h for h in header if h not in got]
        extra = [h for h in got if h not in header]
        detail = []
        if missing:
            detail.append("缺少列 " + ",".join(missing))
        if extra:
            detail.append("多出列 " + ",".join(extra))
        if not detail:
            detail.append("列的顺序不对")
        raise ImportRefused("第1行（表头）不对：" + "；".join(detail) + "。表头应为：" + ",".join(header))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        cells = [clean(c) for c in cells]
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header):]):
            rows.append((number, None))  # reported by `checked` as too many cells
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append((number, dict(zip(header, cells))))
    return rows


def _xlsx(raw: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused("XLSX 文件打不开，可能已损坏。") from None
    sheet = book.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return table


def clean(value) -> str:
    """A cell as text: XLSX gives numbers and dates; 2026-03-01 00:00 from a date cell is a date."""
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        value = value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


# ---- checking cells -----------------------------------------------------------------------------

class Bad(ValueError):
    """One row's problem, in words for the person who made the file."""


def fail(message):
    raise Bad(message)


def parsed(row, key, label, parse, *, required=True, hint=None):
    """A cell read by `parse`, a form field's own rules (forms.types.cell_reader: the chat's
    identity and phone numbers); what it refuses names the column, with `hint` if given."""
    raw = row[key]
    if not raw:
        if required:
            raise Bad(f"{label}（{key}）不能为空")
        return None
    try:
        return parse(raw)
    except ValueError as err:
        if hint:
            raise Bad(f"{label}（{key}）“{raw}”不对，{hint}") from None
        raise Bad(f"{label}（{key}）不对：{getattr(err, 'message', err)}") from None


def birth_year(id_number: str) -> int:
    """From a checked identity number (YYYY at positions 7–10)."""
    return int(id_number[6:10])


def months_since(since: date | None, today: date) -> int:
    """Whole months from `since` to `today` (0 without a date, or for one still to come)."""
    if since is None:
        return 0
    return max((today.year - since.year) * 12 + today.month - since.month - (today.day < since.day), 0)


def integer(row, key, label, *, required=False, low=0, high=10**7):
    text = row[key].replace(",", "")
    if not text:
        if required:
            raise Bad(f"{label}（{key}）不能为空")
        return None
    if not re.fullmatch(r"\d+", text):
        raise Bad(f"{label}（{key}）应为整数，不是“{row[key]}”")
    value = int(text)
    if not low <= value <= high:
        raise Bad(f"{label}（{key}）应在 {low} 到 {high} 之间，不是 {value}")
    return value


def money(row, key, label, *, required=False, high=10**9):
    """Yuan, to the fen: 1,234.5 is 1234.5."""
    text = row[key].replace(",", "").removesuffix("元")
    if not text:
        if required:
            raise Bad(f"{label}（{key}）不能为空")
        return None
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        raise Bad(f"{label}（{key}）应为金额（元，最多两位小数），不是“{row[key]}”")
    value = float(text)
    if value > high:
        raise Bad(f"{label}（{key}）金额过大，请核对：{row[key]}")
    return value


def yesno(row, key, label):
    text = row[key].lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise Bad(f"{label}（{key}）请填“是/否”或 true/false，不是“{row[key]}”")


def day(row, key, label, *, required=False):
    text = row[key]
    if not text:
        if required:
            raise Bad(f"{label}（{key}）不能为空")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Bad(f"{label}（{key}）应为日期，格式如 2026-03-01，不是“{text}”") from None


def district(row, key="district"):
    if row[key] not in DISTRICTS:
        raise Bad(f"区（{key}）应为厦门的区之一（{'、'.join(DISTRICTS)}），不是“{row[key]}”")
    return row[key]


def fields(row, checks) -> dict:
    """Run each (key, check) of a row; every problem of the row reported together."""
    errors, values = [], {}
    for key, work in checks:
        try:
            values[key] = work()
        except Bad as err:
            errors.append(str(err))
    if errors:
        raise Bad("；".join(errors))
    return values


def checked(rows, check) -> list[tuple[int, dict]]:
    """Every row through `check`; any bad row refuses the file with every problem by line."""
    good, problems = [], []
    for line, row in rows:
        if row is None:
            problems.append((line, "这一行的格子比表头多"))
            continue
        try:
            good.append((line, check(row)))
        except Bad as err:
            problems.append((line, str(err)))
    if problems:
        raise refuse_rows(problems)
    return good
