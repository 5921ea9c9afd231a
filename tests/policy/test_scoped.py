"""assess(situation, programmes=[…]): only the programmes asked for, each with the figures,
the checklist entries and the sentences of the full assessment."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forms
from bot import verdict as chat
from forms.situation_keys import canonical
from forms.verdict import PROGRAMMES as FORM_PROGRAMMES
from policy import PROGRAMMES, assess, assess_many, parse_situation
from policy.documents import documents
from tests.policy.strategies import households

INCOME_TEST = {"dibao", "dishouru", "tekun"}
APPLIED_FOR = {"dibao", "dishouru", "tekun", "weifang"}  # the ones "process" (how long review takes) is said for
RESIDENT_PARTS = ("documents", "explanation", "explanation_items")

# Each form's programmes, and any other choice of programmes.
scopes = st.sampled_from(sorted(set(FORM_PROGRAMMES.values()))) | st.sets(
    st.sampled_from(PROGRAMMES), min_size=1
).map(tuple)


def restricted(full, programmes, situation):
    """The full answer cut down to `programmes`: what the scoped answer must equal."""
    programmes = set(programmes)
    out = {key: full[key] for key in ("assessed_month", "rules_version")}
    out["programmes"] = {name: result for name, result in full["programmes"].items() if name in programmes}
    if programmes & INCOME_TEST:
        out["income"] = full["income"]
    if "tekun" in programmes:
        out["claims"] = full["claims"]
    said = programmes | {"month"} | ({"income"} if programmes & INCOME_TEST else set())
    items = [item for item in full["explanation_items"] if item["programme"] in said]
    # How long review takes is said once a programme explained is one to apply for.
    if any(out["programmes"][name]["eligible"] for name in programmes & APPLIED_FOR):
        items += [item for item in full["explanation_items"] if item["programme"] == "process"]
    out["explanation_items"] = items
    out["explanation"] = [item["text"] for item in items]
    out["documents"] = documents(parse_situation(situation), out["programmes"], full["assessed_month"] + "-01")
    return out


# 40 batches of 25 to 40 households: at least 1,000 households, each assessed in full and
# for a form's (or any) programmes.
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(households(), min_size=25, max_size=40), scopes)
def test_a_scoped_assessment_equals_the_full_one_restricted_to_its_programmes(batch, programmes):
    full = assess_many(batch, for_resident=True)
    scoped = assess_many(batch, for_resident=True, programmes=programmes)
    for situation, whole, answer in zip(batch, full, scoped, strict=True):
        expected = restricted(whole, programmes, situation)
        assert answer == expected
        # Every document asked for is one the full checklist asks for.
        asked = {entry["id"]: set(entry.get("members", ())) for entry in whole["documents"]}
        for entry in answer["documents"]:
            assert set(entry.get("members", ())) <= asked[entry["id"]]
    assert assess(batch[0], programmes=programmes) == scoped[0]
    quick = assess_many(batch, programmes=programmes)
    assert quick == [{k: v for k, v in answer.items() if k not in RESIDENT_PARTS} for answer in scoped]


def test_all_programmes_is_the_full_assessment(worked_example):
    assert assess(worked_example, programmes=PROGRAMMES) == assess(worked_example)


def test_a_housing_assessment_speaks_only_of_housing(worked_example):
    answer = assess(worked_example, programmes=["weifang"])
    assert answer["programmes"] == {"weifang": {"eligible": True, "subsidy": 120000.0}}
    assert "income" not in answer and "claims" not in answer
    ids = [entry["id"] for entry in answer["documents"]]
    assert "danger_grading" in ids and "rebuild_approval" in ids
    assert "income_proof" not in ids and "enrolment_proof" not in ids  # 低保's and education aid's papers
    text = "".join(answer["explanation"])
    assert "危房改造" in text and "120000.00" in text and "个工作日内" in text
    assert "低保标准" not in text and "人均月收入" not in text


def test_a_job_seekers_assessment_has_no_income_test():
    answer = assess({"hukou_xiamen": True, "members": [{"age": 45, "sex": "female", "registered_unemployed": True,
                                                        "unemployed_months": 13}]}, programmes=("jiuye_kunnan",))
    assert answer["programmes"] == {"jiuye_kunnan": {"members": [0]}}
    assert [entry["id"] for entry in answer["documents"]] == ["id_card", "unemployment_registration"]
    month, *rest = answer["explanation"]
    assert month.startswith("按") and rest == ["第1位成员符合就业困难人员条件，可以优先安排公益性岗位。"]


@pytest.mark.parametrize("programmes, named", [(["pension"], "pension"), ([], "no programmes"),
                                               (["dibao", "weifang", "housing"], "housing")])
def test_a_programme_the_rules_do_not_know_is_refused_by_name(worked_example, programmes, named):
    with pytest.raises(ValueError, match=named):
        assess(worked_example, programmes=programmes)


def test_each_chat_form_is_assessed_for_everything_its_verdict_can_show():
    for form in forms.all_forms():
        if form.id not in chat.SHOWN:
            continue  # a form without a verdict (a volunteer's report)
        assessed = set(FORM_PROGRAMMES[form.id])
        assert set(chat.SHOWN[form.id]) <= assessed, form.id
        # "您家可能还符合：…" names a programme whose every input the form asks.
        asked = set(_mapped(form.fields))
        for name, keys in chat.RESTS_ON.items():
            if asked.issuperset(keys):
                assert name in assessed, (form.id, name)


def _mapped(fields):
    """The situation keys a form's fields (groups included) can answer."""
    for field in fields:
        if field.maps_to:
            yield canonical(field.maps_to)
        yield from _mapped(field.fields)
