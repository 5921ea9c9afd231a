"""Verdicts a resident can read: a short first message about the form's own programmes, the
working on "为什么", members named by relation, amounts as "2,600 元", never "待核实"."""
import forms
from bot import verdict as verdicts
from tests.examples import WORKED_EXAMPLE_PLAN, typed

HOUSEHOLD = dict(WORKED_EXAMPLE_PLAN)
WEIFANG = HOUSEHOLD | {"graded": "是", "house_grade": "D", "one_house": "是", "plan": "2", "area_m2": "80"}
JOB_SEEKER = {"name": "林芳", "sex": "女", "age": "45", "hukou_xiamen": "是", "education": "2",
              "registered_unemployed": "是", "unemployed_months": "8", "land_expropriated": "否", "dibao_recipient": "否",
              "disabled": "否", "desired_work": "超市收银", "work_districts": "1,2", "public_welfare": "是",
              "contact": "1", "phone": "13912345678", "id_number": "11010519491231002X", "district": "2",
              "consent": "1"}
BORROWER = {"age": "35", "registered_unemployed": "是", "graduate": "否", "special_group": "否",
            "business_in_xiamen": "是", "other_debt": "0", "business": "社区早餐店", "amount_wanted": "10万",
            "name": "王强", "id_number": "11010519491231002X", "phone": "13712345678", "district": "3",
            "address": "集美区某路2号"}


def verdict_of(chat, key, plan):
    chat.click(key)
    assert "请核对" in chat.fill(plan)
    return chat.say("确认")


def plain_for_residents(text):
    assert "待核实" not in text
    assert ".00" not in text
    assert "第3位成员" not in text and "第1位成员" not in text


def test_worked_example_first_message_is_short_and_the_checklist_follows(chat):
    first = verdict_of(chat, "APPLY_DIBAO", HOUSEHOLD)
    assert len(first) <= 300, len(first)
    assert "✔ 低保：符合条件，每月约 710 元。" in first
    assert "拍照发给我" in first and "先发第1份：身份证（您本人）" in first  # what to do next
    assert "回复“为什么”看计算过程" in first
    assert "就业成本" not in first and "刚性支出" not in first
    plain_for_residents(first)
    checklist = "\n".join(chat.pushed())
    assert "【需要准备的材料，共" in checklist and "1. 身份证（您本人）" in checklist


def test_why_gives_the_working_in_short_sentences_naming_members_by_relation(chat):
    verdict_of(chat, "APPLY_DIBAO", HOUSEHOLD)
    working = chat.say("为什么")
    for figure in ("2,500 元", "510 元", "300 元", "1,690 元", "563.33 元", "800 元", "710 元"):
        assert figure in working, figure
    assert "2017年7月1日起" in working and "2019年7月1日起" in working  # since when the figures apply
    assert "您本人每月收入 2,500 元" in working
    assert "您的孩子（15岁）在读初中" in working
    plain_for_residents(working)
    assert max(len(line) for line in working.splitlines()) <= 80  # short sentences


def test_the_relation_question_is_asked_for_every_member_but_the_applicant(chat):
    chat.click("APPLY_DIBAO")
    chat.say("是")
    chat.say("否")
    assert "您本人今年多大年纪？" in chat.say("2")
    for answer in ("45", "男", "是", "2500", "否"):  # the applicant: age, sex, work, income, disability
        reply = chat.say(answer)
        assert "是您的什么人" not in reply
    chat.say("43")
    reply = chat.say("女")
    assert "第2位家庭成员是您的什么人？" in reply and "配偶" in reply and "子女" in reply
    # From then on the questions name her as the verdict will
    assert "您的妻子（43岁）现在有工作吗？" in chat.say("老婆")


def test_a_refusal_says_how_far_in_the_first_message(chat):
    plan = dict(HOUSEHOLD, members=[dict(HOUSEHOLD["members"][0], monthly_income="9000")])
    first = verdict_of(chat, "APPLY_DIBAO", plan)
    # one person: 9,000 − 510 (work) − 300 (medical) = 8,190 a month, 7,390 above the 800 standard
    assert "✘ 低保：暂不符合。您家每人每月收入比低保标准高 7,390 元。" in first
    plain_for_residents(first)


def test_a_housing_verdict_speaks_of_the_house(chat):
    first = verdict_of(chat, "APPLY_WEIFANG", WEIFANG)
    assert "✔ 危房改造：符合条件，补助约 120,000 元。" in first
    plain_for_residents(first)
    working = chat.say("为什么")
    assert "危房改造：原址翻建每平方米补助 1,500 元" in working and "= 120,000 元" in working
    assert "低保标准" not in working and "人均" not in working and "每人每月" not in working
    plain_for_residents(working)


def test_a_job_seekers_verdict_says_nothing_of_dibao(chat):
    first = verdict_of(chat, "APPLY_JIUYE", JOB_SEEKER)
    assert "就业困难人员" in first
    working = chat.say("为什么")
    assert "您本人符合就业困难人员条件" in working
    for text in (first, working):
        assert "低保" not in text and "家中1人" not in text and "800" not in text
        plain_for_residents(text)


def test_a_loan_verdict_says_nothing_of_hukou_or_dibao(chat):
    first = verdict_of(chat, "APPLY_DAIKUAN", BORROWER)
    assert "✔ 创业担保贷款：符合条件，最高 300,000 元，期限最长 3 年。" in first
    working = chat.say("为什么")
    assert "创业担保贷款" in working
    for text in (first, working):
        assert "户籍" not in text and "低保" not in text
        plain_for_residents(text)


