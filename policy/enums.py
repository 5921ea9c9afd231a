"""The closed answers of the household situation, as OpenFisca enums.

Each enum's first item is what a left-out answer means. The item names are the
JSON values of interfaces.md, so a YAML test and a situation spell them alike.
"""

from openfisca_core.indexed_enums import Enum


class Sex(Enum):
    unknown = "未说明"
    male = "男"
    female = "女"


class DisabilityKind(Enum):
    none = "无残疾"
    unspecified = "残疾类别未说明"
    physical = "肢体残疾"
    visual = "视力残疾"
    hearing = "听力残疾"
    speech = "言语残疾"
    intellectual = "智力残疾"
    mental = "精神残疾"
    multiple = "多重残疾"


class StudentStage(Enum):
    none = "不在学"
    preschool = "学前教育"
    primary = "小学"
    junior = "初中"
    senior = "普通高中"
    vocational = "中等职业教育"
    university = "高等教育"


class HousingGrade(Enum):
    none = "未鉴定为危房"
    C = "C级危房（局部危险）"
    D = "D级危房（整栋危险）"


class HousingPlan(Enum):
    none = "未说明"
    new = "新建"
    rebuild = "原址翻建"
    repair = "维修加固"


class LoanGroup(Enum):
    """Listed groups for 创业担保贷款 that the rest of the situation cannot show.

    Registered unemployed people, 就业困难人员 and graduates are recognised from the
    member's own answers.
    """

    none = "未说明"
    veteran = "退役军人"
    lifted_out_of_poverty = "脱贫人口"
    rural_entrepreneur = "农村自主创业农民"
    taiwan_compatriot = "台湾同胞"
    released_prisoner = "刑满释放人员"
