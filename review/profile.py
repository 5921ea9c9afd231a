"""One household, one profile: what a family told us once, read and written by every form.

The profile is kept on the household (`Household.profile`, sealed) in the forms' own answer
shape, the shape of the `household` and `applicant` fragments of forms/definitions:

    {"answers": {"hukou_xiamen": true, "members": [{"age": 45, "relation": null, ...}], ...,
                 "name": "…", "phone": "…", "district": "思明区"},
     "updated_at": {"hukou_xiamen": "2026-03-01T08:00:00", "members": "…", "members.0.age": "…"}}

Those fragments stay the one list of fields: the profile holds exactly their ids, and a
form's own fields of the same id (the 112 form's `age`, `sex`, `disabled` are the first
member's) are read and written through them. Each changed answer is recorded in
`household_changes` with who changed it and when.

Linking a WeChat user to a family is verified, never typed: `link_request` needs the name,
the identity number and a phone number the household already gave, all matching; or staff
confirm it on the household page (`confirm_link`). Until then the user's answers stay in a
household of their own.
"""
from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import yaml
from sqlalchemy import select

import forms
from forms.registry import DEFINITIONS
from models import (Application, ApplicationDocument, Household, HouseholdChange, HouseholdLink, Member,
                    Resident, Session, StaffUser, db, pii, utcnow)
from policy.situation import local_today

from . import access, audit, labels
from .casefile import DOCUMENT_STATES
from .errors import NotAllowed, ReviewError

# The fragments whose fields make the profile, in the order forms ask them.
FRAGMENTS = ("household", "applicant")
GROUP = "members"

# How long an answer stays true enough not to ask again. Income and what the income test
# deducts (notice 二㈠) change often: after about 6 months they are asked again. A key not
# listed never goes stale by age (a member's age is moved on by the years passed instead).
INCOME_FRESH_FOR = timedelta(days=183)
FRESH_FOR = {
    "members[].employed": INCOME_FRESH_FOR,
    "members[].monthly_income": INCOME_FRESH_FOR,
    "monthly_support_received": INCOME_FRESH_FOR,
    "annual_medical_expense": INCOME_FRESH_FOR,
    "annual_education_expense": INCOME_FRESH_FOR,
    "financial_assets": INCOME_FRESH_FOR,
}
# "去年领过多少救助": true for the calendar year it was given in.
LAST_YEAR = frozenset({"prior_year_medical_aid", "prior_year_education_aid"})

# Failed checks of one WeChat user against one household before only staff can link them:
# a stranger who knows the identity number cannot try phone numbers one by one.
MAX_LINK_ATTEMPTS = 3

# Answers that are personal data: sealed in the profile, masked on screens.
PERSONAL = frozenset({"name", "id_number", "phone", "address"})


# ---- the profile's fields, from the forms -------------------------------------------------------

@functools.cache
def profile_form() -> forms.Form:
    """A form made of the fragments' fields, compiled as the forms compile them."""
    ids = []
    for name in FRAGMENTS:
        raw = yaml.safe_load((DEFINITIONS / f"_{name}.yaml").read_text(encoding="utf-8"))
        ids += [item["id"] for item in raw["fields"]]
    source = next(form for form in forms.all_forms() if set(ids) <= {f.id for f in form.fields})
    by_id = {f.id: f for f in source.fields}
    return forms.Form("profile", "家庭情况", None, tuple(by_id[i] for i in ids))


def _fields() -> dict:
    return {f.id: f for f in profile_form().fields}


def _member_fields() -> dict:
    return {f.id: f for f in _fields()[GROUP].fields}


def _rule_key(path: str) -> str:
    """"members.2.monthly_income" → "members[].monthly_income", as FRESH_FOR names keys."""
    parts = path.split(".")
    return f"{parts[0]}[].{parts[2]}" if len(parts) == 3 else path


def _flat(answers: dict) -> dict:
    """{path: value}: a group counts as its length under its own id."""
    out = {}
    for key, value in answers.items():
        if key == GROUP and isinstance(value, list):
            out[GROUP] = len(value)
            for i, member in enumerate(value):
                for inner, v in (member or {}).items():
                    out[f"{GROUP}.{i}.{inner}"] = v
        else:
            out[key] = value
    return out


def _stored(household: Household) -> dict:
    profile = household.profile or {}
    return {"answers": copy.deepcopy(profile.get("answers") or {}),
            "updated_at": dict(profile.get("updated_at") or {})}


