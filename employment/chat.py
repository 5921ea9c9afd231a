"""What the 112 service says in the chat: after 求职登记, on 推荐岗位, and to "感兴趣 12" /
"不合适 12". Plain text from employment/templates/; the bot wraps it in its reply (employment
never imports bot). A job is named by its number, the opening's id, as in the pushed digests.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from models import Employer, Opening, Recommendation, Seeker, Session, pii, utcnow

from . import data, matching, pushes

# "感兴趣", "感兴趣 12", "感兴趣12号", "对12号岗位感兴趣" is not taken: a reply starts with the word.
RESPONSE = re.compile(r"^\s*(感兴趣|不合适)\s*(?:第)?\s*(\d{1,9})?\s*(?:号)?\s*(?:岗位)?\s*[。.!！]?\s*$")
RESPONSES = {"感兴趣": "interested", "不合适": "not_suitable"}
CHANNEL_WORDS = {"wechat": "微信消息", "sms": "手机短信", "email": "电子邮件"}
EMPLOYER_PURPOSE = "employer"


def seeker_for(openid: str) -> Seeker | None:
    """The seeker this WeChat user registered (the latest, if they registered more than one)."""
    return Session.scalar(select(Seeker).where(Seeker.openid == openid, Seeker.active.is_(True))
                          .order_by(Seeker.updated_at.desc(), Seeker.id.desc()).limit(1))


def _items(pairs) -> list[dict]:
    return [{"number": opening.id, "title": opening.title, "employer": opening.employer.name,
             "district": opening.district, "street": opening.street, "wage": pushes.wage_text(opening),
             "public_welfare": opening.public_welfare, "reason": rec.reason,
             "interested": rec.response == "interested"} for rec, opening in pairs]


def registered(seeker: Seeker) -> str:
    """The reply to a finished 求职登记: what happens next, how pushes come, how to stop."""
    prefer = list(seeker.prefer or ["wechat"])
    return pushes.render("registered.txt", channel=CHANNEL_WORDS.get(prefer[0], "微信消息"),
                         sms=prefer[0] == "sms", email=prefer[0] == "email",
                         matches=len(matching.current_matches(seeker.id)),
                         occupation=data.occupation_name(seeker.occupation_code),
                         kunnan=seeker.jiuye_kunnan)


def current(openid: str) -> str:
    """推荐岗位: the seeker's current matches, each with its reason and how to answer."""
    seeker = seeker_for(openid)
    if seeker is None:
        return pushes.render("not_registered.txt")
    items = _items(matching.current_matches(seeker.id))
    return pushes.render("jobs_current.txt", items=items)


def respond(openid: str, text: str, now=None) -> str | None:
    """"感兴趣 12" / "不合适 12" / "感兴趣" (the latest push): recorded on the recommendation;
    感兴趣 tells the employer at once, with the seeker's name and phone. None when `text` is not
    such an answer. Commits when the employer is told (channels.push.send does)."""
    found = RESPONSE.match(text or "")
    if found is None:
        return None
    word, number = found.group(1), found.group(2)
    seeker = seeker_for(openid)
    if seeker is None:
        return pushes.render("not_registered.txt")
    if number is None:
        latest = _latest_pushed(seeker.id)
        if len(latest) != 1:
            return pushes.render("respond_which.txt", word=word, items=_items(latest) if latest else
                                 _items(matching.current_matches(seeker.id)))
        rec, opening = latest[0]
    else:
        pair = Session.execute(select(Recommendation, Opening).join(Opening, Opening.id == Recommendation.opening_id)
                               .where(Recommendation.seeker_id == seeker.id,
                                      Recommendation.opening_id == int(number))).first()
        if pair is None:
            return pushes.render("respond_unknown.txt", number=number)
        rec, opening = pair
    now = now or utcnow()
    response = RESPONSES[word]
    if rec.response != response:
        rec.response, rec.responded_at = response, now
    Session.flush()
    if response == "interested":
        told = tell_employer(seeker, rec, opening)
        return pushes.render("interested.txt", title=opening.title, employer=opening.employer.name,
                             told=told, phone=pii.mask(seeker.phone))
    return pushes.render("not_suitable.txt", title=opening.title)


def _latest_pushed(seeker_id: int) -> list[tuple[Recommendation, Opening]]:
    """The recommendations the seeker's latest push carried."""
    latest = Session.scalar(select(Recommendation.delivery_id).where(
        Recommendation.seeker_id == seeker_id, Recommendation.delivery_id.is_not(None))
        .order_by(Recommendation.pushed_at.desc(), Recommendation.id.desc()).limit(1))
    if latest is None:
        return []
    return [(rec, opening) for rec, opening in Session.execute(
        select(Recommendation, Opening).join(Opening, Opening.id == Recommendation.opening_id)
        .where(Recommendation.seeker_id == seeker_id, Recommendation.delivery_id == latest)
        .order_by(Recommendation.score.desc())).all()]


def candidate(seeker: Seeker, today, whole: bool) -> dict:
    """What an employer reads of a candidate: masked (surname + 某, age band, street, skills),
    or whole (name and phone) once the seeker said 感兴趣."""
    age = today.year - seeker.birth_year if seeker.birth_year else None
    band = f"{age // 10 * 10}–{age // 10 * 10 + 9}岁" if age is not None else "未知"
    return {"name": (seeker.name or "") if whole else (seeker.name[0] + "某" if seeker.name else "某"),
            "age_band": band, "district": seeker.district, "street": seeker.street or "",
            "skills": "、".join(x for x in (seeker.desired_work, data.occupation_name(seeker.occupation_code)) if x),
            "education": data.EDUCATION_LABELS.get(seeker.education or "", ""),
            "phone": (seeker.phone or "") if whole else "", "email": (seeker.email or "") if whole else "",
            "interested": whole}


def tell_employer(seeker: Seeker, rec: Recommendation, opening: Opening) -> bool:
    """An email (SMS when the employer gave only a phone) that this seeker wants the job, once
    per recommendation. False when the employer has no contact on record."""
    from channels import push
    from review.routing import local_date

    employer: Employer = opening.employer
    if not employer.email and not employer.phone:
        return False
    person = candidate(seeker, local_date(utcnow()), whole=True)
    text = pushes.render("employer_interest.txt", employer=employer.name, title=opening.title,
                         number=opening.id, person=person)
    subject = pushes.render("employer_interest_subject.txt", title=opening.title, person=person)
    push.send(push.Contact(email=employer.email, phone=employer.phone, prefer=("email", "sms"), name=employer.name),
              purpose=EMPLOYER_PURPOSE, text=text, subject=subject, dedupe_key=f"interest:{rec.id}")
    return True
