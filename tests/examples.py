"""The household of interfaces.md and domain.md's worked example (assessed 2019-08): as a
situation for the rules and the API, and as a resident types it into the chat."""

WORKED_EXAMPLE = {
    "date": "2019-08-15",
    "hukou_xiamen": True,
    "members": [
        {"age": 45, "sex": "male", "employed": True, "monthly_income": 2500,
         "disability": None, "student_stage": None, "scattered_tekun": False},
        {"age": 43, "sex": "female", "employed": False, "monthly_income": 0},
        {"age": 15, "sex": "female", "employed": False, "monthly_income": 0, "student_stage": "junior"},
    ],
    "monthly_support_received": 0,
    "annual_medical_expense": 3600, "annual_education_expense": 0,
    "prior_year_medical_aid": 0, "prior_year_education_aid": 0,
    "financial_assets": 20000, "owns_vehicle": False, "has_able_supporter": False,
    "housing": {"grade": "D", "one_house": True, "plan": "rebuild", "area_m2": 80, "repair_cost": 0},
}


# The household of domain.md's worked example, as a resident types it.
WORKED_EXAMPLE_PLAN = {
    "hukou_xiamen": "是", "any_tekun": "否",
    "members": [
        {"age": "45", "sex": "1", "student": "否", "employed": "是", "monthly_income": "2500", "disabled": "否"},
        {"relation": "配偶", "age": "43", "sex": "女", "student": "否", "employed": "否", "monthly_income": "0",
         "disabled": "否"},
        {"relation": "子女", "age": "15", "sex": "2", "student": "是", "student_stage": "初中", "boarding": "否",
         "parent_disabled": "否", "disabled": "否"},
    ],
    "monthly_support_received": "0", "has_able_supporter": "否", "annual_medical_expense": "3600",
    "annual_education_expense": "0", "prior_year_medical_aid": "0", "prior_year_education_aid": "0",
    "financial_assets": "2万", "owns_vehicle": "否",
    "name": "陈明", "id_number": "11010519491231002X", "phone": "13812345678", "district": "1",
    "street": "鹭江街道", "address": "思明区鹭江道1号",
}


def typed(question, plan: dict) -> str | None:
    """What the resident types for `question` under `plan` (field id → text; `members` → one
    dict per member); None where the plan has nothing for it."""
    path = question.path
    if question.is_count:
        return str(len(plan[path[0]]))
    if len(path) == 3:
        return plan[path[0]][path[1]].get(path[2])
    return plan.get(path[0])