def _stale(path: str, stamp: str | None, today: date) -> bool:
    if stamp is None:
        return True
    at = datetime.fromisoformat(stamp)
    if path in LAST_YEAR:
        return at.year != today.year
    fresh_for = FRESH_FOR.get(_rule_key(path))
    return fresh_for is not None and datetime.combine(today, datetime.min.time()) - at > fresh_for


def _years_since(stamp: str | None, today: date) -> int:
    if not stamp:
        return 0
    at = datetime.fromisoformat(stamp).date()
    return today.year - at.year - ((today.month, today.day) < (at.month, at.day))


def _current(stored: dict, today: date) -> dict:
    """The stored answers as of today: ages moved on by the whole years since they were given."""
    answers = copy.deepcopy(stored["answers"])
    for i, member in enumerate(answers.get(GROUP) or []):
        if isinstance(member.get("age"), int):
            age = member["age"] + _years_since(stored["updated_at"].get(f"{GROUP}.{i}.age"), today)
            member["age"] = min(age, _member_fields()["age"].max or age)
    return answers


# ---- reading ------------------------------------------------------------------------------------

def profile_answers(household: Household | None, today: date | None = None) -> dict:
    """The household's answers in the forms' shape, only those still fresh (see FRESH_FOR):
    a stale answer is left out, so a form walking these answers asks it again."""
    if household is None or not household.profile:
        return {}
    today = today or local_today()
    stored = _stored(household)
    answers = _current(stored, today)
    stamps = stored["updated_at"]
    if GROUP in answers and GROUP not in stamps:
        answers.pop(GROUP)  # nobody said how many live together: a household form asks
    for i, member in enumerate(answers.get(GROUP) or []):
        for key in list(member):
            path = f"{GROUP}.{i}.{key}"
            if _stale(path, stamps.get(path), today):
                member.pop(key)
    for key in [k for k in answers if k != GROUP]:
        if _stale(key, stamps.get(key), today):
            answers.pop(key)
    return answers


def stale_keys(household: Household | None, today: date | None = None) -> list[str]:
    """What the profile holds but will be asked again, as paths ("members.0.monthly_income")."""
    if household is None or not household.profile:
        return []
    today = today or local_today()
    stored = _stored(household)
    return sorted(path for path in _flat(stored["answers"])
                  if path != GROUP and _stale(path, stored["updated_at"].get(path), today))


def _household_of():
    from sqlalchemy import bindparam

    return select(Resident.household_id).where(Resident.openid == bindparam("openid"))


_HOUSEHOLD_OF = _household_of()  # built once: the chat asks at every form it starts


def household_of(openid: str) -> Household | None:
    """The household this WeChat user is a verified account of (their own first
    application made it, or a check or staff linked them), else None. Most residents who
    start a form have none: one indexed lookup of an id, the household loaded only then."""
    household_id = db.lookup(_HOUSEHOLD_OF, {"openid": openid})
    return Session.get(Household, household_id) if household_id is not None else None


def prefill(form_id: str, answers: dict) -> dict:
    """The profile's `answers` as answers of form `form_id`: what that form asks and the
    profile knows, each checked by the form's own field (a value the form would not take is
    left out, so it is asked). A form's top-level field named like a member's field (the
    112 form's `age`) is the first member's."""
    form = forms.get(form_id)
    members = answers.get(GROUP) if isinstance(answers.get(GROUP), list) else []
    first = members[0] if members else {}
    out = {}
    for f in form.fields:
        if f.id in answers and f.id in _fields():
            value = answers[f.id]
        elif f.id in first and f.id in _member_fields():
            value = first[f.id]
        else:
            continue
        if f.type == "group":
            if isinstance(value, list) and len(value) >= (f.min or 0):
                out[f.id] = [_checked_member(f, member) for member in value]
            continue
        ok, checked = _checked(f, value)
        if ok:
            out[f.id] = checked
    return forms.prune(form, out)


def _checked(f, value) -> tuple[bool, object]:
    if value is None:
        return (not f.required), None  # skipped before: skipped again, where it may be
    try:
        return True, forms.parse_answer(f, value)
    except forms.AnswerError:
        return False, None


