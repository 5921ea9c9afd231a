"""The household situation: checking the answers before any rule runs.

A batch is read in one pass per object, gathering only the answers actually
given (most are left out); each key's answers are then checked together with
C-level builtins and scattered into one array over all households or members.
Checking 100,000 households thus costs about what computing them costs; only
when a check fails are the answers scanned again to name the first bad one.

`parse_situation` returns one situation complete: every left-out key filled with
what leaving it out means (false, 0, null), so the result parses to itself.
Anything the rules cannot trust is refused with a `SituationError` naming the
field, in words a resident understands.
"""

import datetime
import math
import re

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
    """A bad answer at `position` among the answers checked, with the reason."""

    def __init__(self, position, reason):
        super().__init__(reason)
        self.position = position
        self.reason = reason


def _first(values, good, reason):
    position = next(i for i, value in enumerate(values) if not good(value))
    return _Invalid(position, reason)


# --- kinds of answer: each checks the answers given for one key ----------------
# `check(values)` returns them as an array; `fill` is a left-out answer in that
# array, `default` in a completed situation.


class _Flag:
    default = fill = False
    dtype = bool

    def check(self, values):
        if not set(map(type, values)) <= {bool}:
            raise _first(values, lambda v: type(v) is bool, "应填“是”或“否”（true 或 false）")
        return numpy.array(values, dtype=bool)


class _Amount:
    default = fill = 0.0
    dtype = float

    def __init__(self, high, too_high):
        self.high = high
        self.too_high = too_high

    def check(self, values):
        if not set(map(type, values)) <= {int, float}:
            # bool is an int in Python but never a number here; nor is a string.
            raise _first(values, lambda v: type(v) in (int, float), "应当是一个数字")
        try:
            array = numpy.fromiter(values, dtype=float, count=len(values))
        except OverflowError:  # an integer beyond any float
            raise _first(values, lambda v: v <= self.high, self.too_high) from None
        if not numpy.isfinite(array).all():
            raise _first(values, math.isfinite, "不是有效的数字")
        if (array < 0).any():
            raise _first(values, lambda v: v >= 0, "不能是负数")
        if (array > self.high).any():
            raise _first(values, lambda v: v <= self.high, self.too_high)
        return array


class _Whole:
    dtype = numpy.int32

    def __init__(self, low, high, unit, default=0):
        # default: the answer left out, in a completed situation (None: null).
        self.low, self.high, self.unit, self.default = low, high, unit, default
        self.fill = 0

    def check(self, values):
        if not set(map(type, values)) <= {int}:
            raise _first(values, lambda v: type(v) is int, "应当是整数")
        if min(values) < self.low or max(values) > self.high:
            reason = f"应在{self.low}到{self.high}{self.unit}之间"
            raise _first(values, lambda v: self.low <= v <= self.high, reason)
        return numpy.array(values, dtype=numpy.int32)


class _Choice:
    """One of an enum's items, by name; the enum's first item means left out."""

    default = None
    fill = 0
    dtype = numpy.int16

    def __init__(self, enum):
        # `unspecified` is what a disability without its kind means: not written.
        names = [item.name for item in list(enum)[1:] if item.name != "unspecified"]
        self.codes = {item.name: index for index, item in enumerate(enum) if item.name in names}
        self.reason = "只能是以下之一：" + "、".join(
            f"{item.name}（{item.value}）" for item in enum if item.name in names
        )

    def check(self, values):
        try:
            known = set(values) <= self.codes.keys()
        except TypeError:  # a list or an object is not hashable, nor a choice
            known = False
        if not known:
            raise _first(values, lambda v: type(v) is str and v in self.codes, self.reason)
        return numpy.array([self.codes[v] for v in values], dtype=numpy.int16)


