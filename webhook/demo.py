"""Demo data for a first look: staff of each role, a few households, and applications in
several states and districts for the console."""
from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from models import (CITY, Application, ApplicationDocument, Clue, Escalation, Household, MediaFile, Member,
                    Session, StaffUser, Transition, hash_password, utcnow)

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
    from employment import demo as employment_demo

    created = _seed_staff_and_households()
    created = _seed_applications() or created
    return employment_demo.seed() or created  # openings, seekers and pushes for the 112 pages


def _seed_staff_and_households() -> bool:
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


# ---- applications for the console -----------------------------------------------------------

DEMO_OPENID = "demo-resident-{}"
# The worked example of docs/domain.md: three people, one earning 2500, medical spending 3600.
SITUATION = {
    "date": "2019-08-15", "hukou_xiamen": True, "annual_medical_expense": 3600, "financial_assets": 20000,
    "members": [{"age": 45, "sex": "male", "employed": True, "monthly_income": 2500},
                {"age": 43, "sex": "female", "employed": False, "monthly_income": 0},
                {"age": 15, "sex": "female", "employed": False, "monthly_income": 0, "student_stage": "junior"}],
}
VERDICT = {
    "assessed_month": "2019-08", "rules_version": "demo",
    "programmes": {"dibao": {"eligible": True, "monthly_benefit": 710.0, "standard": 800},
                   "weifang": {"eligible": True, "subsidy": 120000},
                   "jiaoyu": {"eligible": True, "students": [2]}},
    "explanation": ["家庭月收入2500元，扣除就业成本510元（最低工资1700元的30%，2018-03-23起）和刚性支出300元，"
                    "人均563.33元，低于低保标准800元（2019-07-01起）。",
                    "每月补差：(800 − 563.33) × 3人 = 710.00元。"],
}
CHECKLIST = [
    {"id": "id_card", "title": "身份证", "count": 2, "members": [0, 1]},
    {"id": "hukou_book", "title": "户口簿", "count": 1},
    {"id": "income_proof", "title": "收入证明", "count": 1, "members": [0]},
    {"id": "medical_receipts", "title": "近12个月的医疗费用票据", "count": 1},
    {"id": "property_declaration", "title": "家庭财产申报表（签字）", "count": 1},
]
# (n, district, street, programme, state, days since submission, name)
APPLICATIONS = (
    (1, "思明区", "鹭江街道", "dibao", "submitted", 2, "陈小明"),
    (2, "思明区", "鹭江街道", "dibao", "in_review", 10, "林美华"),
    (3, "思明区", "中华街道", "weifang", "need_documents", 20, "黄志强"),
    (4, "思明区", "鹭江街道", "jiaoyu", "approved", 35, "吴丽娟"),
    (5, "思明区", "厦港街道", "dibao", "in_review", 60, "郑国平"),
    (6, "湖里区", "殿前街道", "tekun", "submitted", 5, "许阿婆"),
    (7, "集美区", "灌口镇", "dibao", "rejected", 40, "蔡建国"),
)


def _seed_applications() -> bool:
    from review import routing

    if Session.scalar(select(Application.id).where(Application.openid == DEMO_OPENID.format(1))):
        return False
    reviewer = Session.scalar(select(StaffUser).where(StaffUser.username == "reviewer"))
    now = utcnow()
    photo = _demo_photo()
    for n, district, street, programme, state, days, name in APPLICATIONS:
        submitted = now - timedelta(days=days)
        app = Application(
            openid=DEMO_OPENID.format(n), programme=programme, form_id=programme, state=state,
            district=district, street=street, applicant_name=name,
            applicant_id_number=f"35020319{70 + n}0101{n:03d}X", applicant_phone=f"1380000{n:04d}",
            answers={"hukou_xiamen": True}, situation=SITUATION, verdict=VERDICT, rules_version="demo",
            checklist=CHECKLIST, submitted_at=submitted, deadline_at=routing.deadline_for(submitted),
            assigned_to=reviewer.id if state not in ("submitted",) and district == "思明区" else None)
        if state in ("approved", "rejected"):
            app.decided_at = submitted + timedelta(days=days // 2)
            app.decision_amount = 4000 if state == "approved" else None
            app.decision_reason = "家庭人均收入高于低保标准。" if state == "rejected" else None
        path = ["draft", "submitted"] + {"in_review": ["in_review"], "need_documents": ["in_review", "need_documents"],
                                         "approved": ["in_review", "approved"],
                                         "rejected": ["in_review", "rejected"]}.get(state, [])
        app.transitions = [Transition(from_state=a, to_state=b, actor="resident" if b == "submitted" else "system",
                                      at=submitted, reason="演示数据") for a, b in zip(path, path[1:])]
        app.documents = [ApplicationDocument(item_id="id_card", member=0, media_file_id=photo.id, state="received")]
        if state == "need_documents":
            app.documents += [ApplicationDocument(item_id="hukou_book", state="requested", note="请拍清楚户主页"),
                              ApplicationDocument(item_id="income_proof", member=0, state="requested",
                                              note="请拍清楚户主页")]
        Session.add(app)
    Session.add(Escalation(openid=DEMO_OPENID.format(2), district="思明区", kind="human",
                           reason="居民说看不懂要交哪些材料，想找人问问",
                           transcript=[{"from": "居民", "text": "人工"}]))
    Session.add(Clue(district="思明区", street="鹭江街道", description="鹭江街道某小区一位独居老人，腿脚不便，很久没人照看。",
                     urgency="urgent", reporter_phone="13900000001"))
    Session.commit()
    return True


def _demo_photo() -> MediaFile:
    """A stored placeholder photo, so the console shows a document as it will look."""
    content = placeholder_png()
    digest = hashlib.sha256(content).hexdigest()
    relative = f"{digest[:2]}/{digest}.png"
    path = Path(current_app.config["APP_VAR_DIR"]) / "uploads" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    media = MediaFile(openid=DEMO_OPENID.format(1), media_id="demo-photo", state="stored", content_type="image/png",
                      size=len(content), sha256=digest, path=relative, stored_at=utcnow())
    Session.add(media)
    Session.flush()
    return media


def placeholder_png(width: int = 240, height: int = 150, rgb: tuple[int, int, int] = (120, 160, 200)) -> bytes:
    """A plain PNG of one colour with a darker band, made without an imaging library."""
    rows = b"".join(b"\x00" + bytes(rgb if not height // 3 < y < 2 * height // 3 else
                                    tuple(c // 2 for c in rgb)) * width for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))
