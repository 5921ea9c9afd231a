"""What residents and staff read: the Chinese names of programmes, states and roles, and
every answer as staff read it.

An answer is shown by the type of the form field it came from (forms/definitions): money as
"2,600 元", yes/no only for yes/no fields, an option by its label, a date as 2026年3月5日.
`value` is that one function; the console's Jinja filters (webhook/staff/format.py) call it.
"""
from __future__ import annotations

import functools
import re
from datetime import date, datetime
from decimal import Decimal

PROGRAMMES = {
    "dibao": "最低生活保障（低保）",
    "dishouru": "低收入家庭认定",
    "tekun": "特困人员救助供养",
    "jiaoyu": "教育救助",
    "yiliao": "医疗救助",
    "weifang": "农村危房改造",
    "jiuye": "就业援助",
    "daikuan": "创业担保贷款",
}
# Where a line is short (charts, the audit log, the publicity notice): 低保, not 最低生活保障（低保）.
PROGRAMMES_SHORT = {"dibao": "低保", "dishouru": "低收入", "tekun": "特困", "jiaoyu": "教育救助",
                    "yiliao": "医疗救助", "weifang": "危房改造", "jiuye": "就业援助", "daikuan": "创业贷款"}

STATES = {
    "draft": "草稿（还没提交）",
    "submitted": "已提交，等待审核",
    "in_review": "审核中",
    "need_documents": "待补充材料",
    "publicity": "公示中",
    "approved": "已批准",
    "rejected": "未获批准",
    "withdrawn": "已撤回",
}

ROLES = {"caseworker": "街道（镇）工作人员", "reviewer": "区审核人员", "admin": "市级管理员"}

ESCALATION_KINDS = {"human": "居民要求人工", "urgent": "紧急情况", "flood": "短时间内消息过多", "staff": "工作人员发起"}
ESCALATION_STATES = {"open": "处理中", "resolved": "已解决"}
# Who wrote a line of a case's thread.
THREAD_AUTHORS = {"resident": "居民", "bot": "公众号（自动回复）", "staff": "工作人员"}

CLUE_STATES = {"new": "待处理", "triaged": "已建档走访", "closed": "已关闭"}
URGENCY = {"normal": "一般", "urgent": "紧急"}

# The household profile's answers (review/profile.py) as staff read them, by field id.
PROFILE_FIELDS = {
    "hukou_xiamen": "厦门户籍", "any_tekun": "家里有已认定的特困人员", "members": "一起生活的人数",
    "age": "年龄", "sex": "性别", "relation": "与申请人关系", "student": "在上学", "student_stage": "就读阶段",
    "boarding": "住校", "parent_disabled": "父亲或母亲有残疾人证", "employed": "有工作",
    "monthly_income": "每月收入", "disabled": "有残疾人证", "disability_kind": "残疾类别",
    "disability_grade": "残疾等级", "scattered_tekun": "分散供养特困人员",
    "monthly_support_received": "不同住亲属每月给", "has_able_supporter": "有能力赡养的其他亲属",
    "annual_medical_expense": "近12个月自付医疗费", "annual_education_expense": "近12个月自付教育费",
    "prior_year_medical_aid": "去年领的医疗救助", "prior_year_education_aid": "去年领的教育救助",
    "financial_assets": "存款、理财等金融资产", "owns_vehicle": "有机动车",
    "name": "申请人姓名", "id_number": "申请人身份证号", "phone": "联系电话", "district": "区",
    "street": "街道（镇）", "address": "详细地址", "linked_account": "绑定的微信用户",
    "registered": "第一次登记家庭情况",
}
# Fields of the other forms, and keys of the household situation no single field asks.
FIELD_NAMES = {
    **PROFILE_FIELDS,
    "date": "评估日期", "disability": "残疾", "housing": "住房", "loan": "创业担保贷款",
    "registered_unemployed": "办理过失业登记", "graduate": "未就业高校毕业生", "special_group": "属于特定人群",
    "loan_group": "人群类别", "business_in_xiamen": "在厦门登记经营", "other_debt": "其他未还贷款",
    "business": "经营项目", "amount_wanted": "想贷金额", "education": "最高学历", "unemployed_months": "连续失业时长",
    "land_expropriated": "被征地农民", "skills": "技能、证书和经验", "desired_work": "想找的工作",
    "work_districts": "希望工作的区", "public_welfare": "愿意做公益性岗位", "available_from": "最早上班日期",
    "contact": "通知方式", "email": "电子邮箱", "consent": "同意提供求职信息", "graded": "做过危房鉴定",
    "house_grade": "危房等级", "one_house": "唯一住房", "plan": "改造方式", "area_m2": "计划面积",
    "repair_cost": "维修加固预计费用", "house_photo": "房屋照片", "house_location": "房屋位置",
    "what": "遇到的困难", "urgency": "紧急程度", "subject_name": "需要帮助的人", "subject_phone": "联系手机",
    "location": "位置", "photo": "现场照片", "reporter_name": "反映人", "reporter_org": "反映人单位",
    "reporter_phone": "反映人手机", "medical_total_cost": "一年看病总费用",
}
# What the rules decide for a programme (policy.assess → programmes.KEY), by key: its name
# and how its value reads. A member list holds positions in the household (0 = applicant).
VERDICT_FIELDS = {
    "eligible": ("是否符合", "yesno"), "monthly_benefit": ("每月补助", "money"),
    "standard": ("低保标准", "money"), "asset_limit": ("财产上限", "money"),
    "income_line": ("收入线", "money"), "members": ("符合条件的成员", "members"),
    "monthly_support": ("每月供养金", "money"), "students": ("符合条件的学生", "members"),
    "amounts": ("资助金额", "money"), "subsidy": ("补助金额", "money"),
    "estimate": ("是估算", "yesno"), "total_cost": ("医疗总费用", "money"),
    "basic_insurance": ("基本医保报销", "money"), "critical_illness": ("大病保险报销", "money"),
    "assistance": ("医疗救助", "money"), "out_of_pocket": ("自付估算", "money"),
    "applicant": ("申请人", "members"), "covered": ("属于扶持对象", "yesno"),
    "max_amount": ("最高贷款额", "money"), "max_years": ("最长年限", "years"),
}
LINK_STATES = {"pending": "等待确认", "confirmed": "已确认"}