class _Date:
    default = None

    def check(self, values):
        # Households of a batch share few dates: check each distinct one once.
        distinct = set(values) if all(type(v) is str for v in values) else values
        if not all(map(self.valid, distinct)):
            position = next(i for i, v in enumerate(values) if not self.valid(v))
            raise _Invalid(position, self.reason(values[position]))
        return values

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
    "dibao_recipient": ("是否已是低保家庭", _FLAG),
    "medical_total_cost": ("一年内医疗费用总额", _MONEY),
}
MEMBER_KEYS = {
    "age": ("年龄", _Whole(0, MAX_AGE, "岁", default=None)),  # required, see read
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
    "grade": ("残疾等级", _Whole(1, 4, "级", default=None)),
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
# Chinese names of the objects nested in a situation or a member.
_OBJECT_NAMES = {"housing": "住房情况", "loan": "贷款情况", "disability": "残疾情况"}


class Answers:
    """Checked answers of a batch, as arrays (see `read`)."""

    def __init__(self, count, sizes, first_member):
        self.count = count
        self.sizes = sizes  # members per household
        self.first_member = first_member  # position of each household's first member
        self.household = {}  # household key -> array over households
        # member key -> array over all members; also disability_kind, disability_grade
        # and disabled (a disability object was given)
        self.member = {}
        self.dates = []  # "YYYY-MM-DD" per household
        self.housing = {}  # housing key -> array over households (left out: defaults)
        # For the households that gave a loan: "household" (their positions),
        # then one array per loan key.
        self.loans = {}

    def household_of(self, member_position):
        return int(numpy.searchsorted(self.first_member, member_position, side="right")) - 1


def local_today() -> datetime.date:
    """Today in Xiamen (UTC+8), whatever zone the server's clock is set to: at 01:00 in
    Xiamen a server on UTC is still at yesterday."""
    return datetime.datetime.now(CHINA).date()


def today():
    return local_today().isoformat()


# --- naming a bad answer -------------------------------------------------------


def _error(index, field, name, reason):
    return SituationError(field, f"{name}（{field}）{reason}", index)


class _Place:
    """Where a list of objects sits: household index, field path, Chinese owner."""

    def __init__(self, locate, prefix, owner):
        self.locate = locate  # position in the list -> (household index, path of the object)
        self.prefix = prefix  # "" for the household itself, else e.g. "housing"
        self.owner = owner  # position -> Chinese name of whose answers these are

    def name(self, position, key, label):
        index, path = self.locate(position)
        field = ".".join(part for part in (path, self.prefix, key) if part)
        owner = self.owner(position)
        return index, field, f"{owner}的{label}" if owner else label


def _gather(objects, keys, nested, place):
    """One pass over `objects`: for each key, (positions, values) of the answers
    given; left-out (null) answers are skipped. Unknown keys are refused."""
    found = {key: ([], []) for key in keys}
    for key in nested:
        found[key] = ([], [])
    get = found.get
    for position, data in enumerate(objects):
        for key, value in data.items():
            slot = get(key)
            if slot is None:
                index, field, _ = place.name(position, key, "")
                owner = place.owner(position) or "家庭情况"
                raise _error(index, field, f"{owner}中有不认识的项目“{key}”", "，请删除或检查拼写")
            if value is not None:
                slot[0].append(position)
                slot[1].append(value)
    return found


def _scatter(found, keys, count, place):
    """Check each key's answers; spread them over `count` objects."""
    arrays = {}
    for key, (label, kind) in keys.items():
        positions, values = found[key]
        array = numpy.zeros(count, dtype=kind.dtype)  # every kind's fill is its zero
        if values:
            try:
                array[positions] = kind.check(values)
            except _Invalid as problem:
                index, field, named = place.name(positions[problem.position], key, label)
                raise _error(index, field, named, problem.reason) from None
        arrays[key] = array
    return arrays


def _objects(found, key, place):
    """The `key` objects given (positions among parents, objects), checked to be objects."""
    positions, values = found[key]
    for position, value in zip(positions, values):
        if type(value) is not dict:
            index, field, named = place.name(position, key, _OBJECT_NAMES[key])
            raise _error(index, field, named, "应当是一个对象（{…}）")
    return positions, values


# --- reading a batch -------------------------------------------------------------


def read(situations):
    """Check a list of situations; return their `Answers` or raise SituationError."""
    count = len(situations)
    for index, data in enumerate(situations):
        if type(data) is not dict:
            raise SituationError("", "家庭情况应当是一个对象（{…}）", index)
    household_place = _Place(lambda i: (i, ""), "", lambda i: "")
    top = _gather(situations, HOUSEHOLD_KEYS, ("members", "housing", "loan"), household_place)

    given_members = dict(zip(*top["members"]))
    members_lists = []
    for index in range(count):
        members = given_members.get(index)
        if type(members) is not list:
            raise _error(index, "members", "家庭成员", "必须填写，并且是一个列表")
        if not 1 <= len(members) <= MAX_MEMBERS:
            raise _error(index, "members", "家庭成员", f"应有1到{MAX_MEMBERS}人")
        members_lists.append(members)
    sizes = numpy.fromiter(map(len, members_lists), dtype=numpy.int64, count=count)
    first_member = numpy.zeros(count, dtype=numpy.int64)
    numpy.cumsum(sizes[:-1], out=first_member[1:])
    answers = Answers(count, sizes, first_member)
    members = [member for members in members_lists for member in members]

    def member_at(position):
        index = answers.household_of(position)
        return index, f"members[{position - first_member[index]}]"

    def member_name(position):
        return f"第{position - first_member[answers.household_of(position)] + 1}位家庭成员"

    member_place = _Place(member_at, "", member_name)
    for position, member in enumerate(members):
        if type(member) is not dict:
            index, field = member_at(position)
            raise _error(index, field, member_name(position), "应当是一个对象（{…}）")

    dates = top.pop("date")
    answers.household = _scatter(top, {k: v for k, v in HOUSEHOLD_KEYS.items() if k != "date"}, count, household_place)
    checked_dates = dict(zip(dates[0], _check_dates(dates, household_place)))
    now = today() if len(checked_dates) < count else None
    answers.dates = [checked_dates.get(index, now) for index in range(count)]

    found = _gather(members, MEMBER_KEYS, ("disability",), member_place)
    ages = found["age"][0]
    if len(ages) < len(members):
        missing = next(position for position, given in enumerate(_given(ages, len(members))) if not given)
        index, field, named = member_place.name(missing, "age", "年龄")
        raise _error(index, field, named, "必须填写")
    answers.member = _scatter(found, MEMBER_KEYS, len(members), member_place)

    disabled_at, disabilities = _objects(found, "disability", member_place)
    disability_place = _Place(
        lambda p: member_at(disabled_at[p]), "disability", lambda p: member_name(disabled_at[p])
    )
    disability = _spread(disabled_at, disabilities, DISABILITY_KEYS, disability_place, len(members))
    answers.member["disability_kind"] = disability["kind"]
    answers.member["disability_grade"] = disability["grade"]
    answers.member["disabled"] = _given(disabled_at, len(members))

    housing_at, housing = _objects(top, "housing", household_place)
    housing_place = _Place(lambda p: (housing_at[p], ""), "housing", lambda p: "住房")
    answers.housing = _spread(housing_at, housing, HOUSING_KEYS, housing_place, count)

    loan_at, loans = _objects(top, "loan", household_place)
    loan_place = _Place(lambda p: (loan_at[p], ""), "loan", lambda p: "贷款")
    answers.loans = _scatter(_gather(loans, LOAN_KEYS, (), loan_place), LOAN_KEYS, len(loans), loan_place)
    answers.loans["household"] = numpy.array(loan_at, dtype=numpy.int64)
    outside = answers.loans["applicant"] >= sizes[answers.loans["household"]]
    if outside.any():
        index = loan_at[int(numpy.argmax(outside))]
        raise _error(index, "loan.applicant", "贷款的申请人", f"应是0到{sizes[index] - 1}之间的成员序号（从0数起）")
    return answers


def _spread(at, objects, keys, place, count):
    """Check nested `objects` (found at positions `at` among `count` parents);
    one array per key over the parents, defaults where the object is left out."""
    inner = _scatter(_gather(objects, keys, (), place), keys, len(objects), place)
    arrays = {}
    for key, (_, kind) in keys.items():
        arrays[key] = numpy.zeros(count, dtype=kind.dtype)
        arrays[key][at] = inner[key]
    return arrays


def _given(positions, count):
    flags = numpy.zeros(count, dtype=bool)
    flags[positions] = True
    return flags


def _check_dates(dates, place):
    positions, values = dates
    try:
        return HOUSEHOLD_KEYS["date"][1].check(values)
    except _Invalid as problem:
        index, field, named = place.name(positions[problem.position], "date", "评估日期")
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
