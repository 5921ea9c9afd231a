"""Each field type turns what a resident sends into an answer, or says why not, in Chinese."""

import datetime
import math

import pytest

from forms import AnswerError, parse_answer
from forms.types import id_check_character


def accepts(field, raw, expected):
    value = parse_answer(field, raw)
    assert value == expected and type(value) is type(expected), (raw, value)


def refuses(field, raw, words):
    with pytest.raises(AnswerError) as caught:
        parse_answer(field, raw)
    assert words in caught.value.message, caught.value.message
    return caught.value.message


@pytest.fixture
def age(make_field):
    return make_field("type: integer\nmin: 0\nmax: 120\nunit: 岁")


@pytest.mark.parametrize("raw, expected", [
    ("45", 45), (" 45 ", 45), ("４５", 45), ("45岁", 45), ("45周岁", 45), ("45。", 45),
    ("三", 3), ("十", 10), ("十五", 15), ("四十五", 45), ("两", 2), ("一百零五", 105),
    ("一百二十", 120), ("零", 0), ("0", 0), (45, 45),
])
def test_integer_accepts_digits_full_width_and_chinese_numerals(age, raw, expected):
    accepts(age, raw, expected)


@pytest.mark.parametrize("raw, words", [
    ("abc", "请填一个数字"), ("", "请填一个数字"), ("-3", "不能是负数"), ("3.5", "整数"),
    ("121", "0到120岁"), ("一百五", "请填一个数字"),  # 150 or 105? ambiguous, so refused
    ("二三", "请填一个数字"), ("45斤", "请填一个数字"), (True, "整数"), (4.0, "整数"),
])
def test_integer_refuses(age, raw, words):
    refuses(age, raw, words)


def test_a_group_count_is_an_integer_with_its_unit(make_form):
    group = make_form("""
        - id: members
          type: group
          prompt: 几口人？
          required: true
          min: 1
          max: 20
          unit: 人
          fields:
            - {id: a, type: yesno, prompt: 是吗？, required: true}
        """).fields[0]
    for raw in ("3", "3人", "3口人", "三个人", "三口"):
        accepts(group, raw, 3)
    refuses(group, "0", "1到20人")
    refuses(group, "21", "1到20人")


@pytest.fixture
def money(make_field):
    return make_field("type: money")


@pytest.mark.parametrize("raw, expected", [
    ("2500", 2500), ("2,500", 2500), ("2500元", 2500), ("2500.5", 2500.5), ("2,500.50元", 2500.5),
    ("２５００", 2500), ("¥2500", 2500), ("￥2500", 2500), ("2500块", 2500), ("2万", 20000),
    ("2.5万", 25000), ("3千", 3000), ("0", 0), ("没有", 0), ("无", 0), ("零", 0), ("1,234,567.89", 1234567.89),
    ("100000000", 100_000_000), (2500, 2500), (2500.25, 2500.25),
])
def test_money_accepts(money, raw, expected):
    accepts(money, raw, expected)


@pytest.mark.parametrize("raw, words", [
    ("-5", "负数"), ("-2,500", "负数"), (-5, "负数"), ("nan", "请填一个金额"), ("inf", "请填一个金额"),
    (math.nan, "请填一个金额"), (math.inf, "请填一个金额"), ("100000001", "金额过大"),
    ("2万万", "请填一个金额"), ("2500.555", "两位小数"), ("25,00", "请填一个金额"),
    ("1e5", "请填一个金额"), ("两千五", "请填一个金额"), ("abc", "请填一个金额"), (True, "请填一个金额"),
])
def test_money_refuses(money, raw, words):
    refuses(money, raw, words)


def test_money_bounds_come_from_the_field(make_field):
    field = make_field("type: money\nmin: 1\nmax: 5000")
    refuses(field, "0", "不能少于1元")
    refuses(field, "没有", "不能少于1元")
    refuses(field, "5001", "最多5000元")
    accepts(field, "5000", 5000)


@pytest.fixture
def yesno(make_field):
    return make_field("type: yesno")


@pytest.mark.parametrize("raw", ["是", "是的", "有", "对", "1", "y", "Y", "yes", "是。", " 对！", True])
def test_yesno_yes(yesno, raw):
    accepts(yesno, raw, True)


@pytest.mark.parametrize("raw", ["否", "不是", "没有", "没", "无", "2", "n", "No", "不对", False])
def test_yesno_no(yesno, raw):
    accepts(yesno, raw, False)


@pytest.mark.parametrize("raw", ["也许", "3", "", 1, 0, None])
def test_yesno_refuses(yesno, raw):
    refuses(yesno, raw, "请回复“是”或“否”")


@pytest.fixture
def plan(make_field):
    return make_field("""
        type: choice
        options:
          - {value: new, label: 新建}
          - {value: rebuild, label: 原址翻建（拆旧建新）}
          - {value: repair, label: 维修加固}
        """)


@pytest.mark.parametrize("raw, expected", [
    ("2", "rebuild"), ("２", "rebuild"), ("原址翻建（拆旧建新）", "rebuild"),
    ("原址翻建(拆旧建新)", "rebuild"), (" 维修加固。", "repair"),
    ("new", "new"), ("NEW", "new"), ("rebuild", "rebuild"),
])
def test_choice_by_number_label_or_value(plan, raw, expected):
    accepts(plan, raw, expected)


@pytest.mark.parametrize("raw, words", [
    ("0", "1到3"), ("4", "1到3"), ("翻建", "没有这个选项"), ("maybe", "没有这个选项"),
    (2, "请从选项中选择"), (["new"], "请从选项中选择"),
])
def test_choice_refuses(plan, raw, words):
    refuses(plan, raw, words)


