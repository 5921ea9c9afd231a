"""parse_situation: left-out answers filled in, bad answers refused by field."""

import math

import pytest

from policy import SituationError, assess_many, parse_situation


def test_everything_but_members_and_age_may_be_left_out():
    parsed = parse_situation({"date": "2019-08-01", "members": [{"age": 30}]})
    assert parsed["hukou_xiamen"] is False
    assert parsed["financial_assets"] == 0.0
    assert parsed["housing"] is None and parsed["loan"] is None
    member = parsed["members"][0]
    assert member == {
        "age": 30, "sex": None, "employed": False, "monthly_income": 0.0, "student_stage": None,
        "boarding": False, "parent_disabled": False, "scattered_tekun": False,
        "registered_unemployed": False, "unemployed_months": 0, "land_expropriated": False,
        "graduate": False, "disability": None,
    }


def test_null_means_left_out():
    parsed = parse_situation({"date": "2019-08-01", "members": [{"age": 30, "employed": None}], "housing": None})
    assert parsed["members"][0]["employed"] is False and parsed["housing"] is None


def test_nested_objects_are_completed():
    parsed = parse_situation({
        "date": "2019-08-01",
        "members": [{"age": 30, "disability": {"kind": "visual"}}],
        "housing": {"grade": "C"},
        "loan": {"group": "veteran"},
    })
    assert parsed["members"][0]["disability"] == {"kind": "visual", "grade": None}
    assert parsed["housing"] == {"grade": "C", "one_house": False, "plan": None, "area_m2": 0.0, "repair_cost": 0.0}
    assert parsed["loan"] == {"applicant": 0, "group": "veteran", "business_in_xiamen": False, "other_debt": 0.0}


def test_parsing_is_idempotent(worked_example):
    parsed = parse_situation(worked_example)
    assert parse_situation(parsed) == parsed


def _member(**answers):
    return {"date": "2019-08-01", "members": [{"age": 40}, dict({"age": 30}, **answers)]}


@pytest.mark.parametrize(
    ("situation", "field", "words"),
    [
        # unknown keys, at each level
        ({"members": [{"age": 1}], "salary": 1}, "salary", "不认识"),
        (_member(salary=1), "members[1].salary", "不认识"),
        (_member(disability={"kind": "visual", "level": 1}), "members[1].disability.level", "不认识"),
        ({"members": [{"age": 1}], "housing": {"floors": 2}}, "housing.floors", "不认识"),
        ({"members": [{"age": 1}], "loan": {"rate": 2}}, "loan.rate", "不认识"),
        # wrong types: a bool is not a number, a string is not a number
        (_member(age=True), "members[1].age", "整数"),
        (_member(age=30.5), "members[1].age", "整数"),
        (_member(monthly_income=True), "members[1].monthly_income", "数字"),
        (_member(monthly_income="2500"), "members[1].monthly_income", "数字"),
        ({"members": [{"age": 1}], "financial_assets": "many"}, "financial_assets", "数字"),
        (_member(employed=1), "members[1].employed", "是"),
        (_member(employed="yes"), "members[1].employed", "是"),
        ({"members": [{"age": 1}], "hukou_xiamen": "true"}, "hukou_xiamen", "是"),
        ({"members": [{"age": 1}], "housing": [1]}, "housing", "对象"),
        (_member(disability="physical"), "members[1].disability", "对象"),
        ({"members": [5]}, "members[0]", "对象"),
        ({"members": {"age": 1}}, "members", "列表"),
        ([], "", "对象"),
        # negative money
        (_member(monthly_income=-1), "members[1].monthly_income", "负数"),
        ({"members": [{"age": 1}], "annual_medical_expense": -0.01}, "annual_medical_expense", "负数"),
        ({"members": [{"age": 1}], "housing": {"repair_cost": -5}}, "housing.repair_cost", "负数"),
        # NaN and infinity
        ({"members": [{"age": 1}], "financial_assets": math.nan}, "financial_assets", "有效"),
        (_member(monthly_income=math.inf), "members[1].monthly_income", "有效"),
        ({"members": [{"age": 1}], "housing": {"area_m2": -math.inf}}, "housing.area_m2", "有效"),
        # ages outside 0–120, and age required
        (_member(age=-1), "members[1].age", "0到120"),
        (_member(age=121), "members[1].age", "0到120"),
        ({"members": [{"age": 40}, {"sex": "male"}]}, "members[1].age", "必须填写"),
        # household size
        ({"members": []}, "members", "1到20"),
        ({"members": [{"age": 30}] * 21}, "members", "1到20"),
        ({"date": "2019-08-01"}, "members", "必须填写"),
        # enums
        (_member(sex="m"), "members[1].sex", "male"),
        (_member(disability={"kind": "back", "grade": 1}), "members[1].disability.kind", "physical"),
        (_member(disability={"kind": "physical", "grade": 5}), "members[1].disability.grade", "1到4"),
        (_member(disability={"kind": "physical", "grade": 0}), "members[1].disability.grade", "1到4"),
        (_member(student_stage="college"), "members[1].student_stage", "university"),
        (_member(student_stage=["junior"]), "members[1].student_stage", "junior"),
        ({"members": [{"age": 1}], "housing": {"grade": "B"}}, "housing.grade", "C"),
        ({"members": [{"age": 1}], "housing": {"plan": "demolish"}}, "housing.plan", "rebuild"),
        ({"members": [{"age": 1}], "loan": {"group": "student"}}, "loan.group", "veteran"),
        ({"members": [{"age": 1}], "loan": {"applicant": 1}}, "loan.applicant", "成员序号"),
        # dates
        ({"members": [{"age": 1}], "date": "2019-02-30"}, "date", "不是一个存在的日期"),
        ({"members": [{"age": 1}], "date": "15/08/2019"}, "date", "年-月-日"),
        ({"members": [{"age": 1}], "date": 20190815}, "date", "年-月-日"),
        ({"members": [{"age": 1}], "date": "2017-06-30"}, "date", "不覆盖"),
    ],
)
def test_bad_answers_are_refused_naming_the_field(situation, field, words):
    with pytest.raises(SituationError) as caught:
        parse_situation(situation)
    error = caught.value
    assert error.field == field
    assert words in error.message
    if field:
        assert f"（{field}）" in error.message


def test_a_member_is_named_in_chinese():
    with pytest.raises(SituationError) as caught:
        parse_situation(_member(age=200))
    assert caught.value.message.startswith("第2位家庭成员的年龄")


def test_a_batch_names_the_household():
    good = {"date": "2019-08-01", "members": [{"age": 30}]}
    with pytest.raises(SituationError) as caught:
        assess_many([good, good, _member(monthly_income=-3)])
    error = caught.value
    assert (error.index, error.field) == (2, "members[1].monthly_income")
    assert error.message.startswith("第3户：")


def test_the_earliest_covered_month_is_accepted():
    assert parse_situation({"date": "2017-07-01", "members": [{"age": 1}]})["date"] == "2017-07-01"
