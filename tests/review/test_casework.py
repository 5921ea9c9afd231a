"""Household visits and the street ledger; clues triaged or closed."""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

import review
from models import AuditEntry, Clue, Household, Session, Visit
from review import clues, visits
from tests.review.fixtures import make_staff, reload


def _household(district="思明区", street="鹭江街道"):
    household = Household(district=district, street=street)
    Session.add(household)
    Session.commit()
    return household


def test_a_visit_is_a_ledger_line_of_its_street(app):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    home = _household()
    visit = visits.record_visit(caseworker, home, "2026-03-05", "林晓、陈伟", "屋顶漏水，老人行动不便",
                                ["因病", "因残"], "修缮屋顶")
    assert (visit.district, visit.street, visit.causes) == ("思明区", "鹭江街道", ["因病", "因残"])
    [(line, recorded_by)] = visits.ledger(caseworker, street="鹭江街道")
    assert line.id == visit.id and recorded_by == "street"
    assert visits.ledger(caseworker, street="中华街道") == []
    assert visits.ledger(caseworker, since=date(2026, 3, 6)) == []
    assert visits.streets(caseworker) == ["鹭江街道"]


@pytest.mark.parametrize("when, who, causes, problem", [
    ("5 March", "林晓", [], "请填写走访日期"),
    ((date.today() + timedelta(days=2)).isoformat(), "林晓", [], "不能晚于今天"),
    ("2026-03-05", " ", [], "请填写参加走访的人员"),
    ("2026-03-05", "林晓", ["运气不好"], "请从列表中选择"),
])
def test_a_visit_needs_a_date_visitors_and_known_causes(app, when, who, causes, problem):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    with pytest.raises(review.ReviewError, match=problem):
        visits.record_visit(caseworker, _household(), when, who, None, causes, None)
    assert Session.scalars(select(Visit)).all() == []


def test_the_ledger_exports_as_csv_for_a_spreadsheet_and_is_audited(app):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    visits.record_visit(caseworker, _household(), "2026-03-05", "林晓", "独居", ["因病"], "送餐")
    other = make_staff("huli", district="湖里区")
    visits.record_visit(other, _household("湖里区", "殿前街道"), "2026-03-04", "王五", None, [], None)
    body = visits.ledger_csv(caseworker)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["走访日期", "区", "街道（镇）"]
    assert rows[1][:3] == ["2026-03-05", "思明区", "鹭江街道"] and rows[1][5] == "因病"
    assert len(rows) == 2  # 湖里区's visit is not this district's ledger
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "export_ledger"))
    assert entry.detail == {"rows": 1, "street": None}


def _clue(**values):
    clue = Clue(district="思明区", street="鹭江街道", description="独居老人，很久没人照看", **values)
    Session.add(clue)
    Session.commit()
    return clue


def test_a_clue_becomes_a_household_and_a_visit(app):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    clue = _clue()
    household, visit = clues.triage(clue, caseworker, None, "", "某小区3号楼", "2026-03-05", "林晓",
                                    "老人独居，需要照料", ["缺劳动力"], "上门送餐")
    Session.commit()
    after = reload(Clue, clue.id)
    assert (after.state, after.household_id, after.visit_id) == ("triaged", household.id, visit.id)
    home = Session.get(Household, household.id)
    assert (home.district, home.street, home.address) == ("思明区", "鹭江街道", "某小区3号楼")
    with pytest.raises(review.InvalidTransition, match="已经处理过了"):
        clues.close(after, caseworker, "重复")


def test_district_staff_file_households_only_in_their_district(app):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    household, _ = clues.triage(_clue(), caseworker, "湖里区", None, None, "2026-03-05", "林晓", None, [], None)
    Session.commit()
    assert Session.get(Household, household.id).district == "思明区"


def test_a_city_clue_needs_a_district_from_the_admin(app):
    admin = make_staff("city", role="admin", district="厦门市")
    clue = _clue()
    clue.district = None
    Session.commit()
    with pytest.raises(review.ReviewError, match="请选择线索所在的区"):
        clues.triage(clue, admin, None, None, None, "2026-03-05", "林晓", None, [], None)
    assert Session.scalars(select(Household)).all() == []
    clues.triage(clue, admin, "翔安区", "新店镇", None, "2026-03-05", "林晓", None, [], None)
    Session.commit()
    assert reload(Clue, clue.id).district == "翔安区"


def test_closing_a_clue_needs_a_reason(app):
    caseworker = make_staff("street", role="caseworker", street="鹭江街道")
    clue = _clue()
    with pytest.raises(review.ReviewError, match="请写明关闭的原因"):
        clues.close(clue, caseworker, "")
    clues.close(clue, caseworker, "已核实，不属于困难家庭")
    Session.commit()
    assert reload(Clue, clue.id).state == "closed"
