"""特困 before 低保 through the chat (issue 11): a resident who meets 特困 is filed as 特困, and a
declared 分散供养特困 flag the rules contradict pays no housing subsidy."""
from sqlalchemy import select

from models import Application, Session

# The finding of issue 11: alone, aged 40, intellectual disability grade 3, no income, Xiamen
# 户籍, applying from the 低保 menu.
ALONE_PLAN = {
    "hukou_xiamen": "是", "any_tekun": "否",
    "members": [{"age": "40", "sex": "男", "employed": "否", "monthly_income": "0", "disabled": "是",
                 "disability_kind": "智力残疾", "disability_grade": "3"}],
    "monthly_support_received": "0", "has_able_supporter": "否", "annual_medical_expense": "0",
    "prior_year_medical_aid": "0", "prior_year_education_aid": "0", "financial_assets": "0",
    "owns_vehicle": "否",
    "name": "林志强", "id_number": "11010519491231002X", "phone": "13812345678", "district": "1",
    "street": "鹭江街道", "address": "思明区鹭江道2号",
}


def test_a_resident_who_meets_tekun_is_filed_as_tekun_not_dibao(chat):
    chat.click("APPLY_DIBAO")
    chat.fill(ALONE_PLAN)
    reply = chat.say("确认")
    assert "特困" in reply

    application = Session.scalar(select(Application))
    assert application.state == "draft"
    assert application.programme == "tekun"
    programmes = application.verdict["programmes"]
    standard = programmes["dibao"]["standard"]
    # 1.5 × the 低保 standard (1,080 under 720, 1,200 under 800), and no 低保 on top
    assert programmes["tekun"] == {"eligible": True, "members": [0], "monthly_support": 1.5 * standard}
    assert programmes["dibao"]["eligible"] is False and programmes["dibao"]["monthly_benefit"] == 0
    assert any("不再同时领取低保" in line for line in application.verdict["explanation"])
    # the checklist is the 特困 one: the disability certificate and the evidence about supporters
    ids = {slot["item"] for slot in chat.session()["slots"]}
    assert {"disability_cert", "supporter_evidence"} <= ids and "property_declaration" not in ids


def test_a_declared_tekun_flag_the_rules_contradict_pays_no_housing_subsidy(chat):
    # A 78-year-old with a pension of 1,200 (not below the 低保 standard) who says she is 分散供养特困.
    plan = {
        "graded": "是", "house_grade": "D", "one_house": "是", "plan": "2", "area_m2": "40",
        "hukou_xiamen": "是", "any_tekun": "是",
        "members": [{"age": "78", "sex": "女", "employed": "否", "monthly_income": "1200", "disabled": "否",
                     "scattered_tekun": "是"}],
        "monthly_support_received": "0", "has_able_supporter": "否", "annual_medical_expense": "0",
        "prior_year_medical_aid": "0", "prior_year_education_aid": "0", "financial_assets": "0",
        "owns_vehicle": "否",
        "name": "林秀英", "id_number": "11010519491231002X", "phone": "13812345678", "district": "1",
        "street": "鹭江街道", "address": "思明区鹭江道3号",
    }
    chat.click("APPLY_WEIFANG")
    chat.fill(plan)
    chat.say("确认")

    verdict = chat.session()["verdict"]
    assert verdict["programmes"]["tekun"]["eligible"] is False
    assert verdict["programmes"]["weifang"] == {"eligible": False, "subsidy": 0.0}
    # the claim is kept for staff, marked as not confirmed by the rules
    assert verdict["claims"] == [{"member": 0, "claim": "scattered_tekun", "confirmed": False}]
    assert Session.scalar(select(Application)) is None