def _checked_member(group, member: dict) -> dict:
    out = {}
    for inner in group.fields:
        if inner.id in member:
            ok, value = _checked(inner, member[inner.id])
            if ok:
                out[inner.id] = value
    return out


# ---- writing ------------------------------------------------------------------------------------

def remember(household: Household, form_id: str, answers: dict, who: str, now: datetime | None = None) -> list:
    """Write the answers of form `form_id` into the household's profile; every answer that
    changed is recorded (household_changes) as changed by `who` ("resident:<openid>",
    "staff:<username>"). Returns the changes added. The caller commits."""
    now = now or utcnow()
    form = forms.get(form_id)
    stored = _stored(household)
    before = _current(stored, now.date())
    had_group = GROUP in stored["updated_at"]
    after = copy.deepcopy(before)
    written = set()
    first = {}
    for f in form.fields:
        if f.id not in answers:
            continue
        value = copy.deepcopy(answers[f.id])
        if f.id in _fields() and (f.type == "group") == (_fields()[f.id].type == "group"):
            if f.type == "group" or _checked(_fields()[f.id], value)[0]:
                after[f.id] = value
                written |= set(_flat({f.id: value}))
        elif f.id in _member_fields() and _checked(_member_fields()[f.id], value)[0]:
            first[f.id] = value
    if first and (had_group or GROUP in written):
        # A form about one person (112) updates the first member of a known household; it
        # does not say how many live together, so it never makes the household up.
        after[GROUP][0].update(first)
        written |= {f"{GROUP}.0.{key}" for key in first}
    after = forms.prune(profile_form(), after) if GROUP in after else after
    old, new = _flat(before), _flat(after)
    stamps = stored["updated_at"]
    changes = []
    if not stored["answers"]:
        # The first registration is one entry, not one per answer: nothing was changed yet.
        changes.append(HouseholdChange(household_id=household.id, key="registered", old=None,
                                       new=form.title, who=who, at=now))
        old = new
    for path in sorted(set(old) | set(new), key=_order):
        if path in new and path not in written and path not in old:
            continue
        if old.get(path) != new.get(path) or (path in old) != (path in new):
            changes.append(HouseholdChange(household_id=household.id, key=path, old=old.get(path),
                                           new=new.get(path), who=who, at=now))
    for path in list(stamps):
        if path not in new:
            stamps.pop(path)  # no longer applies (a member left, a child stopped school)
    for path in new:
        if path.endswith(".age"):
            written.add(path)  # `after` holds each age as of today, so it is dated today
    for path in written & set(new):
        unchanged = path in old and old[path] == new[path]
        if unchanged and _rule_key(path) in FRESH_FOR | dict.fromkeys(LAST_YEAR) \
                and not _stale(path, stamps.get(path), now.date()):
            continue  # confirmed, not re-asked: its 6 months still run from when it was given
        stamps[path] = now.isoformat(timespec="seconds")
    household.profile = {"answers": after, "updated_at": stamps}
    _sync_members(household, after)
    for change in changes:
        Session.add(change)
    return changes


def _order(path: str):
    parts = path.split(".")
    return (parts[0] != GROUP, parts[0], int(parts[1]) if len(parts) == 3 else -1, path)


def _sync_members(household: Household, answers: dict) -> None:
    """The member rows follow the profile (relation, sex, birth year): staff lists and the
    signatures read them. Rows are added, never deleted here: other records point at them."""
    this_year = local_today().year
    relations = {o.value: o.label for o in _member_fields()["relation"].options}
    rows = {m.position: m for m in household.members}
    for i, member in enumerate(answers.get(GROUP) or []):
        row = rows.get(i)
        if row is None:
            row = Member(position=i)
            household.members.append(row)
        row.relation = "申请人" if i == 0 else relations.get(member.get("relation"), row.relation)
        row.sex = member.get("sex", row.sex)
        if isinstance(member.get("age"), int):
            row.birth_year = this_year - member["age"]
    if household.members and answers.get("name") and not household.members[0].name:
        household.members[0].name = answers["name"]
    # The household's own columns scope it to a district's staff and its street's caseworkers.
    for key in ("district", "street", "address", "hukou_xiamen"):
        if answers.get(key) is not None:
            setattr(household, key, answers[key])


# ---- linking a WeChat user to a household -------------------------------------------------------

