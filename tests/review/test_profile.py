"""Issue 12: one household, one profile; linking a WeChat user is verified, not typed."""
from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from sqlalchemy import select

import forms
from models import Application, Household, HouseholdChange, HouseholdLink, Session, utcnow
from review import intake, profile
from tests.examples import WORKED_EXAMPLE_PLAN, typed

FAMILY_PHONE = WORKED_EXAMPLE_PLAN["phone"]
JOB_PLAN = {"education": "初中", "graduate": "否", "registered_unemployed": "否", "unemployed_months": "0",
            "land_expropriated": "否", "dibao_recipient": "否", "skills": "做饭", "desired_work": "保洁", "work_districts": "思明区",
            "public_welfare": "是", "available_from": "明天", "contact": "1", "email": "跳过", "consent": "1"}
HOUSE_PLAN = {"graded": "是", "house_grade": "D", "one_house": "是", "plan": "1", "area_m2": "80",
              "repair_cost": "0", "house_photo": "<photo>", "house_location": "<location>"}


def asked(form_id: str, answers: dict, plan: dict) -> tuple[dict, list[str]]:
    """Walk the form from `answers` as a resident typing `plan` would: the answers at the
    end, and the ids of the questions that were asked."""
    form = forms.get(form_id)
    questions = []
    while (question := forms.next_question(form, answers)) is not None:
        questions.append(question.field.id)
        text = typed(question, plan)
        if text == "<photo>":
            value = {"media_id": "m-1"}
        elif text == "<location>":
            value = {"lat": 24.48, "lng": 118.09, "label": "思明区"}
        else:
            value = text
        if value is None or value == "跳过":
            answers = forms.skip(form, answers, question.path)
        else:
            answers = forms.answer(form, answers, question.path, value)
    return answers, questions


def apply(openid: str, form_id: str, answers: dict, programme: str | None = None) -> Application:
    form = forms.get(form_id)
    verdict = forms.assess(form, answers) if form_id != "jiuye" else {"documents": []}
    return intake.open_draft(openid, form_id, programme or form_id, answers, forms.to_situation(form, answers),
                             verdict, verdict["documents"])


@pytest.fixture
def family(app):
    """The worked example's family has applied for 低保 from the applicant's WeChat."""
    answers, _ = asked("dibao", {}, WORKED_EXAMPLE_PLAN)
    application = apply("o-family", "dibao", answers)
    return Session.get(Household, application.household_id), answers


def test_education_aid_after_dibao_asks_nothing_already_known(family):
    home, _ = family
    known = profile.profile_answers(home)
    _, questions = asked("jiaoyu", profile.prefill("jiaoyu", known), WORKED_EXAMPLE_PLAN)
    assert questions == []  # 34 questions before this issue


def test_housing_after_dibao_asks_only_about_the_house(family):
    home, _ = family
    _, questions = asked("weifang", profile.prefill("weifang", profile.profile_answers(home)),
                         {**WORKED_EXAMPLE_PLAN, **HOUSE_PLAN})
    assert questions == ["graded", "house_grade", "one_house", "plan", "area_m2", "house_photo", "house_location"]


def test_the_job_form_takes_the_applicant_from_the_household(family):
    home, _ = family
    _, questions = asked("jiuye", profile.prefill("jiuye", profile.profile_answers(home)),
                         {**WORKED_EXAMPLE_PLAN, **JOB_PLAN, "age": "45", "sex": "男", "disabled": "否"})
    for known in ("name", "sex", "age", "hukou_xiamen", "disabled", "phone", "id_number", "district"):
        assert known not in questions
    assert "desired_work" in questions


@pytest.mark.parametrize("form_id", ["jiaoyu", "weifang", "dibao"])
def test_the_verdict_on_prefilled_answers_is_the_verdict_on_typed_ones(family, form_id):
    home, _ = family
    plan = {**WORKED_EXAMPLE_PLAN, **HOUSE_PLAN}
    prefilled, _ = asked(form_id, profile.prefill(form_id, profile.profile_answers(home)), plan)
    fresh, _ = asked(form_id, {}, plan)
    form = forms.get(form_id)
    assert prefilled == fresh
    assert forms.assess(form, prefilled)["programmes"] == forms.assess(form, fresh)["programmes"]


def test_income_older_than_six_months_is_asked_again(family):
    home, answers = family
    stored = copy.deepcopy(home.profile)
    old = (utcnow() - timedelta(days=200)).isoformat(timespec="seconds")
    stored["updated_at"] = {k: (old if "income" in k or "employed" in k else v)
                            for k, v in stored["updated_at"].items()}
    home.profile = stored
    Session.commit()
    known = profile.profile_answers(home)
    assert "monthly_income" not in known["members"][0] and "employed" not in known["members"][0]
    assert known["members"][0]["age"] == 45 and known["financial_assets"] == 20000
    assert "members.0.monthly_income" in profile.stale_keys(home)
    _, questions = asked("jiaoyu", profile.prefill("jiaoyu", known), WORKED_EXAMPLE_PLAN)
    assert questions == ["employed", "monthly_income", "employed", "monthly_income"]  # the two adults


