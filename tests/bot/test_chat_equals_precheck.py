"""Property: for generated households, the verdict reached through the chat is the verdict
POST /api/mp/precheck gives on the same situation."""
import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bot.conftest import Chat

STAGES = {"preschool": "幼儿园", "primary": "小学", "junior": "初中", "senior": "普通高中",
          "vocational": "5", "university": "6"}  # by label, or by option number
KINDS = ["physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple"]
_openids = itertools.count()


@st.composite
def member(draw):
    age = draw(st.integers(0, 90))
    person = {"age": age, "sex": draw(st.sampled_from(["male", "female"]))}
    if age >= 16:
        person["employed"] = draw(st.booleans())
        person["monthly_income"] = draw(st.integers(0, 6000))
    student = 3 <= age <= 30 and draw(st.booleans())
    if student:
        person["student_stage"] = draw(st.sampled_from(list(STAGES)))
        if person["student_stage"] in ("primary", "junior"):
            person["boarding"] = draw(st.booleans())
        person["parent_disabled"] = draw(st.booleans())
    if draw(st.integers(0, 4)) == 0:
        person["disability"] = {"kind": draw(st.sampled_from(KINDS)), "grade": draw(st.integers(1, 4))}
    return person


@st.composite
def household(draw):
    members = draw(st.lists(member(), min_size=1, max_size=4))
    students = any("student_stage" in m for m in members)
    return {
        "hukou_xiamen": draw(st.booleans()),
        "members": members,
        "monthly_support_received": draw(st.integers(0, 800)),
        "has_able_supporter": draw(st.booleans()),
        "annual_medical_expense": draw(st.integers(0, 20000)),
        "annual_education_expense": draw(st.integers(0, 8000)) if students else 0,
        "prior_year_medical_aid": draw(st.integers(0, 3000)),
        "prior_year_education_aid": draw(st.integers(0, 3000)),
        "financial_assets": draw(st.integers(0, 80000)),
        "owns_vehicle": draw(st.integers(0, 5)) == 0,
    }


def yes(value: bool) -> str:
    return "是" if value else "否"


def as_typed(situation: dict) -> dict:
    """The same household as a resident would type it into the chat."""
    people = []
    for m in situation["members"]:
        typed = {"age": f"{m['age']}岁", "sex": "男" if m["sex"] == "male" else "2",
                 "disabled": yes("disability" in m)}
        if 3 <= m["age"] <= 30:
            typed["student"] = yes("student_stage" in m)
        if "student_stage" in m:
            typed["student_stage"] = STAGES[m["student_stage"]]
            typed["boarding"] = yes(m.get("boarding", False))
            typed["parent_disabled"] = yes(m["parent_disabled"])
        if m["age"] >= 16:
            typed["employed"] = yes(m["employed"])
            typed["monthly_income"] = f"{m['monthly_income']}元" if m["monthly_income"] else "没有"
        if "disability" in m:
            typed["disability_kind"] = str(KINDS.index(m["disability"]["kind"]) + 1)
            typed["disability_grade"] = str(m["disability"]["grade"])
        people.append(typed)
    plan = {"hukou_xiamen": yes(situation["hukou_xiamen"]), "any_tekun": "否", "members": people,
            "has_able_supporter": yes(situation["has_able_supporter"]), "owns_vehicle": yes(situation["owns_vehicle"]),
            "name": "测试", "id_number": "11010519491231002X", "phone": "13812345678", "district": "1",
            "address": "思明区某路"}
    for key in ("monthly_support_received", "annual_medical_expense", "annual_education_expense",
                "prior_year_medical_aid", "prior_year_education_aid", "financial_assets"):
        plan[key] = f"{situation[key]:,}"  # "2,500" is how many people type money
    return plan


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(situation=household())
def test_chat_verdict_equals_precheck(app, client, fake_wechat, situation):
    chat = Chat(app, client, fake_wechat, openid=f"o-prop-{next(_openids)}")
    chat.click("APPLY_DIBAO")
    chat.fill(as_typed(situation))
    chat.say("确认")
    through_chat = chat.session()["verdict"]
    api = client.post("/api/mp/precheck", json=situation | {"date": dt.date.today().isoformat()})
    assert api.status_code == 200, api.get_json()
    expected = api.get_json()
    assert through_chat["income"] == expected["income"]
    assert through_chat["programmes"] == {name: expected["programmes"][name] for name in through_chat["programmes"]}
    assert through_chat["documents"] == expected["documents"]
