"""A second form starts from the household's profile (review/profile.py):
"上次登记的家庭情况还对吗？" with a short summary. 对: only what is new or stale is asked (the
form's own questions, income older than 6 months); 不对: the answers are there to change one
by one; 重新填: the form from the start.

The profile is offered only to a WeChat user who is a verified account of the household
(review.profile.household_of): a stranger who typed the family's identity number is not, and
sees nothing of it.

Wiring (bot/conversation.py and bot/router.py): after `conversation.start` has made the
context, `offer(context, openid)` returns the question (and sets the context's stage to
STAGE) or None; while the context is at STAGE, every message goes to `on_reply(context, text)`;
`again(context)` says the question once more (after a pause, or switching back).
"""
from __future__ import annotations

import re

import forms
import review.profile as profiles
from review import labels

from . import conversation
from .intents import normalise
from .reply import Reply, render
from .verdict import SELF, member_labels

STAGE = "profile"  # state.Stage.PROFILE
# Forms about someone else: a clue reports another household, so nothing of one's own is offered.
ABOUT_OTHERS = frozenset({"xiansuo"})

SAME = frozenset({"1", "对", "对的", "是", "是的", "没变", "没有变", "没变化", "没有变化", "都对", "不变", "确认",
                  "没问题", "对了", "正确", "还是一样", "一样"})
CHANGED = frozenset({"2", "不对", "不是", "变了", "有变化", "修改", "要改", "改", "不正确", "有变", "改一下", "我要改",
                     "有变动", "不一样"})
AFRESH = frozenset({"3", "重新填", "全部重新填", "重填", "从头填"})


def offer(context: dict, openid: str) -> Reply | None:
    """The household's profile as this form's answers, and the question whether it still
    holds; None when there is nothing to offer (a new household, or a form that asks
    nothing the profile knows)."""
    if context["form"] in ABOUT_OTHERS:
        return None
    household = profiles.household_of(openid)
    known = profiles.profile_answers(household)
    prefilled = profiles.prefill(context["form"], known) if known else {}
    if not prefilled:
        return None
    context["answers"] = prefilled
    context["profile"] = {"household_id": household.id, "lines": summary_lines(known),
                          "stale": stale_words(context["form"], household, known)}
    context["stage"] = STAGE
    return again(context)


def again(context: dict, hint: str | None = None) -> Reply:
    return render("profile_offer", lines=context["profile"]["lines"], stale=context["profile"]["stale"],
                  hint=hint)


def on_reply(context: dict, text: str) -> Reply:
    said = _clauses(text)
    if said and all(clause in SAME for clause in said):  # "对的，没变"
        context["profile"]["kept"] = True
        return render("profile_kept", stale=context["profile"]["stale"]) + conversation.ask(context)
    if said and said[0] in CHANGED:  # "不对，孩子上高中了"
        return render("profile_change") + conversation.choose_edit(context)
    if said and said[0] in AFRESH:
        context["answers"] = {}
        return render("profile_afresh") + conversation.ask(context)
    return again(context, hint="请回复 1、2 或 3。")


def _clauses(text: str | None) -> list[str]:
    return [clause for clause in map(normalise, re.split(r"[，,。.!！？?、；;\s]+", text or "")) if clause]


def summary_lines(known: dict) -> list[str]:
    """Members by relation and age with their income, then the household's money and home."""
    form = profiles.profile_form()
    fields = {f.id: f for f in form.fields}
    inner = {f.id: f for f in fields["members"].fields}
    lines = []
    members = known.get("members") or []
    if members:
        lines.append(f"一起生活 {len(members)} 人：")
        for label, member in zip(member_labels(known), members):
            if label == SELF and member.get("age") is not None:
                label = f"{label}（{member['age']}岁）"
            lines.append(f"· {label}：{'，'.join(_member_facts(member, inner)) or '—'}")
    money = []
    if "monthly_support_received" in known and known["monthly_support_received"]:
        money.append(f"亲属每月给 {_yuan(known['monthly_support_received'])}")
    if "financial_assets" in known:
        money.append(f"存款、理财等 {_yuan(known['financial_assets'])}")
    if "owns_vehicle" in known:
        money.append("有汽车等机动车" if known["owns_vehicle"] else "没有汽车")
    if money:
        lines.append("；".join(money))
    home = []
    if "hukou_xiamen" in known:
        home.append("户口在厦门" if known["hukou_xiamen"] else "户口不在厦门")
    if known.get("district"):
        home.append(f"住在{known['district']}{known.get('street') or ''}")
    if home:
        lines.append("；".join(home))
    return lines


def _member_facts(member: dict, inner: dict) -> list[str]:
    facts = []
    if member.get("student_stage"):
        facts.append(f"在读{_label(inner['student_stage'], member['student_stage'])}")
    if "monthly_income" in member:
        income = member["monthly_income"]
        facts.append(f"每月收入 {_yuan(income)}" if income else "没有收入")
    elif member.get("employed") is False:
        facts.append("没有工作")
    if member.get("disabled"):
        kind = _label(inner["disability_kind"], member.get("disability_kind"))
        grade = f"{member['disability_grade']}级" if member.get("disability_grade") else ""
        facts.append(f"有残疾人证（{kind}{grade}）" if kind else "有残疾人证")
    return facts


def _label(field, value) -> str:
    return {o.value: o.label for o in field.options}.get(value, "") if value else ""


def _yuan(amount) -> str:
    return f"{amount:,} 元"


def stale_words(form_id: str, household, known: dict) -> list[str]:
    """What will be asked again because it is old, in the resident's words, for this form."""
    form = forms.get(form_id)
    asks = {f.id for f in form.fields} | {inner.id for f in form.fields for inner in f.fields}
    labels_of = member_labels(known) if known.get("members") else []
    words = []
    for path in profiles.stale_keys(household):
        parts = path.split(".")
        key = parts[-1]
        if key not in asks:
            continue
        name = labels.PROFILE_FIELDS.get(key, key)
        if len(parts) == 3:
            index = int(parts[1])
            who = labels_of[index] if index < len(labels_of) else f"第{index + 1}位家人"
            words.append(f"{who}的{name}")
        else:
            words.append(name)
    return list(dict.fromkeys(words))
