"""Openings and seekers from the files 人社 and employers send: whole file or nothing."""
from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from employment import imports
from models import Employer, Opening, Seeker, Session, pii

from .builders import OPENINGS_HEADER, SEEKERS_HEADER, id_number, opening_row, seeker_row, write_csv


def count(model) -> int:
    return Session.scalar(select(func.count()).select_from(model))


def test_a_good_openings_file_is_imported_with_its_employer(app, tmp_path):
    path = write_csv(tmp_path / "openings.csv", OPENINGS_HEADER,
                     [opening_row(), opening_row(title="社区巡逻员", code="4-07-05", public_welfare="是")], bom=True)
    outcome = imports.import_openings(path)
    Session.commit()
    assert (outcome.added, outcome.updated) == (2, 0)
    patrol = Session.scalar(select(Opening).where(Opening.title == "社区巡逻员"))
    assert patrol.public_welfare and patrol.education_min == "junior" and patrol.positions == 2
    assert Session.scalar(select(Employer.email)) == "hr@ludao.example"


def test_bad_rows_are_reported_by_line_and_nothing_is_written(app, tmp_path):
    path = write_csv(tmp_path / "openings.csv", OPENINGS_HEADER, [
        opening_row(),
        opening_row(title="厨师", code="4-77-01"),
        opening_row(title="保安", wage_min="三千"),
        opening_row(title="司机", valid_until="2026/13/01", public_welfare="也许"),
    ])
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_openings(path)
    Session.rollback()
    lines = dict(refused.value.problems)
    assert set(lines) == {3, 4, 5}
    assert "4-77-01" in lines[3]
    assert "三千" in lines[4]
    assert "2026/13/01" in lines[5] and "也许" in lines[5]
    assert "第3行" in refused.value.report()
    assert count(Opening) == 0 and count(Employer) == 0


def test_importing_the_same_file_again_changes_nothing(app, tmp_path):
    path = write_csv(tmp_path / "openings.csv", OPENINGS_HEADER, [opening_row(), opening_row(title="保安员", code="4-07-05")])
    imports.import_openings(path)
    Session.commit()
    before = {o.id: (o.created_at, o.updated_at) for o in Session.scalars(select(Opening))}
    again = imports.import_openings(path)
    Session.commit()
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert {o.id: (o.created_at, o.updated_at) for o in Session.scalars(select(Opening))} == before


def test_a_changed_row_updates_its_opening(app, tmp_path):
    imports.import_openings(write_csv(tmp_path / "a.csv", OPENINGS_HEADER, [opening_row()]))
    Session.commit()
    outcome = imports.import_openings(write_csv(tmp_path / "b.csv", OPENINGS_HEADER, [opening_row(wage_min="3300")]))
    Session.commit()
    assert (outcome.added, outcome.updated) == (0, 1)
    assert Session.scalar(select(Opening.wage_min)) == 3300


