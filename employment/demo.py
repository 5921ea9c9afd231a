"""Demo data for `make run`: employers, openings, seekers, their matches and the pushes.
Called once by webhook/demo.py (`seed()`); commits."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from forms.types import id_check_character
from models import Employer, Opening, Seeker, Session, pii, utcnow
from review.routing import local_date

OPENINGS = [
    # employer, title, code, district, street, wage min/max, public welfare, days ago
    ("鹭岛物业服务有限公司", "小区保洁员", "4-09-07", "思明区", "鹭江街道", 3000, 3600, False, 2),
    ("鹭岛物业服务有限公司", "小区保安员", "4-07-05", "思明区", "中华街道", 3500, 4200, False, 5),
    ("鹭江街道社区服务中心", "社区保洁（公益性岗位）", "4-09-07", "思明区", "鹭江街道", 2500, 2500, True, 1),
    ("厦门海悦酒店", "厨房帮工", "4-03-02", "湖里区", "江头街道", 3800, 4500, False, 3),
    ("集美电子科技有限公司", "电子装配普工", "6-25-01", "集美区", "杏林街道", 4500, 6000, False, 10),
    ("湖里快递配送站", "快递配送员", "4-02-07", "湖里区", "殿前街道", 5000, 8000, False, 4),
]
SEEKERS = [
    # n, name, sex, born, district, street, code, desired, wage, kunnan, prefer
    (1, "陈美玲", "female", "19780312", "思明区", "鹭江街道", "4-09-07", "保洁", 2800, True, ["wechat", "sms"]),
    (2, "林志强", "male", "19850605", "思明区", "中华街道", "4-07-05", "保安", 3500, False, ["sms", "email"]),
    (3, "黄丽华", "female", "19900921", "湖里区", "江头街道", "4-03-02", "厨房帮工", 3500, False, ["email"]),
    (4, "郑建国", "male", "19700118", "集美区", "杏林街道", "6-25-01", "普工", 4000, True, ["sms"]),
]


def _id(n: int, born: str) -> str:
    first = f"350203{born}{n + 900:03d}"
    return first + id_check_character(first)


def seed() -> None:
    if Session.scalar(select(Opening.id).limit(1)) is not None:
        return
    now = utcnow()
    today = local_date(now)
    employers: dict[str, Employer] = {}
    for name, title, code, district, street, low, high, welfare, days in OPENINGS:
        if name not in employers:
            employers[name] = Employer(name=name, email=f"hr{len(employers) + 1}@employer.example")
            Session.add(employers[name])
            Session.flush()
        Session.add(Opening(employer_id=employers[name].id, title=title, occupation_code=code, district=district,
                            street=street, wage_min=low, wage_max=high, public_welfare=welfare, positions=3,
                            valid_until=today + timedelta(days=60), created_at=now - timedelta(days=days),
                            description="五险一金，包工作餐。"))
    for n, name, sex, born, district, street, code, desired, wage, kunnan, prefer in SEEKERS:
        number = _id(n, born)
        Session.add(Seeker(id_number=number, id_number_index=pii.blind_index(number), name=name, sex=sex,
                           birth_year=int(born[:4]), phone=f"1391234{n:04d}",
                           email=f"seeker{n}@example.com" if "email" in prefer else None,
                           district=district, street=street, occupation_code=code, desired_work=desired,
                           wage_min=wage, hours_per_week=44, education="junior", registered_unemployed=True,
                           jiuye_kunnan=kunnan, prefer=prefer, work_districts=[], source="import"))
    Session.commit()
    from . import matching, pushes

    matching.recommend(now=now)
    Session.commit()
    for seeker_id in pushes.due_seekers(now):
        pushes.push_seeker(seeker_id, now)
        Session.commit()
