"""Residents answer in their own words (两千六, 没有车, 是的，思明区, 随时都可以): the chat takes
them as answers, and refuses only what it cannot read, with one hint."""
import datetime

from tests.examples import WORKED_EXAMPLE_PLAN, typed

# The worked example's household, as a resident might really type it.
IN_OWN_WORDS = WORKED_EXAMPLE_PLAN | {
    "hukou_xiamen": "是的，在厦门", "any_tekun": "没有",
    "members": [
        {"age": "45岁", "sex": "男的", "student": "没上学", "employed": "有", "monthly_income": "两千六",
         "disabled": "没有"},
        {"relation": "我老伴", "age": "四十三", "sex": "女", "student": "不上", "employed": "没工作，身体不好",
         "monthly_income": "没有收入", "disabled": "没有"},
        {"relation": "女儿", "age": "十五岁", "sex": "女孩", "student": "在上学", "student_stage": "初中二年级",
         "boarding": "不住校", "parent_disabled": "都没有", "disabled": "没有"},
    ],
    "monthly_support_received": "没有", "has_able_supporter": "没有", "annual_medical_expense": "3600左右",
    "annual_education_expense": "没花钱", "prior_year_medical_aid": "没领过", "prior_year_education_aid": "没领过",
    "financial_assets": "两万左右", "owns_vehicle": "没有车", "district": "是的，思明区",
}


def test_the_dibao_form_in_residents_own_words(chat):
    chat.click("APPLY_DIBAO")
    assert "请核对" in chat.fill(IN_OWN_WORDS)
    answers = chat.session()["answers"]
    first, second, third = answers["members"]
    assert (first["age"], first["sex"], first["employed"], first["monthly_income"]) == (45, "male", True, 2600)
    assert (second["age"], second["employed"], second["monthly_income"]) == (43, False, 0)
    assert (third["age"], third["student_stage"], third["boarding"], third["parent_disabled"]) == (
        15, "junior", False, False)
    assert answers["hukou_xiamen"] is True and answers["any_tekun"] is False
    assert answers["annual_medical_expense"] == 3600 and answers["annual_education_expense"] == 0
    assert answers["prior_year_medical_aid"] == 0 and answers["prior_year_education_aid"] == 0
    assert answers["financial_assets"] == 20000 and answers["owns_vehicle"] is False
    assert answers["district"] == "思明区"


def test_a_job_seeker_in_their_own_words(chat):
    plan = {"name": "林芳", "sex": "女", "age": "四十五岁", "hukou_xiamen": "是的", "education": "初中毕业",
            "registered_unemployed": "办过", "unemployed_months": "半年", "land_expropriated": "不是", "dibao_recipient": "没有",
            "disabled": "没有", "desired_work": "超市收银", "work_districts": "哪里都行",
            "public_welfare": "愿意", "available_from": "随时都可以", "contact": "微信就行",
            "phone": "13912345678", "id_number": "11010519491231002X", "district": "湖里", "consent": "同意"}
    chat.click("APPLY_JIUYE")
    assert "请核对" in chat.fill(plan)
    answers = chat.session()["answers"]
    assert (answers["age"], answers["education"], answers["registered_unemployed"]) == (45, "junior", True)
    assert answers["unemployed_months"] == 6 and answers["work_districts"] == ["anywhere"]
    assert answers["public_welfare"] is True and answers["contact"] == "wechat"
    assert answers["available_from"] == datetime.date.today().isoformat()
    assert answers["district"] == "湖里区"


def reach_the_income_question(chat):
    chat.click("APPLY_DIBAO")
    for text in ("是", "否", "1", "45", "男", "是"):
        reply = chat.say(text)
    assert "平均每月收入多少元" in reply
    return reply


def test_an_answer_it_cannot_read_gets_one_hint(chat):
    reach_the_income_question(chat)
    reply = chat.say("挺多的")
    assert "请回复金额，例如 2500。" in reply
    assert reply.count("例如") == 1  # not the parser's example on top of the field's own
    assert chat.session()["answers"]["members"][0].get("monthly_income") is None


def test_a_range_is_refused_not_guessed(chat):
    reach_the_income_question(chat)
    reply = chat.say("一两千")
    assert "范围" in reply and "例如" not in reply
    assert "monthly_income" not in chat.session()["answers"]["members"][0]
    chat.say("1500左右")
    assert chat.session()["answers"]["members"][0]["monthly_income"] == 1500


def test_a_date_hint_gives_this_years_example(chat):
    plan = {"name": "林芳", "sex": "女", "age": "45", "hukou_xiamen": "是", "education": "2",
            "registered_unemployed": "是", "unemployed_months": "8", "land_expropriated": "否", "dibao_recipient": "否",
            "disabled": "否", "desired_work": "保洁", "work_districts": "1", "public_welfare": "是"}
    chat.click("APPLY_JIUYE")
    while chat.question().path != ("available_from",):
        chat.say(typed(chat.question(), plan) or "跳过")
    reply = chat.say("等通知吧")
    assert f"例如 {datetime.date.today().year}年" in reply and reply.count("例如") == 1
    assert "2019" not in reply and "2025" not in reply


def test_an_approximate_amount_is_taken_and_said_back(chat):
    chat.click("APPLY_DIBAO")
    for text in ("是", "否", "1", "45", "男", "是"):
        chat.say(text)
    reply = chat.say("1500左右")  # monthly income
    assert "已按 1,500 元记录" in reply
    assert chat.session()["answers"]["members"][0]["monthly_income"] == 1500


def test_not_urgent_is_not_an_emergency(chat):
    from sqlalchemy import func, select

    from models import Escalation, Session

    chat.click("APPLY_XIANSUO")
    assert chat.say("不急，慢慢来就行") is not None
    assert Session.scalar(select(func.count(Escalation.id))) == 0
