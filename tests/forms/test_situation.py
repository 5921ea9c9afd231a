"""From answers to the household situation of interfaces.md: the chat's verdict is the rules'
verdict on the same answers, so the mapping must be exact."""

import datetime
import json
import math
import string

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import forms
from forms import answer, next_question, skip, to_situation
from forms import situation_keys as sk
from forms.types import id_check_character

# interfaces.md, "Household situation", verbatim.
WORKED_EXAMPLE = json.loads("""
{
  "date": "2019-08-15",
  "hukou_xiamen": true,
  "members": [
    {"age": 45, "sex": "male", "employed": true, "monthly_income": 2500,
     "disability": null, "student_stage": null, "scattered_tekun": false},
    {"age": 43, "sex": "female", "employed": false, "monthly_income": 0},
    {"age": 15, "sex": "female", "employed": false, "monthly_income": 0,
     "student_stage": "junior"}
  ],
  "monthly_support_received": 0,
  "annual_medical_expense": 3600, "annual_education_expense": 0,
  "prior_year_medical_aid": 0, "prior_year_education_aid": 0,
  "financial_assets": 20000, "owns_vehicle": false, "has_able_supporter": false,
  "housing": {"grade": "D", "one_house": true, "plan": "rebuild", "area_m2": 80, "repair_cost": 0}
}
""")

# The worked example's household, as a resident answers in the chat.
HOUSEHOLD_REPLIES = [
    "是", "否",                                 # hukou in Xiamen; nobody is 特困
    "3",                                        # three people
    "45", "男", "是", "2500", "否",              # 1: works, earns 2500
    "43", "女", "配偶", "否", "0", "否",         # 2: the spouse: no work, no income
    "15", "女", "子女", "是", "初中", "否", "否", "否",  # 3: a child in junior high, not boarding
    "0", "否", "3600", "0", "0", "0", "2万", "否",
]
APPLICANT_REPLIES = ["陈美玲", "11010519491231002X", "13912345678", "湖里区", "金山街道", "某某路1号"]


def chat(form, replies):
    """Answer question after question; None skips one."""
    answers = {}
    for reply in replies:
        question = next_question(form, answers)
        assert question is not None, f"no question left for {reply!r}"
        answers = (skip(form, answers, question.path) if reply is None
                   else answer(form, answers, question.path, reply))
    assert next_question(form, answers) is None, "the form asks for more"
    return answers


def meaningful(situation):
    """A situation without what leaving a key out means anyway (false, 0, null)."""
    def strip(obj, keep=()):
        return {k: v for k, v in obj.items() if k in keep or v not in (None, False, 0)}

    out = strip({k: v for k, v in situation.items() if k not in ("members", "housing", "loan")})
    out["members"] = [strip(member, keep=("age",)) for member in situation["members"]]
    for key in ("housing", "loan"):
        if situation.get(key):
            out[key] = strip(situation[key])
    return out


def without(situation, *keys):
    return {k: v for k, v in situation.items() if k not in keys}


def test_the_dibao_chat_gives_the_worked_example():
    situation = to_situation(forms.get("dibao"), chat(forms.get("dibao"), HOUSEHOLD_REPLIES + APPLICANT_REPLIES))
    # Only mapped answers, exactly as given: identity, `student` and `disabled` stay out.
    assert situation == {
        "hukou_xiamen": True,
        "members": [
            {"age": 45, "sex": "male", "employed": True, "monthly_income": 2500},
            {"age": 43, "sex": "female", "employed": False, "monthly_income": 0},
            {"age": 15, "sex": "female", "student_stage": "junior", "boarding": False,
             "parent_disabled": False},
        ],
        "monthly_support_received": 0, "has_able_supporter": False,
        "annual_medical_expense": 3600, "annual_education_expense": 0,
        "prior_year_medical_aid": 0, "prior_year_education_aid": 0,
        "financial_assets": 20000, "owns_vehicle": False,
    }
    assert meaningful(situation) == meaningful(without(WORKED_EXAMPLE, "date", "housing"))


def test_the_weifang_chat_gives_the_worked_example_with_its_housing():
    weifang = forms.get("weifang")
    replies = ["是", "D级（整栋危险）", "是", "2", "80平方米"] + HOUSEHOLD_REPLIES + [
        {"media_id": "PHOTO_1"}, None] + APPLICANT_REPLIES
    answers = chat(weifang, replies)
    assert answers["house_photo"] == {"media_id": "PHOTO_1"} and answers["house_location"] is None
    situation = to_situation(weifang, answers)
    assert situation["housing"] == {"grade": "D", "one_house": True, "plan": "rebuild", "area_m2": 80}
    assert meaningful(situation) == meaningful(without(WORKED_EXAMPLE, "date"))


