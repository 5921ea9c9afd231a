"""The answers of the household situation, as input variables.

Every answer is a monthly value: the situation describes the household in the
assessed month. A left-out answer is the variable's default (false, 0, none).
"""

from datetime import date

import numpy
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import MONTH
from openfisca_core.variables import Variable

from policy.amount import Amount

from policy.entities import Household, Person
from policy.enums import (
    DisabilityKind,
    HousingGrade,
    HousingPlan,
    LoanGroup,
    Sex,
    StudentStage,
)

# --- household -------------------------------------------------------------


class assessment_date(Variable):
    value_type = date
    entity = Household
    definition_period = MONTH
    label = "评估所依据的日期（评估月份的第一天）"

    def formula(household, period):
        # Parameters are read on the first day of the assessed month. A batch sets
        # this per household; a lone simulation (a YAML test) uses its own period.
        return numpy.repeat(numpy.datetime64(str(period.start), "D"), household.count)


class hukou_xiamen(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "家庭为厦门户籍"


class monthly_support_received(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "家庭以外的赡养、扶养、抚养义务人每月给付的费用"
    unit = "元/月"


class annual_medical_expense(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "近12个月自付医疗费用"
    unit = "元"


class annual_education_expense(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "近12个月自付教育费用"
    unit = "元"


class prior_year_medical_aid(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "上一年度获得的医疗救助"
    unit = "元"


class prior_year_education_aid(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "上一年度获得的教育救助"
    unit = "元"


class financial_assets(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "家庭金融资产（存款、理财、股票等）"
    unit = "元"


class owns_vehicle(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "家庭拥有机动车（普通二轮、三轮摩托车和残疾人功能性补偿代步车除外）"


class dibao_recipient(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "已是低保家庭（正在领取低保金）"


class has_able_supporter(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "有具备赡养、抚养、扶养能力的义务人"


class housing_grade(Variable):
    value_type = Enum
    possible_values = HousingGrade
    default_value = HousingGrade.none
    entity = Household
    definition_period = MONTH
    label = "住房危险等级"


class housing_one_house(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "一户一宅（家庭只有这一处住房）"


class housing_plan(Variable):
    value_type = Enum
    possible_values = HousingPlan
    default_value = HousingPlan.none
    entity = Household
    definition_period = MONTH
    label = "危房改造方式"


class housing_area_m2(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "新建、翻建面积"
    unit = "平方米"


class housing_repair_cost(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "维修加固费用"
    unit = "元"


class medical_total_cost(Amount):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "一年内医疗费用总额（医保范围内，用于估算三重保障后的自付）"
    unit = "元"


# --- person ----------------------------------------------------------------


class age(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "年龄"
    unit = "岁"


class sex(Variable):
    value_type = Enum
    possible_values = Sex
    default_value = Sex.unknown
    entity = Person
    definition_period = MONTH
    label = "性别"


class employed(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "有工作（就业取得收入）"


class monthly_income(Amount):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "本人每月经常性收入"
    unit = "元/月"


class disability_kind(Variable):
    value_type = Enum
    possible_values = DisabilityKind
    default_value = DisabilityKind.none
    entity = Person
    definition_period = MONTH
    label = "残疾类别（持残疾人证）"


class disability_grade(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "残疾等级（1至4级，0为未说明或无）"


class student_stage(Variable):
    value_type = Enum
    possible_values = StudentStage
    default_value = StudentStage.none
    entity = Person
    definition_period = MONTH
    label = "在读学段"


class boarding(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "寄宿生"


class parent_disabled(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "父亲或母亲持有残疾人证"


class scattered_tekun(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "已认定为分散供养特困人员"


class registered_unemployed(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "已办理失业登记"


class unemployed_months(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "连续失业月数"
    unit = "月"


class land_expropriated(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "被征地农民"


class graduate(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "未就业的高校毕业生"


class loan_applicant(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "申请创业担保贷款的人"


class loan_group(Variable):
    value_type = Enum
    possible_values = LoanGroup
    default_value = LoanGroup.none
    entity = Person
    definition_period = MONTH
    label = "创业担保贷款扶持对象类别"


class loan_business_in_xiamen(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "创业项目在厦门登记注册并经营"


class loan_other_debt(Amount):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "助学、住房、汽车贷款以外的其他贷款余额"
    unit = "元"
