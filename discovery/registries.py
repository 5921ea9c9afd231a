"""Department registries (notice 四㈢ 信息共享): 民政's roll, 残联's disability certificates, 教育's
student enrolment, 人社's unemployment registration and 医保's medical spending.

`import_file(kind, path)` checks the whole file first (models/tabular.py, the reader the 112
imports use too): one bad row refuses the file, every bad row reported by its line. Then each
row becomes one `RegistryFact` of the person it names, found by the blind index of the identity
number; the fact records its source (the kind), the file's name and the day. Importing the same
file again changes nothing (one fact per kind, person and key; an unchanged row is not written).

A person nobody knows yet is given a household, so that every programme sees one record per
family (四㈢):
- 民政's roll and 人社's registry name the district and street: a household there, the person
  its 本人.
- A student goes into the guardian's household when the guardian is known; otherwise a new
  household of the guardian (本人) and the student (子女), or of the student alone.
- A disability or medical row of an unknown person: a household of one.
Where the row names no district, the district is read from the identity number's area code
(3502xx: the 户籍 office that issued it) and left empty outside Xiamen; 民政's roll fills it in
later. Staff merge households on the household page when a family turns out to be one.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from forms.types import cell_reader
from models import Household, Member, Session, pii, utcnow
from review.routing import local_date
from models.registry import KINDS, RegistryFact, RegistryImport, facts_of
from models.tabular import Bad, birth_year, checked, day, district, fail, fields, money, parsed, read_rows, refuse_repeats, yesno, integer

HEADERS = {
    "dibao_roll": ("id_number", "name", "district", "street", "programme", "monthly_amount", "since"),
    "disability": ("id_number", "name", "kind", "grade", "issued"),
    "students": ("id_number", "name", "school", "stage", "boarding", "guardian_id_number"),
    "unemployment": ("id_number", "name", "phone", "district", "street", "registered_on"),
    "medical": ("id_number", "year", "out_of_pocket", "medical_aid_paid"),
}
TITLES = {
    "dibao_roll": "民政低保、低收入、特困名册",
    "disability": "残联残疾人证信息",
    "students": "教育部门学籍信息",
    "unemployment": "人社失业登记",
    "medical": "医保年度医疗费用",
}
assert tuple(HEADERS) == KINDS

ROLL_PROGRAMMES = {"dibao": "dibao", "低保": "dibao", "dishouru": "dishouru", "低收入": "dishouru",
                   "低保边缘": "dishouru", "tekun": "tekun", "特困": "tekun", "特困供养": "tekun"}
DISABILITY_KINDS = {"physical": "肢体", "visual": "视力", "hearing": "听力", "speech": "言语",
                    "intellectual": "智力", "mental": "精神", "multiple": "多重"}
_KIND_WORDS = {**{k: k for k in DISABILITY_KINDS}, **{v: k for k, v in DISABILITY_KINDS.items()},
               **{v + "残疾": k for k, v in DISABILITY_KINDS.items()}}
STAGES = {"preschool": "学前", "primary": "小学", "junior": "初中", "senior": "高中",
          "vocational": "中职", "university": "大学"}
_STAGE_WORDS = {**{k: k for k in STAGES}, **{v: k for k, v in STAGES.items()},
                "幼儿园": "preschool", "学前教育": "preschool", "普通高中": "senior", "职高": "vocational",
                "中专": "vocational", "技校": "vocational", "中等职业教育": "vocational", "高校": "university",
                "本科": "university", "专科": "university", "大专": "university", "高等教育": "university"}
_GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一级": 1, "二级": 2, "三级": 3, "四级": 4,
           "一": 1, "二": 2, "三": 3, "四": 4}
# Area codes of Xiamen's districts in identity numbers (鼓浪屿区 and 开元区 are part of 思明区 now).
AREA_DISTRICTS = {"350202": "思明区", "350203": "思明区", "350204": "思明区", "350205": "海沧区",
                  "350206": "湖里区", "350211": "集美区", "350212": "同安区", "350213": "翔安区"}

_ID = cell_reader("id_number")
_PHONE = cell_reader("phone")


@dataclass
class Person:
    """Who a row is about, checked: the identity number stays out of the stored fact."""
    id_number: str
    name: str | None


# ---- checking rows ------------------------------------------------------------------------------

def _id(row, key="id_number", label="身份证号码", required=True):
    return parsed(row, key, label, _ID, required=required)


def _phone(row):
    return parsed(row, "phone", "手机号码", _PHONE, required=False, hint="应为11位手机号")


def _name(row):
    return row["name"][:40] or fail("姓名（name）不能为空")


def _word(row, key, label, words: dict, choices: str):
    text = row[key].strip()
    if text in words or text.lower() in words:
        return words.get(text, words.get(text.lower()))
    raise Bad(f"{label}（{key}）应为 {choices} 之一，不是“{row[key]}”" if text else f"{label}（{key}）不能为空")


def _dibao_roll(row):
    return fields(row, (
        ("id_number", lambda: _id(row)),
        ("name", lambda: _name(row)),
        ("district", lambda: district(row)),
        ("street", lambda: row["street"][:40] or None),
        ("programme", lambda: _word(row, "programme", "救助类别", ROLL_PROGRAMMES, "dibao、dishouru、tekun（低保、低收入、特困）")),
        ("monthly_amount", lambda: money(row, "monthly_amount", "每月金额", required=True, high=1_000_000)),
        ("since", lambda: (day(row, "since", "起始日期", required=True) or date.min).isoformat()),
    ))


def _disability(row):
    return fields(row, (
        ("id_number", lambda: _id(row)),
        ("name", lambda: _name(row)),
        ("kind", lambda: _word(row, "kind", "残疾类别", _KIND_WORDS, "、".join(f"{k}（{v}）" for k, v in DISABILITY_KINDS.items()))),
        ("grade", lambda: _word(row, "grade", "残疾等级", _GRADES, "1、2、3、4（一级至四级）")),
        ("issued", lambda: (d.isoformat() if (d := day(row, "issued", "发证日期")) else None)),
    ))


def _students(row):
    values = fields(row, (
        ("id_number", lambda: _id(row)),
        ("name", lambda: _name(row)),
        ("school", lambda: row["school"][:100] or None),
        ("stage", lambda: _word(row, "stage", "学段", _STAGE_WORDS, "、".join(f"{k}（{v}）" for k, v in STAGES.items()))),
        ("boarding", lambda: yesno(row, "boarding", "寄宿")),
        ("guardian_id_number", lambda: _id(row, "guardian_id_number", "监护人身份证号码", required=False)),
    ))
    if values["guardian_id_number"] and values["guardian_id_number"] == values["id_number"]:
        raise Bad("监护人身份证号码（guardian_id_number）和学生本人的相同")
    return values


def _unemployment(row):
    return fields(row, (
        ("id_number", lambda: _id(row)),
        ("name", lambda: _name(row)),
        ("phone", lambda: _phone(row)),
        ("district", lambda: district(row)),
        ("street", lambda: row["street"][:40] or None),
        ("registered_on", lambda: day(row, "registered_on", "失业登记日期", required=True).isoformat()),
    ))


def _medical(row):
    return fields(row, (
        ("id_number", lambda: _id(row)),
        ("year", lambda: integer(row, "year", "年度", required=True, low=2000, high=2100)),
        ("out_of_pocket", lambda: money(row, "out_of_pocket", "个人自付医疗费用", required=True)),
        ("medical_aid_paid", lambda: money(row, "medical_aid_paid", "已获医疗救助", required=False) or 0.0),
    ))


CHECKS: dict[str, Callable[[dict], dict]] = {
    "dibao_roll": _dibao_roll, "disability": _disability, "students": _students,
    "unemployment": _unemployment, "medical": _medical,
}


def fact_key(kind: str, values: dict) -> str:
    """What tells two rows of one person apart: a medical row is one year's; the roll names one
    programme per person (特困 and 低保 are never paid together)."""
    return str(values["year"]) if kind == "medical" else ""


# ---- households ---------------------------------------------------------------------------------

def district_of(id_number: str | None) -> str:
    return AREA_DISTRICTS.get((id_number or "")[:6], "")


def sex_of(id_number: str) -> str:
    return "male" if int(id_number[16]) % 2 else "female"


class _People:
    """Members by blind index, loaded for the file's people in a few queries, and made when new."""

    def __init__(self, indexes: set[str]):
        self.members: dict[str, Member] = {}
        ordered = sorted(indexes)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            for member in Session.scalars(select(Member).where(Member.id_number_index.in_(chunk))
                                          .order_by(Member.id)):
                self.members.setdefault(member.id_number_index, member)
        self.households_added = 0

    def get(self, index: str) -> Member | None:
        return self.members.get(index)

    def household(self, district_name: str, street: str | None) -> Household:
        household = Household(district=district_name, street=street)
        Session.add(household)
        self.households_added += 1
        return household

    def add(self, household: Household, index: str, id_number: str, name: str | None, relation: str) -> Member:
        position = len(household.members)
        member = Member(household=household, position=position, name=name, relation=relation,
                        id_number=id_number, id_number_index=index, sex=sex_of(id_number),
                        birth_year=birth_year(id_number))
        Session.add(member)
        self.members[index] = member
        return member


