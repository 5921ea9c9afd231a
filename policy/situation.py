"""The household situation: checking the answers before any rule runs.

Answers are checked column by column (every household's `financial_assets`,
then every member's `age`, ...) with C-level builtins, so checking 100,000
households costs about as much as computing them; only when a column fails is
it scanned again to find the first bad answer and name its field.

`parse_situation` returns one situation complete: every left-out key filled with
what leaving it out means (false, 0, null), so the result parses to itself.
Anything the rules cannot trust is refused with a `SituationError` naming the
field, in words a resident understands.
"""

import datetime
import math
import re
from itertools import repeat

import numpy

from policy.enums import DisabilityKind, HousingGrade, HousingPlan, LoanGroup, Sex, StudentStage

MAX_MEMBERS = 20
MAX_AGE = 120
# Far above any household's money; keeps every sum and product finite.
MAX_MONEY = 1_000_000_000
MAX_AREA_M2 = 10_000
MAX_UNEMPLOYED_MONTHS = 1200
# The parameters start on 2017-07-01 (the 720 standard, the minimum wage and
# the 20% deduction): earlier months are not covered by these rules.
EARLIEST_DATE = datetime.date(2017, 7, 1)
CHINA = datetime.timezone(datetime.timedelta(hours=8))
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NONE = type(None)


