"""Questions asked at any moment (bot/faq.py): the resident's question is answered, with the
figures of the rules in force; an answer or an application is left to the form."""
from __future__ import annotations

import datetime as dt
import time

import pytest

import forms
import policy
from bot import faq

XIAMEN = dt.timezone(dt.timedelta(hours=8))


def today() -> dt.date:
    return dt.datetime.now(XIAMEN).date()


def param(name: str, on: dt.date | None = None):
    for row in policy.parameters_in_force((on or today()).isoformat()):
        if row["name"] == name:
            return row["value"]
    raise LookupError(name)


def yuan(value) -> str:
    value = round(float(value), 2)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}"


def said(text, form_id=None, field=None, **kw) -> str | None:
    reply = faq.answer(text, form_id, field, **kw)
    return None if reply is None else "\n\n".join(reply.texts)


def question(form_id: str, field_id: str):
    """The form's question for `field_id` (the first member's, inside the household)."""
    form = forms.get(form_id)
    answers: dict = {}
    for _ in range(200):
        asked = forms.next_question(form, answers)
        assert asked is not None, f"{field_id} never asked in {form_id}"
        if asked.field.id == field_id:
            return asked
        raw = {"group": "1", "integer": str(asked.field.min or 30), "money": "0", "yesno": "是",
               "choice": "1", "date": "2030-01-01", "phone": "13800138000",
               "id_number": "11010519491231002X"}.get(asked.field.type, "测试")
        answers = forms.answer(form, answers, asked.path, raw)
    raise AssertionError(f"{field_id} not reached in {form_id}")


# --- what each topic question is answered with ---------------------------------------------

TOPICS = [
    ("什么是低保", "最低生活保障"),
    ("低保是什么？", "最低生活保障"),
    ("低保是啥意思", "最低生活保障"),
    ("低保有多少钱", "最低生活保障"),
    ("低保怎么申请", "最低生活保障"),
    ("低收入是什么", "低保边缘"),
    ("啥叫低保边缘户", "低保边缘"),
    ("特困是什么意思", "五保户"),
    ("特困人员要什么条件？", "五保户"),
    ("112是什么", "岗位推荐"),
    ("公益性岗位是干嘛的", "岗位推荐"),
    ("教育救助怎么申请", "幼儿园到大学"),
    ("医疗救助是什么", "大病保险"),
    ("危房改造有什么条件", "一户一宅"),
    ("创业贷款能贷多少", "创业担保贷款"),
]


@pytest.mark.parametrize("text, words", TOPICS)
def test_a_question_about_a_programme_is_answered(text, words):
    answer = said(text)
    assert answer is not None, text
    assert words in answer


@pytest.mark.parametrize("text", ["要多久", "审核要多长时间？", "多久能批下来", "什么时候能有结果"])
def test_how_long_review_takes_is_the_rules_deadline(text):
    answer = said(text)
    assert f"{param('process.deadlines.decision_working_days')}个工作日" in answer
    assert "进度" in answer


@pytest.mark.parametrize("text", ["我的信息安全吗", "会不会泄露", "谁能看到我的身份证号"])
def test_privacy_says_what_is_sealed_and_who_sees_it(text):
    answer = said(text)
    assert "加密" in answer and "身份证号" in answer and "街道" in answer


@pytest.mark.parametrize("text", ["表格从哪来", "这些问题是哪来的？", "有什么依据"])
def test_where_the_form_comes_from_names_the_notice(text):
    assert "厦委办发〔2018〕16号" in said(text)
    assert "「最低生活保障（低保）」" in said(text, "dibao")


def test_documents_and_form_length_questions():
    assert "身份证" in said("低保要准备什么材料")
    assert "返回" in said("还有几题", "dibao", question("dibao", "hukou_xiamen"))


# --- what is not a question -----------------------------------------------------------------

NOT_QUESTIONS = [
    "低保", "我想申请低保", "我要申请低保", "帮我申请低保", "我能申请低保吗", "特困", "危房", "找工作",
    "房子漏雨", "为什么", "2500", "两千六", "1500左右", "是的，思明区", "没有车", "没领过", "不住校",
    "愿意", "随时都可以", "没工作，身体不好", "1120", "", "？", "进度", "人工", "帮助", "还缺什么材料",
    "补充材料",
]


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_an_application_or_an_answer_is_not_a_question(text):
    assert faq.answer(text) is None
    assert faq.answer(text, "dibao", question("dibao", "hukou_xiamen")) is None


def test_an_address_or_a_story_naming_a_programme_is_an_answer():
    address = question("dibao", "address")
    assert faq.answer("莲前西路112号标准厂房", "dibao", address) is None
    story = question("xiansuo", "what")
    assert faq.answer("隔壁阿婆一个人住，好几天没出门了，也不知道有没有低保", "xiansuo", story) is None
    # …but a question typed there is still answered.
    assert "最低生活保障" in said("什么是低保", "dibao", address)