def test_an_xlsx_file_with_the_same_header_is_imported(app, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(OPENINGS_HEADER.split(","))
    row = opening_row()
    row[7] = 3000  # numbers as a spreadsheet stores them
    sheet.append(row)
    book.save(tmp_path / "openings.xlsx")
    outcome = imports.import_openings(tmp_path / "openings.xlsx")
    assert outcome.added == 1


def test_a_file_over_50_mb_is_refused(app, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as out:
        out.write((OPENINGS_HEADER + "\n").encode())
        out.truncate(imports.MAX_BYTES + 1)
    with pytest.raises(imports.ImportRefused, match="50 MB"):
        imports.import_openings(path)


@pytest.mark.parametrize("name, content", [("openings.pdf", b"%PDF-1.4 ..."), ("openings.csv", b"\xff\xfe\x00a\x00b"),
                                           ("openings.xlsx", b"not a zip at all")])
def test_a_file_that_is_not_csv_or_xlsx_is_refused(app, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_openings(path)
    assert "CSV" in refused.value.message


def test_a_wrong_header_names_the_missing_column(app, tmp_path):
    path = write_csv(tmp_path / "o.csv", OPENINGS_HEADER.replace(",wage_max", ""), [])
    with pytest.raises(imports.ImportRefused, match="缺少列 wage_max"):
        imports.import_openings(path)


def test_seekers_are_imported_once_per_person_with_the_rules_verdict(app, tmp_path):
    rows = [seeker_row(1),  # 45, registered, unemployed over a year: 就业困难人员
            seeker_row(2, name="林志强", unemployed_since="", registered_unemployed="否", sex="male",
                       education="本科", graduate="true")]
    path = write_csv(tmp_path / "seekers.csv", SEEKERS_HEADER, rows)
    outcome = imports.import_seekers(path)
    Session.commit()
    assert outcome.added == 2
    chen = Session.scalar(select(Seeker).where(Seeker.id_number_index == pii.blind_index(id_number(1))))
    lin = Session.scalar(select(Seeker).where(Seeker.id_number_index == pii.blind_index(id_number(2))))
    assert chen.jiuye_kunnan and not lin.jiuye_kunnan
    assert chen.name == "陈美玲" and chen.phone == "13812345678" and chen.birth_year == 1980
    assert lin.education == "bachelor" and lin.graduate
    # Sealed at rest: the identity number is nowhere in clear.
    raw = Session.connection().exec_driver_sql("SELECT id_number, name, phone FROM seekers").all()
    assert all(id_number(1) not in str(row) and "陈美玲" not in str(row) for row in raw)
    again = imports.import_seekers(path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_bad_identity_numbers_and_duplicates_are_reported_by_line(app, tmp_path):
    bad_check = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    path = write_csv(tmp_path / "seekers.csv", SEEKERS_HEADER, [
        seeker_row(1), seeker_row(3, id_number=bad_check), seeker_row(4, id_number="12345"),
        seeker_row(5, wage_min="3k", registered_unemployed="maybe"),
    ])
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_seekers(path)
    lines = dict(refused.value.problems)
    assert set(lines) == {3, 4, 5}
    assert "校验位" in lines[3] and "18位" in lines[4] and "3k" in lines[5]
    Session.rollback()
    assert count(Seeker) == 0
    dup = write_csv(tmp_path / "dup.csv", SEEKERS_HEADER, [seeker_row(1), seeker_row(1, name="陈美玲")])
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_seekers(dup)
    assert refused.value.problems == [(3, "身份证号码和第2行重复")]


def test_a_seeker_is_of_a_dibao_household_only_by_the_dibao_roll(app, tmp_path):
    """Born 1996, out of work a month: no reason of age or duration. A row says nothing of the
    household's income, so only the imported 低保 roll makes them a 低保 household's member."""
    from discovery import registries
    from tests.discovery.registry_files import write

    young = {n: id_number(n, born="19960101") for n in (1, 2, 3)}
    roll = [{"id_number": young[1], "name": "王低保", "district": "思明区", "street": "鹭江街道",
             "programme": "低保", "monthly_amount": "800", "since": "2025-01-01"},
            {"id_number": young[2], "name": "李边缘", "district": "思明区", "street": "鹭江街道",
             "programme": "低收入", "monthly_amount": "0", "since": "2025-01-01"}]
    registries.import_file("dibao_roll", write(tmp_path / "roll.csv", "dibao_roll", roll))
    Session.commit()
    rows = [seeker_row(n, name=name, id_number=young[n], sex="男", unemployed_since="2026-10-20")
            for n, name in ((1, "王低保"), (2, "李边缘"), (3, "张无名"))]
    imports.import_seekers(write_csv(tmp_path / "seekers.csv", SEEKERS_HEADER, rows))
    Session.commit()
    kunnan = {s.name: s.jiuye_kunnan for s in Session.scalars(select(Seeker))}
    assert kunnan == {"王低保": True, "李边缘": False, "张无名": False}
