"""Registries imported, every household assessed, education-aid cases opened without an
application, and the caseworkers' worklist of likely-eligible families."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from discovery import cases, registries
from models import Application, Delivery, Household, Member, Resident, Session, pii
from models.registry import AutoCase, DiscoveryItem, RegistryFact
from models.tabular import ImportRefused
from tests.conftest import run_flask

from .registry_files import ELIGIBLE, guardian, id_number, roll_rows, student, student_rows, write

TODAY = date(2026, 3, 2)


def run(kind, path, today=TODAY):
    """What `flask registry import` does: the import, then the discovery run, each committed."""
    record = registries.import_file(kind, path, today=today)
    Session.commit()
    outcome = cases.discover(today)
    Session.commit()
    return record, outcome


def opened_students() -> set[str]:
    return set(Session.scalars(select(AutoCase.person_key)))


def test_students_and_the_dibao_roll_open_cases_for_exactly_the_eligible_students(app, tmp_path):
    students = write(tmp_path / "学籍.csv", "students", student_rows())
    roll = write(tmp_path / "低保名册.csv", "dibao_roll", roll_rows(), bom=True)

    _, outcome = run("students", students)
    assert outcome.cases == []  # enrolment alone is no ground

    record, outcome = run("dibao_roll", roll)
    assert record.added == 15
    expected = {pii.blind_index(student(s)) for s in ELIGIBLE}
    assert len(expected) == 20
    assert opened_students() == expected
    apps = Session.scalars(select(Application).where(Application.programme == "jiaoyu")).all()
    assert len(apps) == 20
    assert {a.state for a in apps} == {"submitted"}
    assert {a.district for a in apps} == {"思明区"}  # routed to the district's queue
    assert all(a.deadline_at is not None and a.openid is None for a in apps)
    first = apps[0]
    assert first.transitions[0].actor == "system"
    assert "家庭在民政低保名册中" in first.transitions[0].reason or "特困" in first.transitions[0].reason

    # The guardian the students' roll named first is the household the 低保 roll then matched.
    household = Session.scalar(select(Member.household_id).where(Member.id_number_index == pii.blind_index(guardian(1))))
    kids = Session.scalars(select(Member).where(Member.household_id == household, Member.relation == "子女")).all()
    assert len(kids) == 2

    # Importing both again, and discovering again, opens none and writes no fact twice.
    facts = Session.scalar(select(func.count(RegistryFact.id)))
    for kind, path in (("students", students), ("dibao_roll", roll)):
        record, outcome = run(kind, path)
        assert (record.added, record.updated) == (0, 0)
        assert outcome.cases == []
    assert Session.scalar(select(func.count(RegistryFact.id))) == facts
    assert Session.scalar(select(func.count(AutoCase.id))) == 20


def test_each_fact_records_its_source_file_and_date(app, tmp_path):
    run("dibao_roll", write(tmp_path / "民政2026年3月.csv", "dibao_roll", roll_rows()[:1]))
    fact = Session.scalar(select(RegistryFact))
    assert (fact.kind, fact.file_name, fact.imported_on) == ("dibao_roll", "民政2026年3月.csv", TODAY)
    assert fact.data["programme"] == "dibao" and "id_number" not in fact.data
    household = Session.get(Household, fact.household_id)
    assert (household.district, household.street) == ("思明区", "鹭江街道")


def test_a_bad_row_refuses_the_whole_file_with_its_line_number(app, tmp_path):
    rows = student_rows()[:6]
    rows[3]["id_number"] = "350203201203011235"  # wrong check character: line 5 (header is line 1)
    rows[5]["stage"] = "博士"
    path = write(tmp_path / "students.csv", "students", rows)
    with pytest.raises(ImportRefused) as refused:
        registries.import_file("students", path, today=TODAY)
    report = refused.value.report()
    assert "第5行" in report and "身份证号码" in report
    assert "第7行" in report and "学段" in report
    Session.rollback()
    assert Session.scalar(select(func.count(RegistryFact.id))) == 0
    assert Session.scalar(select(func.count(Member.id))) == 0


def test_the_command_reports_the_bad_line_and_imports_nothing(app, tmp_path):
    rows = roll_rows()[:3]
    rows[1]["district"] = "北京市"
    path = write(tmp_path / "roll.csv", "dibao_roll", rows)
    result = run_flask("registry", "import", "dibao_roll", str(path))
    assert result.returncode == 1
    assert "第3行" in result.stderr and "区（district）" in result.stderr
    Session.remove()
    assert Session.scalar(select(func.count(RegistryFact.id))) == 0

    rows[1]["district"] = "思明区"
    write(tmp_path / "roll.csv", "dibao_roll", rows)
    students = write(tmp_path / "students.csv", "students", student_rows()[:2])
    assert run_flask("registry", "import", "students", str(students), "--date", "2026-03-02").returncode == 0
    result = run_flask("registry", "import", "dibao_roll", str(path), "--date", "2026-03-02")
    assert result.returncode == 0, result.stderr
    assert "新增 3" in result.stdout and "主动开启教育救助 2 件" in result.stdout
    again = run_flask("discover", "--date", "2026-03-02")
    assert "主动开启教育救助 0 件" in again.stdout


def test_disability_from_xlsx_makes_a_student_or_a_parent_count(app, tmp_path):
    from openpyxl import Workbook

    write(tmp_path / "students.csv", "students", [
        {"id_number": student(1), "name": "小林", "stage": "senior", "boarding": "否", "guardian_id_number": guardian(1)},
        {"id_number": student(2), "name": "小吴", "stage": "junior", "boarding": "是", "guardian_id_number": guardian(2)},
        {"id_number": student(3), "name": "小郑", "stage": "primary", "boarding": "否", "guardian_id_number": guardian(3)},
    ])
    book = Workbook()
    sheet = book.active
    sheet.append(list(registries.HEADERS["disability"]))
    sheet.append([student(1), "小林", "视力", 2, date(2020, 5, 1)])  # the student
    sheet.append([guardian(2), "吴父", "physical", "一级", None])  # a parent
    book.save(tmp_path / "残联.xlsx")
    run("students", tmp_path / "students.csv")
    run("disability", tmp_path / "残联.xlsx")
    assert opened_students() == {pii.blind_index(student(1)), pii.blind_index(student(2))}
    reasons = {a.transitions[0].reason for a in Session.scalars(select(Application))}
    assert any("学生本人持有残疾人证" in r for r in reasons) and any("父母持有残疾人证" in r for r in reasons)


def test_likely_eligible_households_go_to_the_worklist_with_the_reason(app, tmp_path):
    person, applied, healthy = id_number(1, "19700101"), id_number(2, "19700101"), id_number(3, "19700101")
    write(tmp_path / "d.csv", "disability", [
        {"id_number": person, "name": "王某", "kind": "physical", "grade": "1"},
        {"id_number": applied, "name": "李某", "kind": "physical", "grade": "1"},
    ])
    write(tmp_path / "m.csv", "medical", [
        {"id_number": person, "year": "2025", "out_of_pocket": "42000", "medical_aid_paid": "0"},
        {"id_number": healthy, "year": "2025", "out_of_pocket": "800", "medical_aid_paid": "0"},
    ])
    registries.import_file("disability", tmp_path / "d.csv", today=TODAY)
    registries.import_file("medical", tmp_path / "m.csv", today=TODAY)
    Session.commit()
    applied_household = Session.scalar(select(Member.household_id).where(Member.id_number_index == pii.blind_index(applied)))
    Session.add(Application(household_id=applied_household, programme="tekun", form_id="tekun", state="submitted",
                            district="思明区", answers={}, situation={}))
    Session.commit()

    outcome = cases.discover(TODAY)
    Session.commit()
    items = Session.scalars(select(DiscoveryItem)).all()
    assert [(i.kind, i.programme, i.reason) for i in items] == [
        ("likely_eligible", "tekun", "残联登记一级肢体残疾，医保自付 4.2 万，未申请")]
    assert items[0].district == "思明区"  # from the identity number's area code
    assert outcome.cases == [] and Session.scalar(select(func.count(Application.id))) == 1  # no decision made

    items[0].state = "dismissed"  # a caseworker looked: a rerun does not bring it back
    Session.commit()
    assert cases.discover(TODAY).worklist_added == 0


def test_a_family_with_wechat_is_told_once_what_comes_next(app, tmp_path):
    write(tmp_path / "r.csv", "dibao_roll", roll_rows()[:1])
    write(tmp_path / "s.csv", "students", student_rows()[:1])
    registries.import_file("dibao_roll", tmp_path / "r.csv", today=TODAY)
    Session.commit()
    household = Session.scalar(select(Member.household_id).where(Member.id_number_index == pii.blind_index(guardian(1))))
    Session.add(Resident(openid="o-family", household_id=household))
    Session.commit()
    run("students", tmp_path / "s.csv")

    assert cases.notify_pending() == 1
    delivery = Session.scalar(select(Delivery))
    assert delivery.contact["openid"] == "o-family" and delivery.purpose == "jiaoyu_auto"
    text = delivery.content["text"]
    case = Session.scalar(select(AutoCase))
    assert f"编号{case.application_id}" in text and "不用另外申请" in text and "思明区" in text
    assert "学生2" in text  # the child the message is about, by name
    assert cases.notify_pending() == 0
    assert Session.scalar(select(func.count(Delivery.id))) == 1