# --- figures come from the rules --------------------------------------------------------------

def test_the_dibao_answer_quotes_the_standard_in_force_today():
    standard = param("dibao.standard")
    answer = said("什么是低保")
    assert f"每人每月 {yuan(standard)} 元" in answer
    assert f"{yuan(standard * param('dibao.asset_months'))} 元" in answer
    deduction = param("income.minimum_wage") * param("income.employment_deduction_rate")
    assert f"{yuan(deduction)} 元就业成本" in answer


def test_the_figures_follow_the_parameters_date():
    before = dt.date(2019, 6, 30)
    then, now = param("dibao.standard", before), param("dibao.standard")
    assert then != now  # the standard was raised on 2019-07-01
    old = said("低保标准是多少", on=before)
    assert f"每人每月 {yuan(then)} 元" in old and f"{yuan(now)} 元" not in old
    tekun = said("特困是什么", on=before)
    assert f"{yuan(then * param('tekun.support_multiple', before))} 元" in tekun


def test_other_programmes_quote_their_parameters():
    assert f"{yuan(param('dibao.standard') * param('dishouru.income_multiple'))} 元" in said("低收入是什么")
    assert f"{yuan(param('weifang.repair_cap'))} 元" in said("危房改造是什么")
    assert f"{yuan(param('daikuan.chuangye.max_amount'))} 元" in said("创业担保贷款是什么")
    assert f"{param('jiuye.service_112.job_recommendations')}次岗位推荐" in said("112是什么")


# --- mid-form and new user ----------------------------------------------------------------------

def test_a_new_user_is_told_how_to_start():
    assert "回复“低保”" in said("低保是什么")
    assert "回复“找工作”" in said("112是什么")


def test_mid_form_the_answer_leads_back_to_the_question_and_starts_nothing():
    waiting = question("dibao", "financial_assets")
    answer = said("什么是低保", "dibao", waiting)
    assert "最低生活保障" in answer
    assert "回复“低保”" not in answer  # typed now, it would be taken as the answer
    assert answer.endswith("我们接着刚才的问题：")


def test_why_a_question_is_asked_uses_that_question():
    assets = said("为什么要问这个", "dibao", question("dibao", "financial_assets"))
    assert f"{yuan(param('dibao.standard') * param('dibao.asset_months'))} 元" in assets
    hukou = said("问这个干嘛", "dibao", question("dibao", "hukou_xiamen"))
    assert "户籍" in hukou
    loan_age = said("为什么要问年龄？", "daikuan", question("daikuan", "age"))
    assert f"{param('daikuan.chuangye.max_age')}岁" in loan_age
    # A field without its own reason: the general one, then the field's help.
    pets = forms.Field(id="pets", type="yesno", prompt="家里养宠物吗？", required=True, maps_to="pets",
                       help="猫狗都算。")
    general = said("为啥要问这个", "dibao", pets)
    assert "厦委办发〔2018〕16号" in general and "猫狗都算。" in general
    assert "工作人员办理时要用的信息" in said("为啥要问这个", "dibao", "no_such_field")


def test_why_with_no_question_waiting_explains_the_questions():
    assert "厦委办发〔2018〕16号" in said("为什么要问这么多")


def test_every_answer_is_one_short_message_for_residents():
    texts = [t for t, _ in TOPICS] + ["要多久", "我的信息安全吗", "表格从哪来", "低保要什么材料", "还有几题",
                                      "为什么要问这个"]
    for form_id, field in [(None, None), ("dibao", question("dibao", "age"))]:
        for text in texts:
            answer = said(text, form_id, field)
            assert answer is not None, text
            assert len(answer) <= 300, (text, len(answer))
            assert "待核实" not in answer and "{" not in answer


@pytest.mark.parametrize("form", forms.all_forms(), ids=lambda f: f.id)
def test_why_is_answered_for_every_question_of_every_form(form):
    seen = set()

    def fields(items):
        for item in items:
            yield item
            yield from fields(item.fields)

    for field in fields(form.fields):
        answer = said("为什么要问这个", form.id, field)
        assert answer is not None and len(answer) <= 300, field.id
        assert answer.endswith("我们接着刚才的问题：")
        seen.add(field.id)
    assert seen


def test_matching_is_fast_enough_for_every_message():
    waiting = question("dibao", "monthly_income")
    faq.answer("什么是低保", "dibao", waiting)  # parameters read once
    start = time.perf_counter()
    for _ in range(2000):
        faq.answer("2500", "dibao", waiting)
        faq.answer("是的，思明区", "dibao", waiting)
    per_message = (time.perf_counter() - start) / 4000
    assert per_message < 200e-6, f"{per_message * 1e6:.0f} µs per message"