def test_a_member_with_a_disability_certificate():
    dibao = forms.get("dibao")
    replies = ["是", "是", "1", "62", "女", "否", "600", "是", "肢体残疾", "二级", "是",
               "0", "否", "0", "0", "0", "0", "否"] + APPLICANT_REPLIES
    situation = to_situation(dibao, chat(dibao, replies))
    assert situation["members"] == [{"age": 62, "sex": "female", "employed": False, "monthly_income": 600,
                                     "disability": {"kind": "physical", "grade": 2},
                                     "scattered_tekun": True}]
    assert "annual_education_expense" not in situation  # nobody studies


def test_answers_that_do_not_apply_never_reach_the_situation():
    dibao = forms.get("dibao")
    answers = chat(dibao, HOUSEHOLD_REPLIES + APPLICANT_REPLIES)
    # Stale answers, as a careless caller might keep them: not a student, yet a stage.
    answers["members"][0].update(student_stage="university", scattered_tekun=True)
    answers["members"][2]["student"] = False
    situation = to_situation(dibao, answers)
    assert all("student_stage" not in m and "scattered_tekun" not in m for m in situation["members"])
    assert "annual_education_expense" not in situation


def test_the_jiuye_registration_feeds_the_employment_difficulty_keys():
    jiuye = forms.get("jiuye")
    replies = ["林秀英", "女", "45", "是", "初中", "是", "8个月", "否", "不是", "是", "视力残疾", "3",
               "保洁员", "保洁、家政", "1,2", "是", "2025年9月1日", "3", "lin@example.com",
               "139 1234 5678", "11010519491231002x", "思明区", "1"]
    answers = chat(jiuye, replies)
    assert answers["work_districts"] == ["思明区", "湖里区"]
    assert answers["available_from"] == "2025-09-01" and answers["email"] == "lin@example.com"
    assert to_situation(jiuye, answers) == {
        "hukou_xiamen": True, "dibao_recipient": False,
        "members": [{"sex": "female", "age": 45, "registered_unemployed": True, "unemployed_months": 8,
                     "land_expropriated": False, "disability": {"kind": "visual", "grade": 3}}],
    }


def test_the_loan_precheck_feeds_the_loan_object():
    daikuan = forms.get("daikuan")
    replies = ["35", "否", "否", "是", "退役军人", "是", "0", "在集美开早餐店", "10万"] + APPLICANT_REPLIES
    answers = chat(daikuan, replies)
    assert answers["amount_wanted"] == 100000
    assert to_situation(daikuan, answers) == {
        "members": [{"age": 35, "registered_unemployed": False, "graduate": False}],
        "loan": {"group": "veteran", "business_in_xiamen": True, "other_debt": 0},
    }


def test_a_clue_report_feeds_no_rule():
    xiansuo = forms.get("xiansuo")
    replies = ["独居老人，腿脚不便，没有收入", "1", None, None, "同安区", "某村口小卖部后面第二间",
               {"lat": 24.73, "lng": 118.15, "label": "同安区某村"}, None, "小李", None, "13812345678"]
    answers = chat(xiansuo, replies)
    assert answers["urgency"] == "urgent" and answers["location"]["label"] == "同安区某村"
    assert to_situation(xiansuo, answers) == {}


# --- any valid answers make a situation the rules accept --------------------------------