class SituationError(ValueError):
    """An answer that cannot be used.

    `field` is its path (`members[2].age`), `message` says what is wrong in
    Chinese and names the field; in a batch, `index` is the household's position.
    """

    def __init__(self, field, message, index=None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.index = index


class _Invalid(Exception):
    """A bad answer at `position` in its column, with the reason."""

    def __init__(self, position, reason):
        super().__init__(reason)
        self.position = position
        self.reason = reason


# --- kinds of answer: each turns a column (None = left out) into an array -----


class _Flag:
    default = False

    def column(self, values):
        if not set(map(type, values)) <= {bool, _NONE}:
            raise _first(values, lambda v: type(v) in (bool, _NONE), "应填“是”或“否”（true 或 false）")
        return numpy.fromiter(values, dtype=bool, count=len(values))  # None: False


class _Amount:
    default = 0.0

    def __init__(self, high, too_high):
        self.high = high
        self.too_high = too_high

    def column(self, values):
        if not set(map(type, values)) <= {int, float, _NONE}:
            # bool is an int in Python but never a number here; nor is a string.
            raise _first(values, lambda v: type(v) in (int, float, _NONE), "应当是一个数字")
        try:
            array = numpy.fromiter(values, dtype=float, count=len(values))  # None: NaN
        except OverflowError:  # an integer beyond any float
            raise _first(values, lambda v: v is None or v <= self.high, self.too_high) from None
        left_out = numpy.isnan(array)
        if left_out.sum() != values.count(None) or numpy.isinf(array).any():
            raise _first(values, lambda v: v is None or math.isfinite(v), "不是有效的数字")
        array[left_out] = 0.0
        if (array < 0).any():
            raise _first(values, lambda v: v is None or v >= 0, "不能是负数")
        if (array > self.high).any():
            raise _first(values, lambda v: v is None or v <= self.high, self.too_high)
        return array


class _Whole:
    def __init__(self, low, high, unit, default=0):
        # default None: the answer is required.
        self.low, self.high, self.unit, self.default = low, high, unit, default

    def column(self, values):
        allowed = {int} if self.default is None else {int, _NONE}
        if not set(map(type, values)) <= allowed:
            if self.default is None and None in values:
                raise _first(values, lambda v: v is not None, "必须填写")
            raise _first(values, lambda v: type(v) in allowed, "应当是整数")
        given = [v for v in values if v is not None] if None in values else values
        if given and (min(given) < self.low or max(given) > self.high):
            reason = f"应在{self.low}到{self.high}{self.unit}之间"
            raise _first(values, lambda v: v is None or self.low <= v <= self.high, reason)
        if given is not values:
            values = [self.default if v is None else v for v in values]
        return numpy.array(values, dtype=numpy.int32)


class _Choice:
    """One of an enum's items, by name; the enum's first item means left out."""

    default = None

    def __init__(self, enum):
        # `unspecified` is what a disability without its kind means: not written.
        names = [item.name for item in list(enum)[1:] if item.name != "unspecified"]
        self.codes = {item.name: index for index, item in enumerate(enum) if item.name in names}
        self.codes[None] = 0
        self.reason = "只能是以下之一：" + "、".join(
            f"{item.name}（{item.value}）" for item in enum if item.name in names
        )

    def column(self, values):
        try:
            known = set(values) <= self.codes.keys()
        except TypeError:  # a list or an object is not hashable, nor a choice
            known = False
        if not known:
            raise _first(values, lambda v: type(v) in (str, _NONE) and v in self.codes, self.reason)
        return numpy.array([self.codes[v] for v in values], dtype=numpy.int16)


class _Date:
    default = None

    def column(self, values):
        # Households of a batch share few dates: check each distinct one once.
        distinct = set(values) if all(type(v) in (str, _NONE) for v in values) else values
        if not all(map(self.valid_or_none, distinct)):
            position = next(i for i, v in enumerate(values) if not self.valid_or_none(v))
            raise _Invalid(position, self.reason(values[position]))
        return values

    def valid_or_none(self, value):
        return value is None or self.valid(value)

    @staticmethod
    def valid(value):
        if type(value) is not str or not _DATE.fullmatch(value):
            return False
        try:
            return datetime.date.fromisoformat(value) >= EARLIEST_DATE
        except ValueError:
            return False

    @staticmethod
    def reason(value):
        if type(value) is str and _DATE.fullmatch(value):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return "不是一个存在的日期"
            return "早于2017年7月，本系统的规则不覆盖这段时间"
        return "应写成“年-月-日”，例如 2019-08-15"


def _first(values, good, reason):
    position = next(i for i, value in enumerate(values) if not good(value))
    return _Invalid(position, reason)


_FLAG = _Flag()
_MONEY = _Amount(MAX_MONEY, "金额过大，请核对")

# key: (Chinese name, kind)
HOUSEHOLD_KEYS = {
    "date": ("评估日期", _Date()),
    "hukou_xiamen": ("是否厦门户籍", _FLAG),
    "monthly_support_received": ("家庭以外义务人每月给付的赡养扶养费", _MONEY),
    "annual_medical_expense": ("近12个月自付医疗费用", _MONEY),
    "annual_education_expense": ("近12个月自付教育费用", _MONEY),
    "prior_year_medical_aid": ("上一年度获得的医疗救助", _MONEY),
    "prior_year_education_aid": ("上一年度获得的教育救助", _MONEY),
    "financial_assets": ("家庭金融资产", _MONEY),
    "owns_vehicle": ("是否拥有机动车", _FLAG),
    "has_able_supporter": ("家庭以外是否有能够赡养扶养的义务人", _FLAG),
    "medical_total_cost": ("一年内医疗费用总额", _MONEY),
}
MEMBER_KEYS = {
    "age": ("年龄", _Whole(0, MAX_AGE, "岁", default=None)),
    "sex": ("性别", _Choice(Sex)),
    "employed": ("是否有工作", _FLAG),
    "monthly_income": ("每月收入", _MONEY),
    "student_stage": ("在读学段", _Choice(StudentStage)),
    "boarding": ("是否寄宿", _FLAG),
    "parent_disabled": ("父亲或母亲是否持有残疾人证", _FLAG),
    "scattered_tekun": ("是否已认定为分散供养特困人员", _FLAG),
    "registered_unemployed": ("是否已办理失业登记", _FLAG),
    "unemployed_months": ("连续失业月数", _Whole(0, MAX_UNEMPLOYED_MONTHS, "个月")),
    "land_expropriated": ("是否被征地农民", _FLAG),
    "graduate": ("是否未就业的高校毕业生", _FLAG),
}
DISABILITY_KEYS = {
    "kind": ("残疾类别", _Choice(DisabilityKind)),
    "grade": ("残疾等级", _Whole(1, 4, "级")),  # 0: not given
}
HOUSING_KEYS = {
    "grade": ("危房等级", _Choice(HousingGrade)),
    "one_house": ("是否一户一宅", _FLAG),
    "plan": ("改造方式", _Choice(HousingPlan)),
    "area_m2": ("新建或翻建面积", _Amount(MAX_AREA_M2, "面积过大，请核对")),
    "repair_cost": ("维修加固费用", _MONEY),
}
LOAN_KEYS = {
    # Which member applies (a position in members); left out means the first.
    "applicant": ("申请人", _Whole(0, MAX_MEMBERS - 1, "（成员序号，从0数起）")),
    "group": ("扶持对象类别", _Choice(LoanGroup)),
    "business_in_xiamen": ("创业项目是否在厦门登记经营", _FLAG),
    "other_debt": ("其他贷款余额", _MONEY),
}
_OBJECTS = {"members": list, "housing": dict, "loan": dict}
_PARENT_NAMES = {"housing": "住房", "loan": "贷款"}
_MEMBER_OBJECTS = {"disability": dict}


class Answers:
    """Checked answers of a batch, one array per key (see `read`)."""

    def __init__(self, count, sizes, first_member):
        self.count = count
        self.sizes = sizes  # members per household
        self.first_member = first_member  # position of each household's first member
        self.household = {}
        self.member = {}
        self.dates = []  # "YYYY-MM-DD" per household
        self.housing = {}  # housing key -> array per household (left out: defaults)
        # For the households that gave a loan: "household" (their positions),
        # then one array per loan key.
        self.loans = {}

    def household_of(self, member_position):
        return int(numpy.searchsorted(self.first_member, member_position, side="right")) - 1


def today():
    return datetime.datetime.now(CHINA).date().isoformat()


def read(situations):
    """Check a list of situations; return their `Answers` or raise SituationError."""
    for index, data in enumerate(situations):
        if type(data) is not dict:
            raise SituationError("", "家庭情况应当是一个对象（{…}）", index)
    _known_keys(situations, HOUSEHOLD_KEYS.keys() | _OBJECTS.keys(), lambda i: (i, ""), "家庭情况")
    members_lists = [data.get("members") for data in situations]
    for index, members in enumerate(members_lists):
        if type(members) is not list:
            raise _error(index, "members", "家庭成员", "必须填写，并且是一个列表")
        if not 1 <= len(members) <= MAX_MEMBERS:
            raise _error(index, "members", "家庭成员", f"应有1到{MAX_MEMBERS}人")

    sizes = numpy.fromiter(map(len, members_lists), dtype=numpy.int64, count=len(situations))
    first_member = numpy.zeros(len(situations), dtype=numpy.int64)
    numpy.cumsum(sizes[:-1], out=first_member[1:])
    answers = Answers(len(situations), sizes, first_member)
    members = [member for members in members_lists for member in members]

    def member_at(position):
        index = answers.household_of(position)
        return index, f"members[{position - first_member[index]}]"

    for position, member in enumerate(members):
        if type(member) is not dict:
            index, field = member_at(position)
            raise _error(index, field, f"第{position - first_member[index] + 1}位家庭成员", "应当是一个对象（{…}）")
    _known_keys(members, MEMBER_KEYS.keys() | _MEMBER_OBJECTS.keys(), member_at, None)

    for key, (name, kind) in HOUSEHOLD_KEYS.items():
        if key != "date":
            answers.household[key] = _column(situations, key, name, kind, lambda i: (i, ""))
    dates = _column(situations, "date", "评估日期", HOUSEHOLD_KEYS["date"][1], lambda i: (i, ""))
    answers.dates = [date or today() for date in dates]
    for key, (name, kind) in MEMBER_KEYS.items():
        answers.member[key] = _column(members, key, name, kind, member_at)

    disabilities = _objects(members, "disability", member_at)
    for key, (name, kind) in DISABILITY_KEYS.items():
        answers.member[f"disability_{key}"] = _nested_column(disabilities, key, name, kind, member_at, "disability")
    answers.member["disabled"] = numpy.array([d is not None for d in disabilities], dtype=bool)

    housing = _objects(situations, "housing", lambda i: (i, ""))
    for key, (name, kind) in HOUSING_KEYS.items():
        answers.housing[key] = _nested_column(housing, key, name, kind, lambda i: (i, ""), "housing")

    loans = _objects(situations, "loan", lambda i: (i, ""))
    with_loan = [index for index, loan in enumerate(loans) if loan is not None]
    given = [loans[index] for index in with_loan]
    answers.loans = {"household": numpy.array(with_loan, dtype=numpy.int64)}
    for key, (name, kind) in LOAN_KEYS.items():
        answers.loans[key] = _nested_column(given, key, name, kind, lambda p: (with_loan[p], ""), "loan")
    outside = answers.loans["applicant"] >= sizes[answers.loans["household"]]
    if outside.any():
        index = with_loan[int(numpy.argmax(outside))]
        reason = f"应是0到{sizes[index] - 1}之间的成员序号（从0数起）"
        raise _error(index, "loan.applicant", "贷款的申请人", reason)
    return answers


def _error(index, field, name, reason):
    return SituationError(field, f"{name}（{field}）{reason}", index)


def _owner(where):
    """Chinese owner of a field, from its path prefix: members[2] -> 第3位家庭成员."""
    if where.startswith("members["):
        return f"第{int(where[8:where.index(']')]) + 1}位家庭成员"
    return ""


def _named(where, key, name):
    field = f"{where}.{key}" if where else key
    owner = _owner(where)
    return field, f"{owner}的{name}" if owner else name


def _known_keys(objects, allowed, locate, label):
    if all(map(allowed.issuperset, objects)):
        return
    position = next(i for i, data in enumerate(objects) if not allowed.issuperset(data))
    key = next(key for key in objects[position] if key not in allowed)
    index, where = locate(position)
    field = f"{where}.{key}" if where else str(key)
    owner = label or _owner(where)
    raise _error(index, field, f"{owner}中有不认识的项目“{key}”", "，请删除或检查拼写")


def _column(objects, key, name, kind, locate):
    values = list(map(dict.get, objects, repeat(key)))
    try:
        return kind.column(values)
    except _Invalid as problem:
        index, where = locate(problem.position)
        field, named = _named(where, key, name)
        raise _error(index, field, named, problem.reason) from None


def _objects(parents, key, locate):
    """The nested object under `key` of each parent (None when left out), checked."""
    objects = [data.get(key) for data in parents]
    allowed = {"disability": DISABILITY_KEYS, "housing": HOUSING_KEYS, "loan": LOAN_KEYS}[key]
    names = {"disability": "残疾情况", "housing": "住房情况", "loan": "贷款情况"}
    for position, value in enumerate(objects):
        if value is not None and type(value) is not dict:
            index, where = locate(position)
            field, named = _named(where, key, names[key])
            raise _error(index, field, named, "应当是一个对象（{…}）")
    given = [value for value in objects if value is not None]
    if not all(map(allowed.keys().__ge__, map(dict.keys, given))):
        position = next(i for i, v in enumerate(objects) if v is not None and not v.keys() <= allowed.keys())
        index, where = locate(position)
        unknown = next(k for k in objects[position] if k not in allowed)
        prefix = f"{where}.{key}" if where else key
        owner = f"{_owner(where)}的{names[key]}" if where else names[key]
        raise _error(index, f"{prefix}.{unknown}", f"{owner}中有不认识的项目“{unknown}”", "，请删除或检查拼写")
    return objects


def _nested_column(objects, key, name, kind, locate, parent):
    values = [None if data is None else data.get(key) for data in objects]
    try:
        return kind.column(values)
    except _Invalid as problem:
        index, where = locate(problem.position)
        field, named = _named(where, f"{parent}.{key}", name)
        if not where:  # housing, loan: objects of the household itself
            named = f"{_PARENT_NAMES[parent]}的{name}"
        raise _error(index, field, named, problem.reason) from None


# --- one situation, complete -------------------------------------------------


def _complete(data, keys):
    out = {}
    for key, (_, kind) in keys.items():
        value = data.get(key)
        if value is None:
            out[key] = kind.default
        elif isinstance(kind, _Amount):
            out[key] = float(value)
        else:
            out[key] = value
    return out


def complete(data, date):
    """A checked situation with every left-out key filled in (no checking here)."""
    out = _complete(data, HOUSEHOLD_KEYS)
    out["date"] = date
    members = []
    for member in data["members"]:
        filled = _complete(member, MEMBER_KEYS)
        disability = member.get("disability")
        filled["disability"] = None if disability is None else _complete(disability, DISABILITY_KEYS)
        members.append(filled)
    out["members"] = members
    housing = data.get("housing")
    out["housing"] = None if housing is None else _complete(housing, HOUSING_KEYS)
    loan = data.get("loan")
    out["loan"] = None if loan is None else _complete(loan, LOAN_KEYS)
    return out


def parse_situation(data):
    """Check one household situation and return it complete (see the module doc)."""
    answers = read([data])
    return complete(data, answers.dates[0])