def link_request(openid: str, name: str, id_number: str, phone: str) -> bool:
    """Make `openid` an account of the household whose member has this name and identity
    number, if `phone` is a number that household already gave (a resident's, an
    application's or the profile's). A wrong or missing part links nothing and tells the
    caller nothing more than False: nothing of the family is shown. Each failed check is
    counted on a pending request staff can see and confirm; after MAX_LINK_ATTEMPTS only
    staff can link. The caller commits."""
    if not (openid and name and id_number and phone):
        return False
    index = pii.blind_index(id_number)
    own = household_of(openid)
    linked = False
    for member in Session.scalars(select(Member).where(Member.id_number_index == index)).all():
        household = member.household
        if own is not None and household.id == own.id:
            continue  # what they typed into their own application proves nothing
        link = Session.scalar(select(HouseholdLink).where(HouseholdLink.household_id == household.id,
                                                          HouseholdLink.openid == openid))
        if link is None:
            link = HouseholdLink(household_id=household.id, openid=openid, name=name.strip(),
                                 phone=phone.strip(), attempts=0, state="pending")
            Session.add(link)
        if link.state == "confirmed":
            continue  # linked before, and since moved on by staff: not undone by typing
        if link.attempts >= MAX_LINK_ATTEMPTS:
            continue
        if _same(member.name, name) and _digits(phone) in household_phones(household):
            _link(household, link, f"resident:{openid}")
            linked = True
        else:
            link.attempts += 1
            link.name, link.phone = name.strip(), phone.strip()
    Session.flush()
    return linked


def note_claim(openid: str, name: str | None, id_number: str, phone: str | None) -> None:
    """A new user's application names a member of another household: a pending request on
    that household for staff to confirm (after calling the family) or leave. Links nothing."""
    index = pii.blind_index(id_number)
    for member in Session.scalars(select(Member).where(Member.id_number_index == index)).all():
        exists = Session.scalar(select(HouseholdLink.id).where(HouseholdLink.household_id == member.household_id,
                                                               HouseholdLink.openid == openid))
        if exists is None:
            Session.add(HouseholdLink(household_id=member.household_id, openid=openid, name=name, phone=phone,
                                      attempts=0, state="pending"))
    Session.flush()


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and "".join(a.split()) == "".join(b.split())


def _digits(phone: str | None) -> str:
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    return digits[-11:]


def household_phones(household: Household) -> set[str]:
    """Every phone number the household gave before: its accounts', its applications',
    its profile's."""
    phones = {r.phone for r in household.residents}
    phones |= set(Session.scalars(select(Application.applicant_phone)
                                  .where(Application.household_id == household.id)).all())
    phones.add((household.profile or {}).get("answers", {}).get("phone"))
    return {_digits(p) for p in phones if p}


def resident(openid: str) -> Resident:
    """The WeChat user's row, added to the session when it is the first time they are seen."""
    found = Session.scalar(select(Resident).where(Resident.openid == openid))
    if found is None:
        found = Resident(openid=openid)
        Session.add(found)
    return found


def _link(household: Household, link: HouseholdLink, who: str) -> None:
    resident(link.openid).household = household
    link.state, link.confirmed_by, link.confirmed_at = "confirmed", who, utcnow()
    Session.add(HouseholdChange(household_id=household.id, key="linked_account", old=None,
                                new=short_openid(link.openid), who=who))


def short_openid(openid: str) -> str:
    """How staff screens name a WeChat user: enough to tell two apart, not the whole id."""
    return openid[:6] + "…" if len(openid) > 8 else openid


def confirm_link(staff: StaffUser, household: Household, link_id: int) -> HouseholdLink:
    """Staff confirm a WeChat user belongs to this household (after calling the family).
    Only staff who may see the household's numbers may; audited. The caller commits."""
    if not access.sees_pii(staff, household.district, household.street):
        raise NotAllowed("只有本街道工作人员和审核人员可以确认微信用户属于本户。")
    link = Session.get(HouseholdLink, link_id)
    if link is None or link.household_id != household.id:
        raise ReviewError("没有找到这条绑定申请。")
    if link.state == "confirmed":
        raise ReviewError("这个微信用户已经确认属于本户。")
    _link(household, link, f"staff:{staff.username}")
    audit.record(staff, "confirm_household_link", "household", household.id, household.district,
                 link=link.id)
    return link


# ---- the console's household page ---------------------------------------------------------------

@dataclass
class Row:
    label: str
    value: str