def _raw_answers(field):
    """Strategies for what a resident (text) or the mini-program (JSON) may validly send."""
    kind = field.type
    if kind in ("integer", "group"):
        high = min(field.max, field.min + 3) if kind == "group" else field.max
        numbers = st.integers(field.min, high)
        return st.one_of(numbers, numbers.map(str), numbers.map(lambda n: f"{n}{field.unit or ''}"))
    if kind == "money":
        low, high = math.ceil(field.min), min(field.max, 10**7)
        yuan = st.integers(low, high)
        cents = st.integers(low * 100, high * 100).map(lambda c: f"{c // 100}.{c % 100:02d}")
        return st.one_of(yuan, yuan.map(str), yuan.map(lambda n: f"{n:,}元"), cents)
    if kind == "yesno":
        return st.sampled_from(["是", "否", "有", "没有", "对", "不是", "1", "2", "y", "n", True, False])
    if kind == "choice":
        picks = st.sampled_from(list(enumerate(field.options)))
        one = picks.flatmap(lambda p: st.sampled_from([str(p[0] + 1), p[1].label, p[1].value]))
        if field.multiple:
            return st.one_of(st.lists(one, min_size=1, max_size=3).map(",".join),
                             st.lists(st.sampled_from([o.value for o in field.options]), min_size=1))
        return one
    if kind == "date":
        days = st.dates(datetime.date(1950, 1, 1), datetime.date(2050, 12, 31))
        return st.one_of(days.map(str), days.map(lambda d: f"{d.year}年{d.month}月{d.day}日"))
    if kind == "id_number":
        first17 = st.builds(lambda d, s: f"350203{d:%Y%m%d}{s:03d}",
                            st.dates(datetime.date(1930, 1, 1), datetime.date(2005, 12, 31)),
                            st.integers(0, 999))
        return first17.map(lambda f: f + id_check_character(f))
    if kind == "phone":
        return st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
    if kind == "text":
        if field.pattern:
            return st.sampled_from(["li@example.com", "wang.fang@xm.gov.cn"])
        return st.text("王李张阿婆路号巷村口小卖部abc123 ", min_size=field.min_length,
                       max_size=min(field.max_length, 40)).filter(
            lambda t: len(t.strip()) >= field.min_length)
    if kind == "image":
        return st.builds(lambda m: {"media_id": m}, st.text(string.ascii_letters, min_size=1, max_size=20))
    assert kind == "location", kind
    return st.builds(lambda lat, lng: {"lat": lat, "lng": lng, "label": "某处"},
                     st.floats(-90, 90), st.floats(-180, 180))


def _check_value(kind, value, where):
    if kind == sk.BOOL:
        assert type(value) is bool, where
    elif kind == sk.MONEY:
        assert type(value) in (int, float) and math.isfinite(value) and 0 <= value <= 10**9, where
    elif kind == sk.DATE:
        assert datetime.date.fromisoformat(value).isoformat() == value, where
    elif isinstance(kind, sk.Whole):
        assert type(value) is int and kind.low <= value <= kind.high, where
    elif isinstance(kind, sk.Number):
        assert type(value) in (int, float) and kind.low <= value <= kind.high, where
    else:
        assert isinstance(kind, sk.OneOf) and value in kind.values, where


def _check_object(obj, prefix):
    assert isinstance(obj, dict) and obj, prefix
    for key, value in obj.items():
        if prefix == "members[]." and key == "disability":
            _check_object(value, "members[].disability.")
            continue
        assert prefix + key in sk.KEYS, f"unknown situation key {prefix + key}"
        _check_value(sk.KEYS[prefix + key], value, prefix + key)


def check_situation(situation):
    for key, value in situation.items():
        if key == "members":
            assert sk.KEYS["members"].low <= len(value) <= sk.KEYS["members"].high
            for member in value:
                assert "age" in member, "the rules need every member's age"
                _check_object(member, "members[].")
        elif key in ("housing", "loan"):
            _check_object(value, key + ".")
        else:
            _check_object({key: value}, "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form_id=st.sampled_from(sorted(f.id for f in forms.all_forms())), data=st.data())
def test_random_valid_answers_make_a_situation_of_known_keys_and_valid_values(form_id, data):
    form = forms.get(form_id)
    answers = {}
    while (question := next_question(form, answers)) is not None:
        if not question.field.required and data.draw(st.booleans()):
            answers = skip(form, answers, question.path)
        else:
            answers = answer(form, answers, question.path, data.draw(_raw_answers(question.field)))
    assert json.loads(json.dumps(answers)) == answers
    situation = to_situation(form, answers)
    assert json.loads(json.dumps(situation)) == situation
    check_situation(situation)
    assert ("members" in situation) == any(f.maps_to for f in form.fields)


@pytest.mark.parametrize("bad, words", [
    ({"members": [{}]}, "every member's age"),
    ({"members": [{"age": 45, "wage": 1}]}, "unknown situation key members[].wage"),
    ({"members": [{"age": 45, "sex": "other"}]}, "members[].sex"),
    ({"members": [{"age": 45}], "housing": {"grade": "D", "rooms": 2}}, "housing.rooms"),
    ({"members": [{"age": 45}], "owns_vehicle": 0}, "owns_vehicle"),
])
def test_the_situation_check_above_can_fail(bad, words):
    with pytest.raises(AssertionError, match=words.replace("[", r"\[").replace("]", r"\]")):
        check_situation(bad)
