"""The operator's commands, run as separate processes."""
from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from models import Delivery, Opening, Recommendation, Session
from tests.conftest import run_flask

from .builders import OPENINGS_HEADER, SEEKERS_HEADER, make_seeker, opening_row, seeker_row, write_csv


def test_import_openings_reports_bad_rows_and_imports_nothing(app, tmp_path):
    path = write_csv(tmp_path / "openings.csv", OPENINGS_HEADER, [opening_row(), opening_row(title="厨师", wage_min="面议")])
    result = run_flask("employment", "import-openings", path)
    assert result.returncode == 1
    assert "第3行" in result.stderr and "面议" in result.stderr
    assert Session.scalar(select(func.count()).select_from(Opening)) == 0


def test_import_match_and_ledger(app, tmp_path):
    seekers = write_csv(tmp_path / "seekers.csv", SEEKERS_HEADER, [seeker_row(1), seeker_row(2, name="=HYPERLINK(1)")])
    result = run_flask("employment", "import-seekers", seekers)
    assert result.returncode == 0, result.stderr
    assert "新增 2" in result.stdout
    result = run_flask("employment", "import-openings", write_csv(tmp_path / "o.csv", OPENINGS_HEADER, [opening_row()]))
    assert result.returncode == 0, result.stderr
    result = run_flask("employment", "match")
    assert result.returncode == 0, result.stderr
    assert "新推荐 2 条" in result.stdout
    Session.remove()
    assert Session.scalar(select(func.count()).select_from(Recommendation)) == 2
    out = tmp_path / "ledger.csv"
    result = run_flask("employment", "ledger", "--year", "2026", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["求职者编号", "姓名", "区"] and len(rows) == 3
    names = {row[1] for row in rows[1:]}
    assert names == {"陈**", "'=" + "*" * 12}  # masked, and never a formula
    assert all(row[7] == "0" for row in rows[1:])  # matched but not yet delivered


def test_match_of_an_unknown_opening_says_so(app):
    make_seeker(1)
    result = run_flask("employment", "match", "--opening", "999")
    assert result.returncode != 0 and "no opening 999" in result.stderr
