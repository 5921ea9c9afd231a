"""From answers to the rules' verdict, and what it means for this resident's application."""
from __future__ import annotations

import forms

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


def situation(form_id: str, answers: dict) -> dict:
    return forms.to_situation(forms.get(form_id), answers)


def assess(form_id: str, answers: dict) -> dict:
    return forms.assess(forms.get(form_id), answers)


def programme(form_id: str, verdict: dict) -> str | None:
    """The programme to apply for, or None when there is nothing to apply for."""
    results = verdict["programmes"]
    if form_id == "dibao":
        for name in ("dibao", "tekun", "dishouru"):
            if results[name]["eligible"]:
                return name
        return None
    if form_id == "jiuye":
        return "jiuye"  # registering as a job seeker is open to everyone
    if form_id in ("weifang", "jiaoyu", "daikuan"):
        return form_id if results[form_id]["eligible"] else None
    return None  # yiliao is an estimate only


def slots(verdict: dict, member_labels: list[str]) -> list[dict]:
    """The checklist as the photos to collect: one per member where a document is per person."""
    out = []
    for item in verdict["documents"]:
        members = item.get("members")
        if members:
            for m in members:
                label = member_labels[m] if m < len(member_labels) else f"第{m + 1}位家庭成员"
                out.append({"item": item["id"], "member": m, "title": f"{item['title']}（{label}）"})
        else:  # one photo, showing every copy if more than one is needed
            count = item.get("count", 1)
            title = item["title"] + (f"（{count}份，拍在一张里）" if count > 1 else "")
            out.append({"item": item["id"], "member": None, "title": title})
    return out


def message(form_id: str, verdict: dict, applying_for: str | None, checklist: list[dict]) -> Reply:
    return render("verdict", form_id=form_id, shown=SHOWN.get(form_id, ()), p=verdict["programmes"],
                  explanation=verdict["explanation"], applying_for=applying_for, checklist=checklist,
                  money=money)


def money(value) -> str:
    return f"{float(value):.2f}"
