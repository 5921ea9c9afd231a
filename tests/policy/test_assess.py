"""assess through the public API: the worked example and what a resident reads."""

import datetime
import json

import pytest

from policy import RULES_VERSION, assess, parse_situation


def test_worked_example_figure_by_figure(worked_example):
    answer = assess(worked_example)
    assert answer["assessed_month"] == "2019-08"
    assert answer["income"] == {
        "gross": 2500.0,
        "employment_deduction": 510.0,
        "rigid_spending": 300.0,
        "net": 1690.0,
        "per_capita": 563.33,
    }
    programmes = answer["programmes"]
    assert programmes["dibao"]["eligible"] is True
    assert programmes["dibao"]["monthly_benefit"] == 710.0
    assert programmes["dibao"]["standard"] == 800.0
    assert programmes["dishouru"]["eligible"] is False
    assert programmes["tekun"] == {"eligible": False, "members": [], "monthly_support": 0.0}
    assert programmes["jiaoyu"]["eligible"] is True
    assert programmes["jiaoyu"]["students"] == [2]
    assert programmes["weifang"] == {"eligible": True, "subsidy": 120000.0}
    assert programmes["jiuye_kunnan"] == {"members": []}
    assert answer["rules_version"] == RULES_VERSION


def test_answer_has_the_shape_of_interfaces_md(worked_example):
    answer = assess(worked_example)
    # interfaces.md's keys, plus `claims` (declared flags the rules checked) and the tagged sentences
    assert set(answer) == {"assessed_month", "income", "programmes", "documents", "explanation", "rules_version",
                           "claims", "explanation_items"}
    assert set(answer["programmes"]) == {
        "dibao", "dishouru", "tekun", "jiaoyu", "weifang", "jiuye_kunnan", "yiliao", "daikuan",
    }
    assert all(set(entry) <= {"id", "title", "count", "members"} for entry in answer["documents"])
    assert all(isinstance(line, str) and line for line in answer["explanation"])
    json.dumps(answer)  # plain JSON types only


def test_raw_and_parsed_situations_give_the_same_answer(worked_example):
    assert assess(parse_situation(worked_example)) == assess(worked_example)


def test_explanation_names_each_figure_and_the_dates(worked_example):
    text = "\n".join(assess(worked_example)["explanation"])
    for figure in ("2500.00", "510.00", "300.00", "1690.00", "563.33", "800.00", "710.00", "1700.00", "30%"):
        assert figure in text, figure
    # since when the rules applied: the 800 standard, the 30% rate, the minimum wage
    for date in ("2019年7月1日", "2018年3月23日", "2017年7月1日"):
        assert date in text, date
    assert "待核实" in text  # the minimum wage awaits verification


def test_explanation_of_a_refusal_gives_the_distance():
    answer = assess({"date": "2019-08-01", "hukou_xiamen": True, "members": [{"age": 70, "monthly_income": 837.5}]})
    assert answer["programmes"]["dibao"]["eligible"] is False
    text = "\n".join(answer["explanation"])
    assert "人均月收入比低保标准高37.50元" in text
    # 837.50 is below the 低收入 line 1600
    assert answer["programmes"]["dishouru"]["eligible"] is True
    assert "1600.00" in text


def test_explanation_of_assets_over_the_limit():
    # of working age: at 70 the same person would be 特困 (limit 57,600) and not assessed for 低保
    answer = assess({"date": "2019-08-01", "hukou_xiamen": True, "members": [{"age": 55}], "financial_assets": 40000})
    text = "\n".join(answer["explanation"])
    # 40000 − 48 × 800 = 1600
    assert "超过上限38400.00元" in text and "高出1600.00元" in text


def test_the_month_decides_the_rules_not_the_day():
    # of working age: at 60+ 750 < 800 would be 特困 from July
    one = {"hukou_xiamen": True, "members": [{"age": 55, "monthly_income": 750}]}
    june = assess(dict(one, date="2019-06-30"))
    july = assess(dict(one, date="2019-07-01"))
    assert june["programmes"]["dibao"]["standard"] == 720.0
    assert june["programmes"]["dibao"]["eligible"] is False
    assert july["programmes"]["dibao"]["standard"] == 800.0
    assert july["programmes"]["dibao"]["monthly_benefit"] == 50.0


def test_the_deduction_raise_of_2018_03_23_counts_from_april():
    worker = {"hukou_xiamen": True, "members": [{"age": 40, "employed": True, "monthly_income": 2000}]}
    assert assess(dict(worker, date="2018-03-31"))["income"]["employment_deduction"] == 340.0
    assert assess(dict(worker, date="2018-04-01"))["income"]["employment_deduction"] == 510.0


def test_date_left_out_means_this_month_in_china():
    china = datetime.timezone(datetime.timedelta(hours=8))
    before = datetime.datetime.now(china).strftime("%Y-%m")
    answer = assess({"members": [{"age": 30}]})
    after = datetime.datetime.now(china).strftime("%Y-%m")
    assert answer["assessed_month"] in (before, after)


def test_tekun_members_and_their_support():
    answer = assess({"date": "2019-08-01", "hukou_xiamen": True,
                     "members": [{"age": 72}, {"age": 70, "monthly_income": 300}]})
    assert answer["programmes"]["tekun"] == {"eligible": True, "members": [0, 1], "monthly_support": 1200.0}
    text = "\n".join(answer["explanation"])
    assert "第1位成员符合特困人员条件" in text and "1200.00" in text


def test_money_is_rounded_half_up_to_the_fen():
    # 1000.01 / 2 = 500.005 -> 500.01
    answer = assess({"date": "2019-08-01", "members": [{"age": 70, "monthly_income": 1000.01}, {"age": 70}]})
    assert answer["income"]["per_capita"] == 500.01


