"""From answers to the rules' verdict, and what it means for this resident's application.

A resident first reads a short verdict (`message`): the result of each programme the form is
about, the amount, what to do next; the checklist follows as a second text. "为什么" gives
the working (`why`): the rules' own sentences (policy/explain.py's explanation_items) about
those programmes, in residents' words, members named by relation ("您的孩子（15岁）").
"""
from __future__ import annotations

import forms
from forms import members
from forms.situation_keys import canonical

from .reply import Reply, render

# Which results each form shows, and which programme an application is then for.
SHOWN = {
    "dibao": ("dibao", "dishouru", "tekun", "jiaoyu"),
    "weifang": ("weifang",),
    "jiaoyu": ("jiaoyu",),
    "yiliao": ("yiliao",),
    "jiuye": ("jiuye_kunnan",),
    "daikuan": ("daikuan",),
}
# Which of the rules' sentences (tagged by policy/explain.py) each form's working shows:
# its own programmes, and the income test or the month's figures where they lead to them.
# "process" (how long review takes) is shown only when there is an application.
WORKING = {
    "dibao": ("month", "income", "tekun", "dibao", "dishouru", "jiaoyu", "process"),
    "weifang": ("month", "weifang", "process"),
    "jiaoyu": ("month", "jiaoyu", "process"),
    "yiliao": ("month", "yiliao"),
    "jiuye": ("jiuye_kunnan",),
    "daikuan": ("month", "daikuan"),
}
# The situation keys a programme's result rests on. A programme the form is not about is
# mentioned ("您家可能还符合：…") only when the resident answered every one of them here:
# the 112 form asks no income, so it never speaks of 低保.
RESTS_ON = {
    "dibao": ("hukou_xiamen", "members[].monthly_income", "financial_assets"),
    "dishouru": ("hukou_xiamen", "members[].monthly_income", "financial_assets"),
    "tekun": ("hukou_xiamen", "members[].monthly_income", "financial_assets", "has_able_supporter",
              "owns_vehicle"),
    "jiaoyu": ("members[].student_stage", "members[].monthly_income", "financial_assets"),
    "weifang": ("housing.grade", "housing.plan", "housing.one_house"),
}
SELF = members.SELF


def member_labels(answers: dict) -> list[str]:
    """How the resident reads each member: "您本人", "您的孩子（15岁）", "您的家人（70岁）"."""
    return members.labels(answers.get("members") if answers else None)


def situation(form_id: str, answers: dict) -> dict:
    return forms.to_situation(forms.get(form_id), answers)


def assess(form_id: str, answers: dict) -> dict:
    return forms.assess(forms.get(form_id), answers)


def programme(form_id: str, verdict: dict) -> str | None:
    """The programme to apply for, or None when there is nothing to apply for."""
    results = verdict["programmes"]
    if form_id == "dibao":
        # 特困 before 低保 before 低收入 (domain.md). The rules already leave a 特困 member out of
        # 低保, so both apply only to different members of one household: then the chat files the
        # one that pays the household more each month, 特困 when it pays as much.
        tekun, dibao = results["tekun"], results["dibao"]
        if tekun["eligible"]:
            support = tekun["monthly_support"] * len(tekun["members"])
            if not dibao["eligible"] or support >= dibao["monthly_benefit"]:
                return "tekun"
        if dibao["eligible"]:
            return "dibao"
        return "dishouru" if results["dishouru"]["eligible"] else None
    if form_id == "jiuye":
        return "jiuye"  # registering as a job seeker is open to everyone
    if form_id in ("weifang", "jiaoyu", "daikuan"):
        return form_id if results[form_id]["eligible"] else None
    return None  # yiliao is an estimate only


def slots(verdict: dict, labels: list[str]) -> list[dict]:
    """The checklist as the photos to collect: one per member where a document is per person;
    `labels` name the members (`member_labels`)."""
    out = []
    for item in verdict["documents"]:
        members = item.get("members")
        if members:
            for m in members:
                label = _name(labels, m).replace("（", "，").replace("）", "")  # no brackets in brackets
                out.append({"item": item["id"], "member": m, "title": f"{item['title']}（{label}）"})
        else:  # one photo, showing every copy if more than one is needed
            count = item.get("count", 1)
            title = item["title"] + (f"（{count}份，拍在一张里）" if count > 1 else "")
            out.append({"item": item["id"], "member": None, "title": title})
    return out


def message(form_id: str, verdict: dict, applying_for: str | None, checklist: list[dict],
            answers: dict | None = None) -> Reply:
    """The verdict as a resident first reads it: each result of the form's own programmes with
    its amount, any other programme the answers given here point to, and what to do next, in
    one short text; the checklist, when there is one, as a second text."""
    labels = member_labels(answers or {})
    items = _working(form_id, verdict)
    reasons = {}
    for item in items:
        if item["reason"] and item["resident_text"]:
            reasons.setdefault(item["programme"], []).append(_told(item, labels))
    first = render("verdict", form_id=form_id, shown=SHOWN.get(form_id, ()), p=verdict["programmes"],
                   applying_for=applying_for, checklist=checklist, money=money,
                   names=lambda members: "、".join(_name(labels, m) for m in members),
                   reasons=lambda name: "".join(reasons.get(name, [])[:2]),
                   also=also(form_id, verdict, answers) if answers else [],
                   why=any(item["resident_text"] for item in items))
    if applying_for and checklist:
        return Reply(first.texts + render("verdict_checklist", checklist=checklist).texts)
    return first


def why(form_id: str, verdict: dict, answers: dict) -> Reply:
    """The working, in short sentences, about the form's own programmes only."""
    labels = member_labels(answers)
    lines = [_told(item, labels) for item in _working(form_id, verdict) if item["resident_text"]]
    return render("why", lines=lines)


def also(form_id: str, verdict: dict, answers: dict) -> list[str]:
    """Programmes the form is not about that the resident's own answers here show eligible
    (among those the form was assessed for: forms/verdict.py PROGRAMMES)."""
    given, skipped = set(), set()
    for question in forms.applicable(forms.get(form_id), answers):
        if question.field.maps_to and not question.is_count:
            (given if question.value is not None else skipped).add(canonical(question.field.maps_to))
    answered = given - skipped
    results = verdict["programmes"]
    return [name for name, keys in RESTS_ON.items()
            if name not in SHOWN.get(form_id, ()) and name in results and results[name]["eligible"]
            and answered.issuperset(keys)]


def _working(form_id: str, verdict: dict) -> list[dict]:
    """The rules' sentences this form's working shows (see WORKING)."""
    tags = set(WORKING.get(form_id, ()))
    if programme(form_id, verdict) is None:
        tags.discard("process")
    items = [item for item in verdict.get("explanation_items", []) if item["programme"] in tags]
    if all(item["programme"] == "month" for item in items):
        return []  # the month alone explains nothing
    return items


def _told(item: dict, labels: list[str]) -> str:
    text = item["resident_text"]
    return text.replace("{member}", _name(labels, item["member"])) if item["member"] is not None else text


def _name(labels: list[str], m: int) -> str:
    return labels[m] if m < len(labels) else f"第{m + 1}位家庭成员"


def money(value) -> str:
    """A sum as residents read it: "2,600", "563.33"."""
    amount = round(float(value), 2)
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