def _place(kind: str, values: dict, people: _People) -> Member:
    """The member the row is about, made (with a household) when nobody knew them."""
    index = pii.blind_index(values["id_number"])
    member = people.get(index)
    if member is not None:
        household = member.household
        if kind in ("dibao_roll", "unemployment") and not household.district:
            household.district, household.street = values["district"], values["street"]
        return member
    if kind in ("dibao_roll", "unemployment"):
        household = people.household(values["district"], values["street"])
        return people.add(household, index, values["id_number"], values["name"], "本人")
    if kind == "students" and values["guardian_id_number"]:
        guardian_index = pii.blind_index(values["guardian_id_number"])
        guardian = people.get(guardian_index)
        if guardian is None:
            household = people.household(district_of(values["guardian_id_number"]) or district_of(values["id_number"]), None)
            people.add(household, guardian_index, values["guardian_id_number"], None, "本人")
        else:
            household = guardian.household
        return people.add(household, index, values["id_number"], values["name"], "子女")
    household = people.household(district_of(values["id_number"]), None)
    return people.add(household, index, values["id_number"], values.get("name"), "本人")


# ---- importing ----------------------------------------------------------------------------------

def check_file(kind: str, path: str | Path) -> list[tuple[int, dict]]:
    """Every row of the file checked, or ImportRefused naming each bad line."""
    if kind not in HEADERS:
        raise ValueError(f"unknown registry {kind!r}; registries are {', '.join(KINDS)}")
    rows = checked(read_rows(path, HEADERS[kind]), CHECKS[kind])
    refuse_repeats(rows, lambda values: (values["id_number"], fact_key(kind, values)))
    return rows