def test_a_stale_income_typed_again_is_fresh_again(family):
    home, answers = family
    stored = copy.deepcopy(home.profile)
    stored["updated_at"]["members.0.monthly_income"] = (utcnow() - timedelta(days=200)).isoformat()
    home.profile = stored
    Session.commit()
    apply("o-family", "jiaoyu", answers)  # the same 2,500 typed again
    assert profile.stale_keys(Session.get(Household, home.id)) == []


def test_each_change_is_recorded_with_who_and_when(family):
    home, answers = family
    changed = copy.deepcopy(answers)
    changed["members"][0]["monthly_income"] = 3000
    changed["financial_assets"] = 5000
    apply("o-family", "jiaoyu", changed)
    rows = Session.scalars(select(HouseholdChange).where(HouseholdChange.household_id == home.id,
                                                         HouseholdChange.who == "resident:o-family",
                                                         HouseholdChange.old.is_not(None))).all()
    assert {(r.key, r.old, r.new) for r in rows} == {("members.0.monthly_income", 2500, 3000),
                                                     ("financial_assets", 20000, 5000)}
    assert profile.profile_answers(Session.get(Household, home.id))["members"][0]["monthly_income"] == 3000
    # One household for the family: the second application shares it.
    assert {a.household_id for a in Session.scalars(select(Application)).all()} == {home.id}


def test_the_profile_and_its_history_are_sealed_at_rest(family):
    home, answers = family
    from sqlalchemy import text

    apply("o-family", "jiaoyu", {**answers, "phone": "13700009999"})
    raw = Session.execute(text("SELECT profile FROM households WHERE id = :id"), {"id": home.id}).scalar()
    assert raw.startswith("v1:") and WORKED_EXAMPLE_PLAN["id_number"] not in raw
    old, new = Session.execute(text("SELECT old, new FROM household_changes WHERE key = 'phone'")).one()
    assert old.startswith("v1:") and new.startswith("v1:") and "13700009999" not in new


def test_the_first_registration_is_one_entry(family):
    home, _ = family
    rows = Session.scalars(select(HouseholdChange).where(HouseholdChange.household_id == home.id)).all()
    assert [(r.key, r.new, r.who) for r in rows] == [("registered", "最低生活保障（低保）", "resident:o-family")]


def test_a_stranger_typing_the_familys_identity_number_is_not_linked(family):
    home, _ = family
    before = copy.deepcopy(home.profile)
    stranger_plan = {**WORKED_EXAMPLE_PLAN, "phone": "13900001111",
                     "members": WORKED_EXAMPLE_PLAN["members"][:1], "financial_assets": "0"}
    answers, _ = asked("dibao", {}, stranger_plan)
    application = apply("o-stranger", "dibao", answers)

    assert application.household_id != home.id  # the stranger's answers stay in their own household
    Session.remove()
    assert Session.get(Household, home.id).profile == before  # nothing of the family changed
    theirs = profile.household_of("o-stranger")
    assert theirs.id == application.household_id
    assert profile.profile_answers(theirs)["phone"] == "13900001111"  # nothing of the family shown
    assert len(profile.profile_answers(theirs)["members"]) == 1
    # Asking outright with the wrong phone links nothing either.
    assert profile.link_request("o-stranger", "陈明", WORKED_EXAMPLE_PLAN["id_number"], "13900001111") is False
    assert profile.household_of("o-stranger").id != home.id
    # Staff see who asked, to confirm or not after calling the family.
    pending = Session.scalars(select(HouseholdLink).where(HouseholdLink.household_id == home.id)).all()
    assert [(link.openid, link.state, link.attempts) for link in pending] == [("o-stranger", "pending", 1)]


def test_trying_phone_numbers_one_by_one_ends_in_staff_only(family):
    home, _ = family
    for guess in ("13900000001", "13900000002", "13900000003"):
        assert not profile.link_request("o-guesser", "陈明", WORKED_EXAMPLE_PLAN["id_number"], guess)
    # Even the right number no longer links: only staff can, now.
    assert not profile.link_request("o-guesser", "陈明", WORKED_EXAMPLE_PLAN["id_number"], FAMILY_PHONE)
    assert profile.household_of("o-guesser") is None


def test_name_identity_number_and_the_familys_phone_link_a_member(family):
    home, _ = family
    assert not profile.link_request("o-spouse", "陈小明", WORKED_EXAMPLE_PLAN["id_number"], FAMILY_PHONE)
    assert profile.link_request("o-spouse", "陈明", WORKED_EXAMPLE_PLAN["id_number"], FAMILY_PHONE)
    Session.commit()
    assert profile.household_of("o-spouse").id == home.id
    assert profile.profile_answers(profile.household_of("o-spouse"))["financial_assets"] == 20000


def test_an_application_alone_never_links_even_with_every_detail_typed(family):
    home, answers = family
    application = apply("o-daughter", "jiaoyu", answers)  # the applicant's name, number and phone
    assert application.household_id != home.id
    link = Session.scalar(select(HouseholdLink).where(HouseholdLink.openid == "o-daughter"))
    assert (link.household_id, link.state) == (home.id, "pending")  # staff see it on the family's page
    # Asked for on purpose, the same three details link the account to the family.
    assert profile.link_request("o-daughter", "陈明", WORKED_EXAMPLE_PLAN["id_number"], FAMILY_PHONE)
    Session.commit()
    assert profile.household_of("o-daughter").id == home.id
