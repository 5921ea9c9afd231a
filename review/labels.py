"""What residents and staff read: the Chinese names of programmes, states and roles."""
from __future__ import annotations

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

STATES = {
    "draft": "草稿（还没提交）",
    "submitted": "已提交，等待审核",
    "in_review": "审核中",
    "need_documents": "待补充材料",
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
