"""Each form, from its menu item to the rules' verdict (or the clue report)."""
from sqlalchemy import select

from models import Application, Clue, MediaFile, Session
from tests.examples import WORKED_EXAMPLE_PLAN

HOUSEHOLD = {k: v for k, v in WORKED_EXAMPLE_PLAN.items()}


def complete(chat, key, plan):
    first = chat.click(key)
    assert "好的，我们来办" in first
    summary = chat.fill(plan)
    assert "请核对" in summary
    return chat.say("确认")


def test_weifang_with_a_photo_and_a_location(chat):
    plan = HOUSEHOLD | {"graded": "是", "house_grade": "D", "one_house": "是", "plan": "2",
                        "area_m2": "80", "house_photo": "<photo>", "house_location": "<location>"}
    reply = complete(chat, "APPLY_WEIFANG", plan)
    assert "✔ 危房改造：符合条件，补助约 120,000 元" in reply
    assert "旧房翻建审核批准文件" in reply + "\n".join(chat.pushed())  # the rest of a long verdict is pushed
    answers = chat.session()["answers"]
    assert answers["house_location"]["label"] == "思明区鹭江道"
    assert Session.scalar(select(MediaFile.media_id)) == answers["house_photo"]["media_id"]
    assert Session.scalar(select(Application.programme)) == "weifang"


def test_jiaoyu(chat):
    reply = complete(chat, "APPLY_JIAOYU", HOUSEHOLD)
    assert "✔ 教育救助：您的孩子（15岁）符合条件" in reply
    assert "在读证明" in reply + "\n".join(chat.pushed())


def test_yiliao_is_an_estimate_without_an_application(chat):
    plan = {k: v for k, v in HOUSEHOLD.items() if k not in ("name", "id_number", "phone", "district", "street", "address")}
    reply = complete(chat, "APPLY_YILIAO", plan | {"medical_total_cost": "50000"})
    assert "看病费用估算（仅供参考）：一年 50,000 元" in reply
    assert Session.scalar(select(Application)) is None


def test_jiuye_registers_a_job_seeker(chat):
    plan = {"name": "林芳", "sex": "女", "age": "45", "hukou_xiamen": "是", "education": "2",
            "registered_unemployed": "是", "unemployed_months": "8", "land_expropriated": "否", "dibao_recipient": "否",
            "disabled": "否", "skills": "收银、保洁", "desired_work": "超市收银", "work_districts": "1,2",
            "public_welfare": "是", "contact": "1", "phone": "13912345678",
            "id_number": "11010519491231002X", "district": "2", "consent": "1"}
    reply = complete(chat, "APPLY_JIUYE", plan)
    assert "就业困难人员" in reply  # a woman of 40+ unemployed 6 months or more
    assert "1-1-2" in reply or "1次上门走访" in "\n".join([reply] + chat.pushed())  # what 112 promises
    from models import Seeker

    assert Session.scalar(select(Seeker.openid)) == chat.openid  # a seeker, found by identity number
    assert Session.scalar(select(Application)) is None  # not an application in the review queue


def test_daikuan(chat):
    plan = {"age": "35", "registered_unemployed": "是", "graduate": "否", "special_group": "否",
            "business_in_xiamen": "是", "other_debt": "0", "business": "社区早餐店", "amount_wanted": "10万",
            "name": "王强", "id_number": "11010519491231002X", "phone": "13712345678", "district": "3",
            "address": "集美区某路2号"}
    reply = complete(chat, "APPLY_DAIKUAN", plan)
    # 35, registered unemployed, a business in Xiamen, no other debt: every condition holds.
    assert "✔ 创业担保贷款：符合条件" in reply
    assert "✘" not in reply and "户籍" not in reply
    assert Session.scalar(select(Application.programme)) == "daikuan"


def test_xiansuo_reports_a_clue(chat):
    plan = {"what": "楼下独居老人最近生病，没人照顾", "urgency": "2", "subject_name": "张阿婆",
            "district": "1", "address": "思明区某小区3栋", "location": "<location>",
            "reporter_name": "小李", "reporter_phone": "13612345678"}
    reply = complete(chat, "APPLY_XIANSUO", plan)
    assert "谢谢您的反映" in reply
    clue = Session.scalar(select(Clue))
    assert clue.district == "思明区" and clue.urgency == "soon"
    assert "张阿婆" in clue.description and "没人照顾" in clue.description
    assert "张阿婆" not in str(clue.answers)