@dataclass
class Page:
    facts: list[Row] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    member_columns: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    accounts: list[dict] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    updated: dict = field(default_factory=dict)


def shown(key: str, value, whole: bool) -> str:
    """One answer as staff read it: options by label, money in yuan, numbers masked unless
    `whole`."""
    name = key.split(".")[-1]
    if value is None:
        return "（跳过）"
    if name in PERSONAL and not whole:
        if name == "name":
            return access.masked_name(str(value))
        if name == "address":
            return "（只给本街道工作人员和审核人员看）"
        return pii.mask(str(value))
    f = _fields().get(name) or _member_fields().get(name)
    if key == GROUP:
        return f"{value} 人"
    if isinstance(value, bool):
        return "是" if value else "否"
    if f is not None and f.type == "choice":
        return {o.value: o.label for o in f.options}.get(value, str(value))
    if f is not None and f.type == "money":
        return f"{value:,} 元"
    if f is not None and f.unit and isinstance(value, int):
        return f"{value}{f.unit}"
    return str(value)


def key_label(key: str) -> str:
    parts = key.split(".")
    name = labels.PROFILE_FIELDS.get(parts[-1], parts[-1])
    if len(parts) == 3:
        return f"{labels.member(int(parts[1]))} · {name}"
    return name


def page(staff: StaffUser, household: Household, whole: bool) -> Page:
    """What the household page shows: the profile, its history, every document of the
    household's applications staff may see, and the WeChat users linked or asking."""
    stored = _stored(household)
    today = local_today()
    answers = _current(stored, today)
    view = Page(stale=[key_label(k) for k in stale_keys(household, today)])
    for key, value in answers.items():
        if key != GROUP:
            view.facts.append(Row(labels.PROFILE_FIELDS.get(key, key), shown(key, value, whole)))
    columns = [i for i in _member_fields() if any(i in m for m in answers.get(GROUP) or [])]
    view.member_columns = [labels.PROFILE_FIELDS.get(c, c) for c in columns]
    for i, member in enumerate(answers.get(GROUP) or []):
        view.members.append({"who": labels.member(i),
                             "cells": [shown(c, member[c], whole) if c in member else "" for c in columns]})
    view.updated = {k: v for k, v in stored["updated_at"].items()}
    changes = Session.scalars(select(HouseholdChange).where(HouseholdChange.household_id == household.id)
                              .order_by(HouseholdChange.at.desc(), HouseholdChange.id).limit(200)).all()
    view.changes = [{"at": c.at, "who": who_label(c.who), "what": key_label(c.key),
                     "old": "—" if c.old is None else shown(c.key, c.old, whole),
                     "new": str(c.new) if c.key in ("linked_account", "registered") else shown(c.key, c.new, whole)}
                    for c in changes]
    apps = access.applications(staff).where(Application.household_id == household.id)
    app_ids = [a.id for a in Session.scalars(apps).all()]
    if app_ids:
        docs = Session.execute(select(ApplicationDocument, Application)
                               .join(Application, ApplicationDocument.application_id == Application.id)
                               .where(Application.id.in_(app_ids))
                               .order_by(ApplicationDocument.created_at.desc(), ApplicationDocument.id.desc())).all()
        for doc, app in docs:
            titles = {item.get("id"): item.get("title") for item in app.checklist or []}
            view.documents.append({"doc": doc, "app": app, "title": titles.get(doc.item_id, doc.item_id),
                                   "member": labels.member(doc.member),
                                   "state": DOCUMENT_STATES.get(doc.state, doc.state)})
    view.accounts = [{"who": short_openid(r.openid), "phone": shown("phone", r.phone, whole) if r.phone else "",
                      "since": r.created_at} for r in household.residents]
    pending = Session.scalars(select(HouseholdLink).where(HouseholdLink.household_id == household.id,
                                                          HouseholdLink.state == "pending")
                              .order_by(HouseholdLink.id)).all()
    view.pending = [{"id": link.id, "who": short_openid(link.openid), "name": shown("name", link.name, whole),
                     "phone": shown("phone", link.phone, whole) if link.phone else "",
                     "attempts": link.attempts, "since": link.created_at} for link in pending]
    return view


def who_label(who: str) -> str:
    kind, _, name = who.partition(":")
    if kind == "staff":
        return f"工作人员 {name}"
    if kind == "resident":
        return f"居民（微信 {short_openid(name)}）"
    return who
