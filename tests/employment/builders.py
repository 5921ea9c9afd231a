"""Seekers, employers and openings for the 112 tests, and files to import."""
from __future__ import annotations

import csv
from datetime import date, timedelta

from forms.types import id_check_character
from models import Employer, Opening, Seeker, Session, pii, utcnow


def id_number(n: int, born: str = "19800101", region: str = "350203") -> str:
    first = f"{region}{born}{n:03d}"
    return first + id_check_character(first)


def make_employer(name: str = "鹭岛物业公司", email: str = "hr@ludao.example") -> Employer:
    employer = Session.query(Employer).filter_by(name=name).one_or_none()
    if employer is None:
        employer = Employer(name=name, email=email)
        Session.add(employer)
        Session.flush()
    return employer


def make_opening(title: str = "小区保洁员", code: str = "4-09-07", district: str = "思明区", street: str = "鹭江街道",
                 days_ago: float = 0, employer: Employer | None = None, **values) -> Opening:
    employer = employer or make_employer()
    values.setdefault("wage_min", 3000)
    values.setdefault("wage_max", 3500)
    values.setdefault("valid_until", date.today() + timedelta(days=30))
    opening = Opening(employer_id=employer.id, title=title, occupation_code=code, district=district, street=street,
                      created_at=utcnow() - timedelta(days=days_ago), **values)
    Session.add(opening)
    Session.commit()
    return opening


def make_seeker(n: int = 1, name: str = "陈美玲", district: str = "思明区", street: str = "鹭江街道",
                code: str | None = "4-09-07", **values) -> Seeker:
    number = values.pop("id_number", None) or id_number(n)
    values.setdefault("birth_year", int(number[6:10]))
    values.setdefault("wage_min", 3000)
    values.setdefault("prefer", ["wechat", "sms", "email"])
    values.setdefault("work_districts", [])
    seeker = Seeker(id_number=number, id_number_index=pii.blind_index(number), name=name, district=district,
                    street=street, occupation_code=code, **values)
    Session.add(seeker)
    Session.commit()
    return seeker


def write_csv(path, header: str, rows: list[list], bom: bool = False) -> str:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header.split(","))
        writer.writerows(rows)
    return str(path)


OPENINGS_HEADER = ("employer,employer_email,title,occupation_code,district,street,address,wage_min,wage_max,"
                   "hours_per_week,education_min,age_min,age_max,public_welfare,positions,valid_until,description")
SEEKERS_HEADER = ("id_number,name,phone,email,district,street,age,sex,education,occupation_code,wage_min,"
                  "hours_per_week,registered_unemployed,unemployed_since,graduate")


def opening_row(title="小区保洁员", code="4-09-07", district="思明区", street="鹭江街道", wage_min="3000",
                public_welfare="否", valid_until=None, **over):
    valid_until = valid_until or (date.today() + timedelta(days=60)).isoformat()
    row = {"employer": "鹭岛物业公司", "employer_email": "hr@ludao.example", "title": title,
           "occupation_code": code, "district": district, "street": street, "address": "鹭江道1号",
           "wage_min": wage_min, "wage_max": "3800", "hours_per_week": "40", "education_min": "初中",
           "age_min": "18", "age_max": "55", "public_welfare": public_welfare, "positions": "2",
           "valid_until": valid_until, "description": "包午餐"}
    row.update(over)
    return [row[h] for h in OPENINGS_HEADER.split(",")]


def seeker_row(n=1, name="陈美玲", **over):
    row = {"id_number": id_number(n), "name": name, "phone": "13812345678", "email": "chen@example.com",
           "district": "思明区", "street": "鹭江街道", "age": "", "sex": "女", "education": "junior",
           "occupation_code": "4-09-07", "wage_min": "3000", "hours_per_week": "40",
           "registered_unemployed": "是", "unemployed_since": "2025-01-10", "graduate": "否"}
    row.update(over)
    return [row[h] for h in SEEKERS_HEADER.split(",")]