def import_file(kind: str, path: str | Path, *, file_name: str | None = None, today: date | None = None,
                by: str = "cli", progress: Callable[[int, int], None] | None = None) -> RegistryImport:
    """Check the whole file, then record each row as a fact of its person (the caller commits).
    `progress(done, total)` is told as rows are written (a terminal's bar, a job's meta)."""
    rows = check_file(kind, path)
    today = today or local_date(utcnow())
    record = RegistryImport(kind=kind, file_name=(file_name or Path(path).name)[:255], imported_on=today,
                            imported_by=by[:120], rows=len(rows), added=0, updated=0, unchanged=0,
                            households_added=0)
    Session.add(record)
    Session.flush()
    indexes = {pii.blind_index(v["id_number"]) for _, v in rows}
    indexes |= {pii.blind_index(v["guardian_id_number"]) for _, v in rows if v.get("guardian_id_number")}
    people = _People(indexes)
    facts = {(f.person_index, f.key): f for f in facts_of(kind, indexes)}
    total = len(rows)
    for done, (_, values) in enumerate(rows, start=1):
        member = _place(kind, values, people)
        index = member.id_number_index
        data = {k: v for k, v in values.items() if k not in ("id_number", "guardian_id_number")}
        if values.get("guardian_id_number"):
            data["guardian_index"] = pii.blind_index(values["guardian_id_number"])
        key = fact_key(kind, values)
        fact = facts.get((index, key))
        if fact is None:
            if member.id is None:
                Session.flush()  # a new member (and household) get their ids
            Session.add(RegistryFact(kind=kind, person_index=index, key=key, household_id=member.household_id,
                                     member_id=member.id, data=data, file_name=record.file_name,
                                     imported_on=today, import_id=record.id))
            record.added += 1
        elif fact.data != data or fact.household_id != member.household_id:
            fact.data, fact.household_id, fact.member_id = data, member.household_id, member.id
            fact.file_name, fact.imported_on, fact.import_id = record.file_name, today, record.id
            record.updated += 1
        else:
            record.unchanged += 1
        if progress is not None:
            progress(done, total)
    record.households_added = people.households_added
    Session.flush()
    return record


def summary(record: RegistryImport) -> str:
    return (f"{TITLES[record.kind]}（{record.file_name}）：{record.rows} 行，新增 {record.added}，"
            f"更新 {record.updated}，未变 {record.unchanged}；新建家庭 {record.households_added} 户")


def kind_title(kind: str) -> str:
    return TITLES.get(kind, kind)


_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def safe_file_name(name: str) -> str:
    """A file name as it may be shown and stored (no folders, no odd characters)."""
    base = Path(name.replace("\\", "/")).name
    return _SAFE_NAME.sub("_", base)[:120] or "registry"