# 致困原因, as the street ledgers record them.
CAUSES = ("因病", "因残", "因学", "因灾", "缺劳动力", "失业", "意外事故", "其他")


def programme(key: str) -> str:
    return PROGRAMMES.get(key, key)


def state(key: str) -> str:
    return STATES.get(key, key)


def member(position: int | None) -> str:
    """How a checklist item names the family member it is for (positions count from 0)."""
    if position is None:
        return ""
    return "申请人本人" if position == 0 else f"第{position + 1}位家庭成员"


# ---- answers as staff read them -----------------------------------------------------------------

NOTHING = "—"
YES, NO = "是", "否"


@functools.cache
def _fields() -> dict:
    """Every form's fields, by id and by the situation key they feed (members[].KEY and
    members[0].KEY as KEY, housing.grade as is): the first form to name one wins (the
    fragments they share make them agree)."""
    import forms  # the definitions load on first use, not when the console starts

    index: dict = {}

    def walk(fields):
        for f in fields:
            index.setdefault(f.id, f)
            if f.maps_to:
                index.setdefault(re.sub(r"^members\[[0-9]*\]\.", "", f.maps_to), f)
            walk(f.fields)

    for form in forms.all_forms():
        walk(form.fields)
    return index


def field(key: str):
    """The form field an answer or a situation key came from, or None."""
    return _fields().get(key)


def name(key: str) -> str:
    """What staff call a field: its name here, else its question without the member and the
    question mark, never the raw key when a form asks it."""
    last = key.rsplit(".", 1)[-1]
    f = field(key)
    for candidate in (key, f.id if f else None, last):
        if candidate in FIELD_NAMES:
            return FIELD_NAMES[candidate]
    if f is not None:
        prompt = re.sub(r"\{[{%].*?[%}]\}", "", f.prompt)
        return re.sub(r"[？?。吗呢]+$", "", prompt.split("？")[0]).strip() or key
    return key


def money(amount) -> str:
    """2600 → "2,600 元", 735.5 → "735.50 元", 0 → "0 元"."""
    if amount is None or amount == "":
        return NOTHING
    try:
        amount = Decimal(str(amount))
    except ArithmeticError:
        return str(amount)
    whole = amount == amount.to_integral_value()
    return f"{int(amount):,} 元" if whole else f"{amount:,.2f} 元"


def yesno(flag) -> str:
    return NOTHING if flag is None else (YES if flag else NO)


def day(moment) -> str:
    """A date, a stored moment or an ISO date as 2026年3月5日; anything else as it is."""
    if isinstance(moment, str):
        try:
            moment = date.fromisoformat(moment[:10])
        except ValueError:
            return moment
    if isinstance(moment, datetime):
        from .routing import local_date  # stored moments are naive UTC; staff read Xiamen's date

        moment = local_date(moment)
    if isinstance(moment, date):
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return NOTHING if moment is None else str(moment)


def option(key: str, chosen) -> str:
    f = field(key)
    options = {o.value: o.label for o in f.options} if f is not None else {}
    return options.get(chosen, str(chosen))


def value(key: str, answer) -> str:
    """One answer (or situation value) as staff read it, by the type of the form field it
    came from; a dict (disability, housing) by its parts, a list item by item."""
    if answer is None:
        return NOTHING
    f = field(key)
    kind = f.type if f is not None else KINDS.get(key)
    if kind == "group":
        count = len(answer) if isinstance(answer, list) else answer
        return f"{count} {f.unit}" if f.unit else str(count)
    if isinstance(answer, dict) and kind not in ("location", "image"):
        return "，".join(f"{name(f'{key}.{sub}')}：{value(f'{key}.{sub}', v)}" for sub, v in answer.items())
    if isinstance(answer, list):
        return "、".join(value(key, item) for item in answer) or NOTHING
    if isinstance(answer, bool):  # a yes/no field, or a flag no form asks
        return yesno(answer)
    if kind == "money":
        return money(answer)
    if kind == "choice":
        return option(key, answer)
    if kind == "date":
        return day(answer)
    if kind == "integer" and f is not None and f.unit and isinstance(answer, int):
        return f"{answer}个月" if f.unit == "月" else f"{answer}{f.unit}"
    if kind == "location" and isinstance(answer, dict):
        return answer.get("label") or "已发送位置"
    if kind == "image":
        return "照片"
    return str(answer)


# Situation keys no form field feeds, by the type they are.
KINDS = {"date": "date"}


def verdict_name(key: str) -> str:
    return VERDICT_FIELDS.get(key, (key,))[0]


def verdict_value(key: str, answer) -> str:
    """A figure of the rules' verdict (see VERDICT_FIELDS) as staff read it."""
    kind = VERDICT_FIELDS.get(key, (key, None))[1]
    if isinstance(answer, list):
        return "、".join(verdict_value(key, item) for item in answer) or "无"
    if answer is None:
        return NOTHING
    if kind == "money":
        return money(answer)
    if kind == "yesno" or isinstance(answer, bool):
        return yesno(answer)
    if kind == "members" and isinstance(answer, int):
        return member(answer)
    if kind == "years" and isinstance(answer, int):
        return f"{answer}年"
    return str(answer)