def test_yiliao_is_an_estimate():
    answer = assess({"date": "2019-08-01", "hukou_xiamen": True, "members": [{"age": 60}],
                     "medical_total_cost": 100000})
    assert answer["programmes"]["yiliao"] == {
        "estimate": True, "total_cost": 100000.0, "basic_insurance": 69300.0,
        "critical_illness": 9420.0, "assistance": 14896.0, "out_of_pocket": 6384.0,
    }
    assert any("估算" in line and "仅供参考" in line for line in answer["explanation"])


@pytest.mark.parametrize(
    ("date", "covered", "eligible"),
    [("2024-12-31", False, False), ("2025-01-01", True, True)],
)
def test_daikuan_is_covered_from_the_2025_rules(date, covered, eligible):
    answer = assess({
        "date": date,
        "members": [{"age": 70}, {"age": 35, "registered_unemployed": True}],
        "loan": {"applicant": 1, "business_in_xiamen": True},
    })
    daikuan = answer["programmes"]["daikuan"]
    assert (daikuan["covered"], daikuan["eligible"], daikuan["applicant"]) == (covered, eligible, 1)
    assert daikuan["max_amount"] == (300000.0 if covered else 0.0)
    text = "\n".join(answer["explanation"])
    assert ("不在覆盖范围内" in text) is not covered


def test_jiuye_kunnan_members():
    answer = assess({
        "date": "2020-05-01", "hukou_xiamen": True, "financial_assets": 900000,
        "members": [
            {"age": 45, "sex": "female", "registered_unemployed": True, "unemployed_months": 8},
            {"age": 47, "sex": "male", "registered_unemployed": True, "unemployed_months": 8},
        ],
    })
    assert answer["programmes"]["jiuye_kunnan"] == {"members": [0]}


def test_tekun_needs_xiamen_hukou():
    elder = {"date": "2019-08-01", "members": [{"age": 80}]}
    assert assess(dict(elder, hukou_xiamen=True))["programmes"]["tekun"]["members"] == [0]
    answer = assess(dict(elder, hukou_xiamen=False))
    assert answer["programmes"]["tekun"] == {"eligible": False, "members": [], "monthly_support": 0.0}
    assert any("特困人员须是厦门户籍" in line for line in answer["explanation"])


def test_tekun_comes_before_dibao():
    """Issue 11: alone, aged 40, intellectual disability grade 3, no income: 特困 at 1.5 × 720 =
    1,080 (2019-06), not 低保 at 720 as well."""
    answer = assess({"date": "2019-06-15", "hukou_xiamen": True,
                     "members": [{"age": 40, "disability": {"kind": "intellectual", "grade": 3}}]})
    programmes = answer["programmes"]
    assert programmes["tekun"] == {"eligible": True, "members": [0], "monthly_support": 1080.0}
    assert programmes["dibao"]["eligible"] is False and programmes["dibao"]["monthly_benefit"] == 0.0
    assert programmes["dishouru"]["eligible"] is False
    text = "\n".join(answer["explanation"])
    assert "第1位成员符合特困人员条件，按特困人员供养" in text and "不再同时领取低保" in text
    assert "低于低保标准" not in text  # nobody is left to assess for 低保
    # the checklist is the 特困 one, not the 低保 family's
    ids = {d["id"] for d in answer["documents"]}
    assert "supporter_evidence" in ids and "property_declaration" not in ids


def test_the_other_members_are_assessed_for_dibao_without_the_tekun_member():
    # The wife (70, no income) is 特困; the husband (72, pension 1,000) is not and carries half of
    # the household's 500 a month of medical spending: (800 − (1000 − 250)) × 1 = 50.
    answer = assess({"date": "2019-08-01", "hukou_xiamen": True, "annual_medical_expense": 6000,
                     "members": [{"age": 72, "monthly_income": 1000}, {"age": 70}]})
    programmes = answer["programmes"]
    assert programmes["tekun"]["members"] == [1] and programmes["tekun"]["monthly_support"] == 1200.0
    assert programmes["dibao"]["eligible"] is True
    assert programmes["dibao"]["monthly_benefit"] == 50.0
    assert answer["income"]["per_capita"] == 250.0  # the household's income test is unchanged
    text = "\n".join(answer["explanation"])
    assert "第2位成员符合特困人员条件" in text
    assert "其余1人按低保审核" in text and "250.00" in text and "750.00" in text
    assert "× 1人 − 其余成员月净收入750.00元 = 50.00元" in text


def test_a_declared_flag_is_a_claim_shown_not_paid():
    situation = {"date": "2019-08-01", "hukou_xiamen": True,
                 "members": [{"age": 78, "monthly_income": 1200, "scattered_tekun": True}],
                 "housing": {"grade": "D", "one_house": True, "plan": "rebuild", "area_m2": 40}}
    answer = assess(situation)
    assert answer["claims"] == [{"member": 0, "claim": "scattered_tekun", "confirmed": False}]
    assert answer["programmes"]["weifang"] == {"eligible": False, "subsidy": 0.0}
    assert any("申报为已认定的分散供养特困人员，但按填写的情况不符合特困人员条件" in line
               for line in answer["explanation"])
    # the same person with a pension below the standard is 特困: the claim is confirmed and pays
    situation["members"][0]["monthly_income"] = 500
    answer = assess(situation)
    assert answer["claims"] == [{"member": 0, "claim": "scattered_tekun", "confirmed": True}]
    assert answer["programmes"]["weifang"] == {"eligible": True, "subsidy": 60000.0}
    assert not any("申报为已认定" in line for line in answer["explanation"])


def test_no_claims_without_a_declared_flag(worked_example):
    assert assess(worked_example)["claims"] == []