def test_a_medical_estimate_explains_the_estimate_only(chat):
    plan = {k: v for k, v in HOUSEHOLD.items() if k not in ("name", "id_number", "phone", "district", "street",
                                                             "address")}
    first = verdict_of(chat, "APPLY_YILIAO", plan | {"medical_total_cost": "50000"})
    assert "看病费用估算（仅供参考）：一年 50,000 元" in first
    working = chat.say("为什么")
    assert "一年看病费用 50,000 元" in working
    assert "低保" not in working and "就业" not in working
    plain_for_residents(first + working)


def test_the_chat_names_members_by_relation_in_the_verdict_and_the_checklist(chat):
    """Needs bot/router.py's finish() to pass the answers: verdict.message(…, answers) and
    verdict.slots(verdict, verdict.member_labels(answers))."""
    first = verdict_of(chat, "APPLY_DIBAO", HOUSEHOLD)
    assert "✔ 教育救助：您的孩子（15岁）符合条件" in first
    checklist = "\n".join(chat.pushed())
    assert "身份证（您的妻子，43岁）" in checklist and "第2位家庭成员" not in first + checklist
    # one document a line, the declarations signed on the phone included
    assert "\n1. 身份证（您本人）\n2. 身份证（您的妻子，43岁）\n3. 户口簿\n" in checklist
    assert "\n7. 家庭财产申报表（签字）（已替您填好，手机上签字）\n8. " in checklist
    assert "您的孩子（15岁）在读初中" in chat.say("为什么")


# --- verdict.message and verdict.also, with the answers as the chat stores them ---------------

def answered(form_id, plan):
    """The form's answers as the chat stores them, from what a resident types (an optional
    question the plan leaves out is skipped)."""
    form, answers = forms.get(form_id), {}
    while (question := forms.next_question(form, answers)) is not None:
        text = typed(question, plan)
        if text is None:
            answers = forms.skip(form, answers, question.path)
        else:
            answers = forms.answer(form, answers, question.path, text)
    return answers


def test_members_are_named_by_relation_in_the_verdict_and_the_checklist():
    answers = answered("dibao", HOUSEHOLD)
    assert verdicts.member_labels(answers) == ["您本人", "您的妻子（43岁）", "您的孩子（15岁）"]
    verdict = verdicts.assess("dibao", answers)
    checklist = verdicts.slots(verdict, verdicts.member_labels(answers))
    reply = verdicts.message("dibao", verdict, "dibao", checklist, answers)
    first, listing = reply.texts
    assert "✔ 教育救助：您的孩子（15岁）符合条件" in first
    assert "身份证（您的妻子，43岁）" in listing
    assert "第2位" not in first + listing and "第3位" not in first + listing


def test_a_member_whose_relation_was_skipped_is_a_family_member_not_a_number():
    plan = dict(HOUSEHOLD, members=[HOUSEHOLD["members"][0], dict(HOUSEHOLD["members"][1], relation=None)])
    assert verdicts.member_labels(answered("dibao", plan)) == ["您本人", "您的家人（43岁）"]


def test_the_112_form_never_suggests_dibao_from_answers_it_did_not_ask():
    answers = answered("jiuye", JOB_SEEKER)
    verdict = verdicts.assess("jiuye", answers)
    assert "dibao" not in verdict["programmes"]  # the 112 form is assessed for 就业困难 only
    assert verdicts.also("jiuye", verdict, answers) == []
    reply = verdicts.message("jiuye", verdict, "jiuye", [], answers)
    assert "低保" not in reply.texts[0] and "可能还符合" not in reply.texts[0]


def test_a_housing_verdict_may_add_what_the_householders_own_answers_show():
    answers = answered("weifang", WEIFANG)
    verdict = verdicts.assess("weifang", answers)
    assert verdicts.also("weifang", verdict, answers) == ["dibao", "jiaoyu"]
    first = verdicts.message("weifang", verdict, "weifang", [], answers).texts[0]
    assert "您家可能还符合：低保（每月约 710 元）、教育救助。" in first
    assert len(first) <= 300


def test_an_income_skipped_after_three_tries_suggests_nothing():
    answers = answered("weifang", WEIFANG)
    answers["members"][0]["monthly_income"] = None  # 跳过 after three tries
    verdict = verdicts.assess("weifang", answers)
    assert verdict["programmes"]["dibao"]["eligible"]  # the rules read the skipped income as 0
    assert verdicts.also("weifang", verdict, answers) == []


def test_a_person_supported_as_tekun_is_not_told_a_refusal_of_dibao():
    """Issue 11: alone, aged 40, intellectual disability grade 3, no income."""
    plan = dict(HOUSEHOLD, annual_medical_expense="0", financial_assets="0",
                members=[{"age": "40", "sex": "男", "employed": "否", "monthly_income": "0", "disabled": "是",
                          "disability_kind": "智力残疾", "disability_grade": "3"}])
    answers = answered("dibao", plan)
    verdict = verdicts.assess("dibao", answers)
    first = verdicts.message("dibao", verdict, "tekun", [], answers).texts[0]
    assert "✔ 特困人员：您本人符合条件，每人每月 1,200 元。" in first
    assert "✘ 低保" not in first and "不再同时领低保" in first
