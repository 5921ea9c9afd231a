"""A job seeker registering in the chat (the 求职登记 form, forms/definitions/jiuye.yaml).

Registering is not an application for review: it makes (or updates) the one Seeker of that
person, found by the blind index of the identity number, matches them at once against the
openings there are, and sends the first digest. Registering again updates the record and
sends only what is new (recommendations are unique per seeker and opening, and the digest's
dedupe key is fixed by what it carries), so a message handled twice changes nothing more.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from models import Resident, Seeker, Session, pii, utcnow

from . import data, matching, pushes

CHANNELS = ("wechat", "sms", "email")


def _months_before(today: date, months: int) -> date:
    """The same day `months` months earlier (the 1st when the month is shorter)."""
    total = today.year * 12 + today.month - 1 - months
    year, month = divmod(total, 12)
    try:
        return date(year, month + 1, today.day)
    except ValueError:
        return date(year, month + 1, 1)


def _prefer(chosen: str | None) -> list[str]:
    """The channel the seeker chose first; the others after it, as fallbacks if it fails."""
    first = [chosen] if chosen in CHANNELS else []
    return first + [c for c in CHANNELS if c not in first]


def _kunnan(verdict: dict) -> bool:
    members = ((verdict or {}).get("programmes") or {}).get("jiuye_kunnan", {}).get("members") or []
    return 0 in members  # the form is about one person: the applicant is member 0


def seeker_values(openid: str, answers: dict, verdict: dict, today: date) -> dict:
    """The Seeker's columns from the form's answers (field ids of jiuye.yaml)."""
    id_number = str(answers["id_number"]).strip().upper()
    months = answers.get("unemployed_months")
    code = data.code_for_words(answers.get("desired_work")) or data.code_for_words(answers.get("skills"))
    return {
        "id_number": id_number,
        "name": answers.get("name"),
        "phone": answers.get("phone"),
        "email": answers.get("email") or None,
        "openid": openid,
        "district": answers["district"],
        "birth_year": int(id_number[6:10]),
        "sex": answers.get("sex"),
        "education": answers.get("education"),
        "occupation_code": code,
        "desired_work": (answers.get("desired_work") or "")[:100] or None,
        # The form asks neither yet; taken when a later version of it does.
        "wage_min": answers.get("wage_min"),
        "hours_per_week": answers.get("hours_per_week"),
        "work_districts": list(answers.get("work_districts") or []),
        "public_welfare_ok": answers.get("public_welfare") is not False,
        "registered_unemployed": bool(answers.get("registered_unemployed")),
        "unemployed_since": _months_before(today, int(months)) if months else None,
        "graduate": bool(answers.get("graduate")),
        "jiuye_kunnan": _kunnan(verdict),
        "prefer": _prefer(answers.get("contact")),
        "active": True,
    }


def register_from_chat(openid: str, answers: dict, verdict: dict, now: datetime | None = None) -> Seeker:
    """Create or update the seeker, match them, and queue their first digest (if anything
    matches). The digest's push commits (channels.push.send does), with the seeker."""
    from review.routing import local_date

    now = now or utcnow()
    if not answers.get("id_number") or not answers.get("district"):
        raise ValueError("a 求职登记 needs the answers id_number and district")
    values = seeker_values(openid, answers, verdict, local_date(now))
    index = pii.blind_index(values["id_number"])
    resident = Session.scalar(select(Resident).where(Resident.openid == openid))
    # Only the resident's own household: a typed identity number never joins one (README).
    household = resident.household if resident is not None else None
    values["street"] = answers.get("street") or (
        household.street if household is not None and household.district == values["district"] else None)
    seeker = Session.scalar(select(Seeker).where(Seeker.id_number_index == index))
    if seeker is None:
        seeker = Seeker(id_number_index=index, source="chat", **values)
        Session.add(seeker)
    else:
        for key, value in values.items():
            if key == "street" and value is None:
                continue  # keep a street staff or the registry gave
            if getattr(seeker, key) != value:
                setattr(seeker, key, value)
    if household is not None:
        seeker.household_id = household.id
    Session.flush()
    matching.for_seeker(seeker.id, now)
    Session.flush()
    pushes.push_seeker(seeker.id, now)
    return seeker
