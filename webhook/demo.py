"""Demo data for a first look: staff of each role and a few households."""
from __future__ import annotations

from sqlalchemy import select

from models import CITY, Household, Member, Session, StaffUser, hash_password

DEMO_PASSWORD = "yitang-demo-2026"
LOGIN_HINT = f"demo logins: reviewer / caseworker / admin, password {DEMO_PASSWORD}"

STAFF = (
    ("reviewer", "reviewer", "思明区", None),
    ("caseworker", "caseworker", "思明区", "鹭江街道"),
    ("admin", "admin", CITY, None),
)

HOUSEHOLDS = (
    ("思明区", "鹭江街道", [("户主", "male", 1979), ("配偶", "female", 1981), ("子女", "female", 2004)]),
    ("湖里区", "殿前街道", [("户主", "female", 1950)]),
)


def seed() -> bool:
    """Create the demo records unless they exist; True when something was created."""
    if Session.scalar(select(StaffUser).where(StaffUser.username == "reviewer")):
        return False
    password_hash = hash_password(DEMO_PASSWORD)
    for username, role, district, street in STAFF:
        Session.add(StaffUser(username=username, role=role, district=district, street=street,
                              password_hash=password_hash))
    for district, street, people in HOUSEHOLDS:
        household = Household(district=district, street=street)
        household.members = [
            Member(position=i, relation=relation, sex=sex, birth_year=year)
            for i, (relation, sex, year) in enumerate(people)
        ]
        Session.add(household)
    Session.commit()
    return True
