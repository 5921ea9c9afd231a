"""Builders shared by tests/review and tests/staff: applications in any state, staff of each
role, stored photos, and what the resident's phone shows."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path


import policy
from models import Application, MediaFile, Session, StaffUser, Transition, utcnow

PASSWORD = "a-long-test-password"
ID_NUMBER = "350203198001011234"
PHONE = "13812345678"

CHECKLIST = [
    {"id": "id_card", "title": "身份证", "count": 2, "members": [0, 1]},
    {"id": "hukou_book", "title": "户口簿", "count": 1},
    {"id": "income_proof", "title": "收入证明", "count": 1, "members": [0]},
]
# One adult without income and a child: eligible for 低保 under any rules in force.
SITUATION = {"hukou_xiamen": True, "members": [{"age": 40, "sex": "female", "monthly_income": 0},
                                               {"age": 10, "sex": "male", "student_stage": "primary"}]}

_hashes: dict[str, str] = {}


def make_staff(username: str = "reviewer1", role: str = "reviewer", district: str = "思明区",
               street: str | None = None, password: str = PASSWORD) -> StaffUser:
    from models import hash_password

    if password not in _hashes:  # argon2 is slow on purpose: hash each test password once
        _hashes[password] = hash_password(password)
    staff = StaffUser(username=username, role=role, district=district, street=street,
                      password_hash=_hashes[password])
    Session.add(staff)
    Session.commit()
    return staff


def make_application(state: str = "draft", openid: str = "o-resident", district: str = "思明区",
                     street: str = "鹭江街道", programme: str = "dibao", assigned_to: int | None = None,
                     days_ago: float = 0, **values) -> Application:
    """An application as the chat leaves it (draft), or put straight into `state` with a
    plausible history, as if it had got there through review."""
    fields = dict(openid=openid, programme=programme, form_id=programme, district=district, street=street,
                  applicant_name="陈小明", applicant_id_number=ID_NUMBER, applicant_phone=PHONE,
                  answers={"hukou_xiamen": True},
                  situation=SITUATION, checklist=CHECKLIST, state=state, assigned_to=assigned_to)
    fields.update(values)
    app = Application(**fields)
    if state != "draft":
        from review import routing

        app.submitted_at = utcnow() - timedelta(days=days_ago)
        app.deadline_at = routing.deadline_for(app.submitted_at)
        app.verdict = app.verdict or policy.assess(app.situation)
        app.transitions = [Transition(from_state="draft", to_state="submitted", actor="resident")]
        if state != "submitted":
            app.transitions.append(Transition(from_state="submitted", to_state=state, actor="system"))
        if state in ("approved", "rejected"):
            app.decided_at = utcnow()
        if state == "publicity":  # posted `days_ago` days ago for the 7 days of the rules
            app.publicity_from = app.submitted_at
            app.publicity_until = app.submitted_at + timedelta(days=7)
            app.decision_amount = app.decision_amount or (app.verdict["programmes"].get(programme) or {}).get(
                "monthly_benefit")
    Session.add(app)
    Session.commit()
    return app


def store_photo(app, openid: str = "o-resident", content: bytes | None = None) -> MediaFile:
    """A photo the resident sent, downloaded and stored where the channel stores it."""
    from webhook.demo import placeholder_png

    content = content or placeholder_png()
    digest = hashlib.sha256(content).hexdigest()
    relative = f"{digest[:2]}/{digest}.png"
    path = Path(app.config["APP_VAR_DIR"]) / "uploads" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    media = MediaFile(openid=openid, media_id=f"m-{digest[:8]}", state="stored", content_type="image/png",
                      size=len(content), sha256=digest, path=relative, stored_at=utcnow())
    Session.add(media)
    Session.commit()
    return media


def pending_photo(openid: str = "o-resident") -> MediaFile:
    """A photo whose download from WeChat has not finished yet."""
    media = MediaFile(openid=openid, media_id="m-pending")
    Session.add(media)
    Session.commit()
    return media


def reload(model, id_):
    """The row as the database has it now."""
    Session.remove()
    return Session.get(model, id_)


def texts(fake, openid: str = "o-resident") -> list[str]:
    """What the resident's phone shows: custom texts, and template messages by their data."""
    shown = []
    for message in fake.messages(openid):
        body = message["body"]
        if message["kind"] == "custom":
            shown.append(body["text"]["content"])
        else:
            shown.append(" ".join(item["value"] for item in body["data"].values()))
    return shown