@pytest.fixture
def districts(make_field):
    return make_field("""
        type: choice
        multiple: true
        options:
          - {value: 思明区, label: 思明区}
          - {value: 湖里区, label: 湖里区}
          - {value: anywhere, label: 哪里都可以}
        """)


@pytest.mark.parametrize("raw, expected", [
    ("1,3", ["思明区", "anywhere"]), ("1，3", ["思明区", "anywhere"]), ("2、1", ["湖里区", "思明区"]),
    ("思明区 湖里区", ["思明区", "湖里区"]), ("1,1", ["思明区"]), ("3", ["anywhere"]),
    (["湖里区"], ["湖里区"]),
])
def test_multiple_choice(districts, raw, expected):
    accepts(districts, raw, expected)


@pytest.mark.parametrize("raw, words", [
    ("1,4", "1到3"), ("，", "请至少选一项"), ([], "请从选项中选择"), (["海沧区"], "请从选项中选择"),
])
def test_multiple_choice_refuses(districts, raw, words):
    refuses(districts, raw, words)


@pytest.fixture
def date(make_field):
    return make_field("type: date")


@pytest.mark.parametrize("raw", [
    "2019-08-15", "2019-8-15", "2019年8月15日", "2019年08月15日", "2019/8/15", "2019.8.15",
    "20190815", "２０１９年８月１５日",
])
def test_date_accepts(date, raw):
    accepts(date, raw, "2019-08-15")


@pytest.mark.parametrize("raw, words", [
    ("2019-02-30", "这一天不存在"), ("2019-13-01", "这一天不存在"), ("15/08/2019", "2019-08-15"),
    ("1800-01-01", "年份不对"), ("昨天", "2019-08-15"), (datetime.date(2019, 8, 15), "2019-08-15"),
])
def test_date_refuses(date, raw, words):
    refuses(date, raw, words)


@pytest.fixture
def id_number(make_field):
    return make_field("type: id_number")


def test_id_number_check_digit_by_hand(id_number):
    # 11010519491231002X: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over the first 17
    # digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 give
    # 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2; "10X98765432"[2] = X.
    assert id_check_character("11010519491231002") == "X"
    accepts(id_number, "11010519491231002X", "11010519491231002X")
    accepts(id_number, "11010519491231002x", "11010519491231002X")
    accepts(id_number, " 110105 19491231 002X ", "11010519491231002X")
    accepts(id_number, "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X")
    # Any other last character fails the check.
    for wrong in "0123456789":
        refuses(id_number, "11010519491231002" + wrong, "校验位")


def test_id_number_refuses_impossible_birth_dates(id_number):
    # Valid check characters, so only the birth date can be what is refused.
    for first17 in ("11010519491331002", "11010519490230002", "11010518891231002"):
        refuses(id_number, first17 + id_check_character(first17), "出生日期")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).strftime("%Y%m%d")
    first17 = "110105" + tomorrow + "002"
    refuses(id_number, first17 + id_check_character(first17), "出生日期")


@pytest.mark.parametrize("raw", ["1101051949123100", "110105491231002", "1101051949123100XX",
                                 "11010519491231002Y", "X10105194912310020"])
def test_id_number_refuses_wrong_shapes(id_number, raw):
    refuses(id_number, raw, "18位")


@pytest.fixture
def phone(make_field):
    return make_field("type: phone")


@pytest.mark.parametrize("raw", ["13912345678", "139 1234 5678", "139-1234-5678", "+86 13912345678",
                                 "8613912345678", "１３９１２３４５６７８"])
def test_phone_accepts(phone, raw):
    accepts(phone, raw, "13912345678")


@pytest.mark.parametrize("raw", ["12912345678", "1391234567", "139123456789", "23912345678",
                                 "0592-1234567", "", 13912345678])
def test_phone_refuses(phone, raw):
    refuses(phone, raw, "11位手机号码")


def test_text_is_trimmed_and_bounded(make_field):
    field = make_field("type: text\nmin_length: 2\nmax_length: 5")
    accepts(field, "  王阿婆 ", "王阿婆")
    refuses(field, "   ", "请输入内容")
    refuses(field, "王", "太短")
    refuses(field, "一二三四五六", "5个字以内")
    refuses(field, {"media_id": "m"}, "请输入文字")


def test_text_pattern_and_the_fields_own_hint(make_field):
    field = make_field(r"""
        type: text
        pattern: '[^@\s]+@[^@\s]+\.[^@\s]+'
        error: 请填写正确的邮箱地址，例如 name@example.com。
        """)
    accepts(field, "li@example.com", "li@example.com")
    message = refuses(field, "li at example", "格式不对")
    assert message.endswith("请填写正确的邮箱地址，例如 name@example.com。")


def test_image_is_the_channels_media_reference_not_text(make_field):
    field = make_field("type: image")
    accepts(field, {"media_id": "MEDIA_1", "extra": 1}, {"media_id": "MEDIA_1"})
    for raw in ("这是照片", {"media_id": " "}, {}, None):
        refuses(field, raw, "请直接发送一张照片")


def test_location_is_coordinates_with_a_label(make_field):
    field = make_field("type: location")
    accepts(field, {"lat": 24.48, "lng": 118.09, "label": "厦门市思明区 "},
            {"lat": 24.48, "lng": 118.09, "label": "厦门市思明区"})
    accepts(field, {"lat": 24, "lng": 118}, {"lat": 24, "lng": 118, "label": ""})
    for raw in ("思明区", {"lat": 91, "lng": 118}, {"lat": 24, "lng": -181}, {"lat": True, "lng": 1},
                {"lat": math.nan, "lng": 1}, {"lat": 24}):
        refuses(field, raw, "请发送位置")
