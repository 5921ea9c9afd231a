"""Issue 12: a second form starts from the household's profile ("上次登记的家庭情况还对吗？").

bot.profile is called with a conversation context as bot/state.py shapes it; the chat wiring
(conversation.start, the router's stage) is the lead's and tested through POST /wechat there.
"""
from __future__ import annotations

import copy
from datetime import timedelta

import pytest

import forms
from bot import conversation, profile
from models import Household, Session, utcnow
from review import intake
from tests.examples import WORKED_EXAMPLE_PLAN
from tests.review.test_profile import HOUSE_PLAN, asked


def context(form_id: str) -> dict:
    form = forms.get(form_id)
    return {"key": form_id, "form": form_id, "title": form.title, "stage": "form", "answers": {}, "failures": {}}


def text(reply) -> str:
    return "\n".join(reply.texts)


@pytest.fixture
def family(app):
    answers, _ = asked("dibao", {}, WORKED_EXAMPLE_PLAN)
    verdict = forms.assess(forms.get("dibao"), answers)
    application = intake.open_draft("o-family", "dibao", "dibao", answers,
                                    forms.to_situation(forms.get("dibao"), answers), verdict, verdict["documents"])
    return Session.get(Household, application.household_id)


def test_the_second_form_asks_whether_last_time_still_holds(family):
    ctx = context("jiaoyu")
    said = text(profile.offer(ctx, "o-family"))
    assert "上次登记的家庭情况还对吗？" in said
    for shown in ("一起生活 3 人", "您本人（45岁）：每月收入 2,500 元", "您的妻子（43岁）：没有收入",
                  "您的孩子（15岁）：在读初中", "存款、理财等 20,000 元", "户口在厦门"):
        assert shown in said
    assert WORKED_EXAMPLE_PLAN["id_number"] not in said and ctx["stage"] == profile.STAGE


def test_yes_goes_straight_to_the_summary_when_nothing_is_new(family):
    ctx = context("jiaoyu")
    profile.offer(ctx, "o-family")
    said = text(profile.on_reply(ctx, "对的，没变"))
    assert ctx["stage"] == "confirm" and "请核对「教育救助」的信息" in said


def test_yes_asks_only_the_forms_own_questions(family):
    ctx = context("weifang")
    profile.offer(ctx, "o-family")
    profile.on_reply(ctx, "1")
    assert ctx["stage"] == "form" and conversation.current(ctx).field.id == "graded"
    answers, questions = asked("weifang", ctx["answers"], {**WORKED_EXAMPLE_PLAN, **HOUSE_PLAN})
    fresh, _ = asked("weifang", {}, {**WORKED_EXAMPLE_PLAN, **HOUSE_PLAN})
    assert "members" not in questions and "financial_assets" not in questions
    form = forms.get("weifang")
    assert forms.assess(form, answers)["programmes"] == forms.assess(form, fresh)["programmes"]


def test_no_shows_the_answers_to_change_one_by_one(family):
    ctx = context("jiaoyu")
    profile.offer(ctx, "o-family")
    said = text(profile.on_reply(ctx, "不对"))
    assert ctx["stage"] == "edit_pick" and "要修改哪一项" in said
    lines = [q for q in conversation.answered(ctx)]
    income = next(i for i, q in enumerate(lines, 1) if q.path == ("members", 0, "monthly_income"))
    conversation.pick_edit(ctx, str(income))
    conversation.answer(ctx, "3000")
    assert ctx["answers"]["members"][0]["monthly_income"] == 3000 and ctx["stage"] == "confirm"


def test_starting_afresh_clears_the_answers(family):
    ctx = context("jiaoyu")
    profile.offer(ctx, "o-family")
    profile.on_reply(ctx, "重新填")
    assert ctx["answers"] == {} and conversation.current(ctx).field.id == "hukou_xiamen"


def test_an_unclear_reply_asks_again(family):
    ctx = context("jiaoyu")
    profile.offer(ctx, "o-family")
    said = text(profile.on_reply(ctx, "嗯"))
    assert "请回复 1、2 或 3" in said and ctx["stage"] == profile.STAGE


def test_stale_income_is_said_and_asked_again(family):
    stored = copy.deepcopy(family.profile)
    stored["updated_at"]["members.0.monthly_income"] = (utcnow() - timedelta(days=200)).isoformat()
    family.profile = stored
    Session.commit()
    ctx = context("jiaoyu")
    said = text(profile.offer(ctx, "o-family"))
    assert "您本人的每月收入已经登记超过半年，会再问您一次" in said
    profile.on_reply(ctx, "对")
    assert conversation.current(ctx).path == ("members", 0, "monthly_income")


def test_a_clue_about_someone_else_is_not_prefilled(family):
    ctx = context("xiansuo")
    assert profile.offer(ctx, "o-family") is None and ctx["answers"] == {}


def test_nothing_is_offered_to_someone_without_a_household(app):
    ctx = context("jiaoyu")
    assert profile.offer(ctx, "o-new") is None
    assert ctx["answers"] == {} and ctx["stage"] == "form"


def test_a_stranger_who_typed_the_familys_number_is_offered_only_their_own(family):
    plan = {**WORKED_EXAMPLE_PLAN, "phone": "13900001111", "members": WORKED_EXAMPLE_PLAN["members"][:1],
            "financial_assets": "0"}
    answers, _ = asked("dibao", {}, plan)
    verdict = forms.assess(forms.get("dibao"), answers)
    intake.open_draft("o-stranger", "dibao", "dibao", answers, forms.to_situation(forms.get("dibao"), answers),
                      verdict, verdict["documents"])
    said = text(profile.offer(context("jiaoyu"), "o-stranger"))
    assert "一起生活 1 人" in said and "妻子" not in said and "20,000" not in said
