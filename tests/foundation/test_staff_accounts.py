"""`create-staff` makes console accounts with argon2 hashes; PII is never stored in clear."""
from sqlalchemy import select, text

from models import Household, Member, Resident, Session, StaffUser, db, pii, verify_password
from tests.conftest import run_flask


def test_create_staff_command(app):
    result = run_flask("create-staff", "lin", "--role", "reviewer", "--district", "湖里区",
                       "--password", "a-long-password")
    assert result.returncode == 0, result.stderr
    user = Session.scalar(select(StaffUser).where(StaffUser.username == "lin"))
    assert user.role == "reviewer" and user.district == "湖里区"
    assert user.password_hash.startswith("$argon2")
    assert verify_password(user.password_hash, "a-long-password")
    assert not verify_password(user.password_hash, "wrong-password")


def test_create_staff_refuses_unknown_district_and_duplicates(app):
    bad = run_flask("create-staff", "wu", "--role", "reviewer", "--district", "火星区", "--password", "a-long-password")
    assert bad.returncode != 0 and "火星区" in bad.stderr
    ok = run_flask("create-staff", "wu", "--role", "caseworker", "--district", "思明区", "--password", "a-long-password")
    assert ok.returncode == 0, ok.stderr
    again = run_flask("create-staff", "wu", "--role", "caseworker", "--district", "思明区", "--password", "a-long-password")
    assert again.returncode != 0 and "already exists" in again.stderr


def test_identity_and_phone_are_encrypted_at_rest(app):
    household = Household(district="思明区", street="鹭江街道", address="厦门市思明区某路1号")
    household.members = [Member(name="陈小明", id_number="350203198001011234",
                                id_number_index=pii.blind_index("350203198001011234"))]
    Session.add(household)
    Session.add(Resident(openid="o-test", phone="13812345678", household=household))
    Session.commit()
    with db.engine().connect() as conn:
        raw = " ".join(str(row) for table in ("members", "residents", "households")
                       for row in conn.execute(text(f"SELECT * FROM {table}")))
    for secret in ("350203198001011234", "13812345678", "陈小明", "某路1号"):
        assert secret not in raw
    Session.expire_all()
    member = Session.scalar(select(Member).where(Member.id_number_index == pii.blind_index("350203198001011234")))
    assert member.id_number == "350203198001011234"
    assert pii.mask(member.id_number) == "350***********1234"
