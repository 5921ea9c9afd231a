"""Openings and seekers from CSV or XLSX files (headers in interfaces.md).

The whole file or nothing: every row is checked first, and one bad row refuses the file with a
report of every bad row by its line number (the header is line 1). Rows are upserted by their
natural keys (an opening: employer, title, district, street; a seeker: the blind index of the
identity number), so importing the same file again changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

import policy
from forms.types import cell_reader
from models import Employer, Member, Opening, Seeker, Session, pii
from models.registry import facts_of
# The reader and cell checks are shared with discovery's registry imports (models/tabular.py).
from models.tabular import MAX_BYTES, NO, YES, Bad, ImportRefused, read_rows  # noqa: F401 (names of this module)
from models.tabular import birth_year, checked as _checked, months_since, fail as _fail, parsed as _parsed, refuse_repeats, day as _date, fields as _fields, district as _district, integer as _int, yesno as _yesno

from . import data

OPENING_HEADER = ("employer", "employer_email", "title", "occupation_code", "district", "street", "address",
                  "wage_min", "wage_max", "hours_per_week", "education_min", "age_min", "age_max",
                  "public_welfare", "positions", "valid_until", "description")
SEEKER_HEADER = ("id_number", "name", "phone", "email", "district", "street", "age", "sex", "education",
                 "occupation_code", "wage_min", "hours_per_week", "registered_unemployed", "unemployed_since",
                 "graduate")

SEX = {"male": "male", "男": "male", "female": "female", "女": "female"}
EDUCATION = {**{v: v for v in data.EDUCATION}, **{label: v for v, label in data.EDUCATION_LABELS.items()},
             "中专": "vocational", "技校": "vocational", "小学": "primary_or_below"}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class Outcome:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)

    def summary(self, what: str) -> str:
        return f"{what}: 新增 {self.added}，更新 {self.updated}，未变 {self.unchanged}"


# ---- checking cells (shared ones in models/tabular.py) ----------------------------------------

def _code(row, key="occupation_code", required=True):
    code = row[key]
    if not code:
        if required:
            raise Bad(f"职业代码（{key}）不能为空")
        return None
    if not data.valid_code(code):
        raise Bad(f"职业代码（{key}）“{code}”不是已知的 GB/T 6565 代码（例如 4 或 4-03-02）")
    return code


def _education(row, key):
    text = row[key]
    if not text:
        return None
    if text not in EDUCATION:
        raise Bad(f"学历（{key}）“{text}”不认识，请用 {'、'.join(data.EDUCATION)} 或对应中文")
    return EDUCATION[text]


def _email(row, key):
    text = row[key]
    if text and not EMAIL.fullmatch(text):
        raise Bad(f"电子邮箱（{key}）“{text}”格式不对")
    return text or None


# ---- openings -----------------------------------------------------------------------------------

def _opening(row) -> dict:
    values = _fields(row, (
        ("employer", lambda: row["employer"] or _fail("用人单位（employer）不能为空")),
        ("employer_email", lambda: _email(row, "employer_email")),
        ("title", lambda: row["title"][:100] or _fail("岗位名称（title）不能为空")),
        ("occupation_code", lambda: _code(row)),
        ("district", lambda: _district(row)),
        ("street", lambda: row["street"] or None),
        ("address", lambda: row["address"][:255] or None),
        ("wage_min", lambda: _int(row, "wage_min", "最低工资", high=1_000_000)),
        ("wage_max", lambda: _int(row, "wage_max", "最高工资", high=1_000_000)),
        ("hours_per_week", lambda: _int(row, "hours_per_week", "每周工时", high=84)),
        ("education_min", lambda: _education(row, "education_min")),
        ("age_min", lambda: _int(row, "age_min", "最低年龄", low=16, high=120)),
        ("age_max", lambda: _int(row, "age_max", "最高年龄", low=16, high=120)),
        ("public_welfare", lambda: _yesno(row, "public_welfare", "公益性岗位")),
        ("positions", lambda: _int(row, "positions", "招聘人数", low=1, high=100_000) or 1),
        ("valid_until", lambda: _date(row, "valid_until", "有效期至", required=True)),
        ("description", lambda: row["description"][:5000] or None),
    ))
    errors = []
    if values["wage_min"] and values["wage_max"] and values["wage_min"] > values["wage_max"]:
        errors.append("最低工资不能高于最高工资")
    if values["age_min"] and values["age_max"] and values["age_min"] > values["age_max"]:
        errors.append("最低年龄不能高于最高年龄")
    if errors:
        raise Bad("；".join(errors))
    return values


def import_openings(path: str | Path) -> Outcome:
    """Check the whole file, then upsert employers and openings (the caller commits)."""
    rows = _checked(read_rows(path, OPENING_HEADER), _opening)
    outcome = Outcome()
    employers = {e.name: e for e in Session.scalars(select(Employer))}
    for _, values in rows:
        name, email = values.pop("employer"), values.pop("employer_email")
        employer = employers.get(name)
        if employer is None:
            employer = employers[name] = Employer(name=name, email=email)
            Session.add(employer)
            Session.flush()
        elif email and employer.email != email:
            employer.email = email
        opening = Session.scalar(select(Opening).where(
            Opening.employer_id == employer.id, Opening.title == values["title"],
            Opening.district == values["district"],
            Opening.street == values["street"] if values["street"] else Opening.street.is_(None)))
        _keep(outcome, opening, values, lambda: Opening(employer_id=employer.id, **values))
    return outcome


def _keep(outcome, record, values: dict, make) -> None:
    """Add the row `make()` builds when `record` is None, else update what differs; counted."""
    if record is None:
        record = make()
        Session.add(record)
        Session.flush()
        outcome.added += 1
    elif _update(record, values):
        outcome.updated += 1
    else:
        outcome.unchanged += 1
    outcome.ids.append(record.id)


def _update(record, values: dict) -> bool:
    """Set what differs; True when anything did (so an unchanged row writes nothing)."""
    changed = False
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    return changed


# ---- seekers ------------------------------------------------------------------------------------

_ID = cell_reader("id_number")
_PHONE = cell_reader("phone")


def _seeker(row) -> dict:
    def id_number():
        return _parsed(row, "id_number", "身份证号码", _ID)

    def phone():
        return _parsed(row, "phone", "手机号码", _PHONE, required=False, hint="应为11位手机号")

    def sex():
        if row["sex"] and row["sex"].lower() not in SEX:
            raise Bad(f"性别（sex）请填 male/female 或 男/女，不是“{row['sex']}”")
        return SEX.get(row["sex"].lower())

    return _fields(row, (
        ("id_number", id_number),
        ("name", lambda: row["name"][:40] or _fail("姓名（name）不能为空")),
        ("phone", phone),
        ("email", lambda: _email(row, "email")),
        ("district", lambda: _district(row)),
        ("street", lambda: row["street"] or None),
        ("age", lambda: _int(row, "age", "年龄", low=16, high=120)),
        ("sex", sex),
        ("education", lambda: _education(row, "education")),
        ("occupation_code", lambda: _code(row, required=False)),
        ("wage_min", lambda: _int(row, "wage_min", "期望最低工资", high=1_000_000)),
        ("hours_per_week", lambda: _int(row, "hours_per_week", "每周工时", high=84)),
        ("registered_unemployed", lambda: _yesno(row, "registered_unemployed", "失业登记")),
        ("unemployed_since", lambda: _date(row, "unemployed_since", "失业日期")),
        ("graduate", lambda: _yesno(row, "graduate", "未就业毕业生")),
    ))


def kunnan_many(people: list[dict], today: date) -> list[bool]:
    """就业困难人员 by the rules (policy.assess_many), one situation per person. A registry row
    says nothing of 户籍 or disability: it is assessed as a Xiamen resident on the
    registered-unemployed, age and duration grounds, and as a 低保 household where the person
    is on the imported 低保 roll (`dibao_recipient`); staff or the chat add the rest."""
    if not people:
        return []
    situations = [{"date": today.isoformat(), "hukou_xiamen": True,
                   "dibao_recipient": bool(p.get("dibao_recipient")),
                   "members": [{"age": p["age"], "sex": p["sex"] or "male",
                                "registered_unemployed": bool(p["registered_unemployed"]),
                                "unemployed_months": p["unemployed_months"]}]} for p in people]
    answers = policy.assess_many(situations, programmes=("jiuye_kunnan",))
    return [0 in answer["programmes"]["jiuye_kunnan"]["members"] for answer in answers]


def dibao_roll(id_numbers: set[str]) -> set[str]:
    """Those of `id_numbers` whose household receives 低保 by the last imported roll
    (`registry import dibao_roll`): members of a 低保 household for 就业困难."""
    by_index = {pii.blind_index(number): number for number in id_numbers}
    return {by_index[fact.person_index] for fact in facts_of("dibao_roll", set(by_index))
            if fact.data.get("programme") == "dibao"}


def import_seekers(path: str | Path, today: date | None = None) -> Outcome:
    """Check the whole file, then upsert seekers by identity number (the caller commits)."""
    from review.routing import local_date
    from models import utcnow

    today = today or local_date(utcnow())
    rows = _checked(read_rows(path, SEEKER_HEADER), _seeker)
    refuse_repeats(rows)
    people = []
    on_roll = dibao_roll({values["id_number"] for _, values in rows})
    for _, values in rows:
        age = values.pop("age")
        born = birth_year(values["id_number"])
        people.append({"age": today.year - born if age is None else age, "sex": values["sex"],
                       "registered_unemployed": values["registered_unemployed"],
                       "unemployed_months": months_since(values["unemployed_since"], today),
                       "dibao_recipient": values["id_number"] in on_roll})
        values["birth_year"] = born
    verdicts = kunnan_many(people, today)
    outcome = Outcome()
    for (_, values), kunnan in zip(rows, verdicts):
        index = pii.blind_index(values["id_number"])
        values["jiuye_kunnan"] = kunnan
        seeker = Session.scalar(select(Seeker).where(Seeker.id_number_index == index))
        _keep(outcome, seeker, values, lambda: Seeker(
            id_number_index=index, source="import", prefer=["wechat", "sms", "email"], work_districts=[],
            household_id=Session.scalar(select(Member.household_id).where(Member.id_number_index == index).limit(1)),
            **values))
    return outcome
