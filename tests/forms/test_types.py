"""Each field type turns what a resident sends into an answer, or says why not, in Chinese."""

import datetime
import math

import pytest

import forms
from forms import AnswerError, FormError, parse_answer, understand
from forms.schema import form_fields
from forms.types import id_check_character
from policy.situation import local_today


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
    ("121", "0到120岁"), ("一百五", "0到120岁"),  # 一百五 is 150, as people say it
    ("二三", "范围"), ("45斤", "请填一个数字"), (True, "整数"), (4.0, "整数"),
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
    ("1e5", "请填一个金额"), ("abc", "请填一个金额"), (True, "请填一个金额"),
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
    ("0", "1到3"), ("4", "1到3"), ("翻修", "没有这个选项"), ("maybe", "没有这个选项"),
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


THIS_YEAR = f"例如 {local_today().year}年"


@pytest.mark.parametrize("raw, words", [
    ("2019-02-30", "这一天不存在"), ("2019-13-01", "这一天不存在"), ("15/08/2019", THIS_YEAR),
    ("1800-01-01", "年份不对"), ("昨天", THIS_YEAR), (datetime.date(2019, 8, 15), THIS_YEAR),
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
    tomorrow = (local_today() + datetime.timedelta(days=1)).strftime("%Y%m%d")
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
    # The field's own hint alone: not the parser's "格式不对" on top of it.
    assert refuses(field, "li at example", "邮箱") == "请填写正确的邮箱地址，例如 name@example.com。"


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


# --- answers in residents' own words (forms/words.yaml) ----------------------------------


def understood(field, raw, expected, note):
    result = understand(field, raw)
    assert (result.value, result.note) == (expected, note), (raw, result)
    assert type(result.value) is type(expected)


@pytest.mark.parametrize("raw, expected", [
    ("两千六", 2600), ("两千六百元", 2600), ("2.6千", 2600), ("一万五", 15000), ("一千五百块", 1500),
    ("1万5", 15000), ("两万", 20000), ("三千来块", 3000), ("¥两千", 2000), ("一共两千", 2000),
])
def test_money_in_chinese_words_is_recorded_and_said_back(money, raw, expected):
    understood(money, raw, expected, f"已按 {expected:,} 元记录。")


@pytest.mark.parametrize("raw", ["1500左右", "大概1500", "1500多", "差不多一千五", "1500块左右", "一千五上下"])
def test_an_approximate_amount_is_accepted_and_the_resident_told_how_it_was_recorded(money, raw):
    understood(money, raw, 1500, "已按 1,500 元记录。")


def test_plain_digits_need_no_note(money):
    understood(money, "2500", 2500, None)
    understood(money, "2,500元", 2500, None)
    understood(money, "没有", 0, None)
    understood(money, "两千六百五十多", 2650, "已按 2,650 元记录。")


@pytest.mark.parametrize("raw", ["没领过", "没有收入", "无存款", "未领取", "一分钱都没有"])
def test_saying_there_was_none_is_zero(money, raw):
    assert parse_answer(money, raw) == 0


@pytest.mark.parametrize("raw, near", [
    ("一两千", "一千五左右"), ("三四十", "三十多"), ("1000到2000", "1000多"), ("1000-2000", "1000上下"),
    ("几百", "五百来块"), ("千把块", "一千来块"), ("两三千块", "两千多块"),
])
def test_a_range_is_refused_with_one_hint_not_guessed(make_field, raw, near):
    field = make_field("type: money\nerror: 请回复金额，例如 2500。")
    message = refuses(field, raw, "范围")
    assert "\n" not in message and "例如 2500" not in message
    assert understand(field, near).note  # one number, however rough, is taken and said back


@pytest.mark.parametrize("raw, none", [("没多少", "没领过"), ("不多", "无存款"), ("几百块吧", "没有收入"),
                                       ("看情况", "家里没有存款")])
def test_not_much_is_not_nothing(money, raw, none):
    with pytest.raises(AnswerError):
        parse_answer(money, raw)
    understood(money, none, 0, "已按 0 元记录。")


@pytest.mark.parametrize("raw, expected, note", [
    ("45岁", 45, None), ("四十五周岁", 45, "已按 45 岁记录。"), ("我今年45岁", 45, None),
    ("四十多岁", 40, "已按 40 岁记录。"), ("45岁左右", 45, "已按 45 岁记录。"),
])
def test_ages_in_words(age, raw, expected, note):
    understood(age, raw, expected, note)


def test_people_counted_in_words(make_field):
    count = make_field("type: integer\nmin: 1\nmax: 20\nunit: 人")
    for raw in ("三口人", "一家三口", "三个人"):
        understood(count, raw, 3, "已按 3 人记录。")
    understood(count, "3口人", 3, None)


@pytest.mark.parametrize("raw, expected", [("半年", 6), ("一年", 12), ("一年半", 18), ("1年3个月", 15),
                                           ("两年多", 24), ("八个月", 8)])
def test_months_may_be_said_in_years(make_field, raw, expected):
    months = make_field("type: integer\nmin: 0\nmax: 1200\nunit: 月")
    understood(months, raw, expected, f"已按 {expected} 个月记录。")


def make_field_with_prompt(make_form, prompt):
    return make_form(f"- {{id: x, type: yesno, prompt: '{prompt}', required: true}}\n").fields[0]


@pytest.mark.parametrize("prompt, raw, expected", [
    ("您家有汽车等机动车吗？", "没有车", False),
    ("您家有汽车等机动车吗？", "有一辆", True),
    ("孩子在学校寄宿（住校）吗？", "不住校", False),
    ("孩子在学校寄宿（住校）吗？", "住校", True),
    ("孩子在学校寄宿（住校）吗？", "他住校的", True),
    ("去年领过低保吗？", "没领过", False),
    ("去年领过低保吗？", "领过", True),
    ("去年领过低保吗？", "还没领过呢", False),
    ("如果有公益性岗位，您愿意做吗？", "愿意", True),
    ("如果有公益性岗位，您愿意做吗？", "不愿意", False),
    ("如果有公益性岗位，您愿意做吗？", "可以的", True),
    ("如果有公益性岗位，您愿意做吗？", "都可以", True),
    ("如果有公益性岗位，您愿意做吗？", "不行", False),
    ("现在有工作吗？", "没工作，身体不好", False),
    ("现在有工作吗？", "有，不过收入不多", True),
    ("您家的户口在厦门吗？", "是的，在厦门", True),
    ("您家的户口在厦门吗？", "在厦门", True),
    ("您家的户口在厦门吗？", "不在", False),
    ("您是已认定的特困人员吗？", "不是特困", False),
    ("您是已认定的特困人员吗？", "对对对", True),
    ("您是已认定的特困人员吗？", "没有没有", False),
    ("您是已认定的特困人员吗？", "我家没有", False),
])
def test_yes_or_no_in_residents_own_words(make_form, prompt, raw, expected):
    assert parse_answer(make_field_with_prompt(make_form, prompt), raw) is expected


@pytest.mark.parametrize("raw, expected", [("没有车", False), ("有一辆", True), ("是的，在厦门", True)])
def test_a_yes_or_no_read_from_more_words_is_said_back(make_form, raw, expected):
    field = make_field_with_prompt(make_form, "您家有汽车等机动车吗？")
    understood(field, raw, expected, f"已按“{'是' if expected else '否'}”记录。")


@pytest.mark.parametrize("raw", ["是", "否", "有", "没有", "不是", "对", "愿意", "不愿意", "领过", "没领过"])
def test_a_plain_yes_or_no_needs_no_note(yesno, raw):
    assert understand(yesno, raw).note is None


@pytest.mark.parametrize("prompt, raw, near, expected", [
    # Refused, and beside it an answer in nearly the same words that is understood.
    ("您家有汽车等机动车吗？", "有没有", "没有车", False),               # the question said back
    ("您家有汽车等机动车吗？", "有车？", "有车", True),                  # a question mark: asking
    ("您家有汽车等机动车吗？", "不知道", "没有的", False),               # the skip command, never a no
    ("您家有汽车等机动车吗？", "不清楚", "确实没有", False),
    ("您家有汽车等机动车吗？", "好像没有", "从来没有", False),           # unsure
    ("您家有汽车等机动车吗？", "没有，有一辆摩托", "没有，只有一辆摩托", False),  # holds both
    ("您家有汽车等机动车吗？", "不是没有", "嗯，没有", False),           # a double negation
    ("您家的户口在厦门吗？", "是外地的", "是在厦门", True),              # 是 + words not of the question
    ("您家的户口在厦门吗？", "户口在外地", "户口在厦门", True),
    ("如果有公益性岗位，您愿意做吗？", "愿不愿意都行", "愿意做", True),
    ("现在有工作吗？", "不多", "有，不过不多", True),
])
def test_yes_or_no_refuses_what_is_neither(make_form, prompt, raw, near, expected):
    field = make_field_with_prompt(make_form, prompt)
    assert refuses(field, raw, "请回复“是”或“否”") == "请回复“是”或“否”。"
    assert parse_answer(field, near) is expected


@pytest.fixture
def district(make_field):
    return make_field("""
        type: choice
        options:
          - {value: 思明区, label: 思明区, aliases: [思明]}
          - {value: 湖里区, label: 湖里区, aliases: [湖里]}
          - {value: 集美区, label: 集美区, aliases: [集美]}
        """)


@pytest.mark.parametrize("raw, expected, note", [
    ("是的，思明区", "思明区", "已按“思明区”记录。"), ("思明", "思明区", "已按“思明区”记录。"),
    ("我住湖里区", "湖里区", "已按“湖里区”记录。"), ("集美区吧", "集美区", "已按“集美区”记录。"),
    ("思明区", "思明区", None), ("2", "湖里区", None),
])
def test_a_choice_by_words_of_its_label_or_an_alias(district, raw, expected, note):
    understood(district, raw, expected, note)


@pytest.mark.parametrize("raw, words, near", [
    ("思明区还是湖里区", "既像“思明区”，又像“湖里区”", "思明区吧"), ("思明或者湖里", "既像", "湖里的"),
    ("不是思明区", "没有这个选项", "是思明区"), ("鼓浪屿在思明吗？不在", "没有这个选项", "在思明"),
])
def test_a_choice_refuses_two_options_or_a_denied_one(district, raw, words, near):
    message = refuses(district, raw, words)
    assert "\n" not in message
    assert understand(district, near).note  # while words of one option are taken


def test_a_choice_by_a_part_of_a_label(make_field):
    stage = make_field("""
        type: choice
        options:
          - {value: junior, label: 初中}
          - {value: senior, label: 普通高中}
          - {value: vocational, label: 中职（中专、技校、职高）}
          - {value: university, label: 大学（大专、本科）}
        """)
    for raw, expected in [("初中二年级", "junior"), ("高中", "senior"), ("技校", "vocational"),
                          ("读大专", "university"), ("本科", "university")]:
        assert parse_answer(stage, raw) == expected, raw


def test_several_choices_by_words(make_field):
    field = make_field("""
        type: choice
        multiple: true
        options:
          - {value: 思明区, label: 思明区, aliases: [思明]}
          - {value: 湖里区, label: 湖里区, aliases: [湖里]}
          - {value: anywhere, label: 哪里都可以, aliases: [随便]}
        """)
    understood(field, "思明、湖里", ["思明区", "湖里区"], "已按“思明区、湖里区”记录。")
    understood(field, "是的，思明区和湖里区", ["思明区", "湖里区"], None)
    understood(field, "随便", ["anywhere"], "已按“哪里都可以”记录。")


@pytest.mark.parametrize("aliases, problem", [
    ("aliases: 湖里", "aliases of option"), ("aliases: []", "aliases of option"),
    ("aliases: ['12']", "aliases of option"), ("aliases: [思明区]", "more than one option: 思明区"),
])
def test_aliases_are_checked_at_load(make_field, aliases, problem):
    with pytest.raises(FormError, match=problem):
        make_field(f"""
            type: choice
            options:
              - {{value: 思明区, label: 思明区}}
              - {{value: 湖里区, label: 湖里区, {aliases}}}
            """)


def this_year(month, day):
    return datetime.date(local_today().year, month, day)


@pytest.mark.parametrize("raw", ["{y}年3月1日", "{y}.3.1", "{y}-03-01", "{y}年3月1号"])
def test_full_dates_need_no_note(date, raw):
    understood(date, raw.format(y=local_today().year), this_year(3, 1).isoformat(), None)


@pytest.mark.parametrize("raw", ["3月1日", "3月1号", "三月一号"])
def test_a_day_without_a_year_is_this_years(date, raw):
    day = this_year(3, 1)
    understood(date, raw, day.isoformat(), f"已按 {day.year}年3月1日记录。")


@pytest.mark.parametrize("raw, days, name", [
    ("随时都可以", 0, "今天"), ("随时", 0, "今天"), ("马上", 0, "今天"), ("明天就能上班", 1, "明天"),
])
def test_days_said_from_today(date, raw, days, name):
    day = local_today() + datetime.timedelta(days=days)
    understood(date, raw, day.isoformat(), f"已按{name}（{day.year}年{day.month}月{day.day}日）记录。")


def test_a_month_alone_asks_for_the_day_with_this_years_example(date):
    year = local_today().year
    assert refuses(date, "今年3月", "具体哪一天") == f"请说到具体哪一天，例如 {year}年3月1日。"
    assert refuses(date, "去年5月", "具体哪一天") == f"请说到具体哪一天，例如 {year - 1}年5月1日。"
    assert refuses(date, "明天不行", "请回复日期").count("例如") == 1


# --- one hint per refusal ----------------------------------------------------------


def test_the_fields_own_hint_replaces_the_parsers_when_the_answer_cannot_be_read(make_field):
    age = make_field("type: integer\nmin: 0\nmax: 120\nunit: 岁\nerror: 请只回复数字，例如 45。")
    assert refuses(age, "abc", "45") == "请只回复数字，例如 45。"
    money = make_field("type: money\nerror: 请回复金额，例如 2500。")
    assert refuses(money, "很多", "2500") == "请回复金额，例如 2500。"


def test_a_specific_reason_stands_alone(make_field):
    age = make_field("type: integer\nmin: 16\nmax: 120\nunit: 岁\nerror: 请回复您的周岁年龄，例如 45。")
    assert refuses(age, "15", "16到120岁") == "请填16到120岁之间的数字。"


def test_every_shipped_hint_is_one_line_with_at_most_one_example():
    for form in forms.all_forms():
        for field in form_fields(form.fields):
            for raw in ("abc", "一两千", "", "思明区还是湖里区"):
                try:
                    parse_answer(field, raw)
                except AnswerError as problem:
                    assert "\n" not in problem.message, (form.id, field.id, problem.message)
                    assert problem.message.count("例如") <= 1, (form.id, field.id, problem.message)


# --- the shipped forms hear the answers residents gave --------------------------------


def shipped(form_id, field_id):
    return next(f for f in form_fields(forms.get(form_id).fields) if f.id == field_id)


@pytest.mark.parametrize("form_id, field_id, raw, expected", [
    ("dibao", "owns_vehicle", "没有车", False),
    ("dibao", "boarding", "不住校", False),
    ("dibao", "employed", "没工作，身体不好", False),
    # what the question's help counts as work, in the resident's words
    ("dibao", "employed", "打零工", True),
    ("dibao", "employed", "在家种地", True),
    ("dibao", "employed", "偶尔打打零工", True),
    ("dibao", "employed", "不打零工了", False),
    ("dibao", "prior_year_medical_aid", "没领过", 0),
    ("dibao", "monthly_income", "两千六", 2600),
    ("dibao", "financial_assets", "1500左右", 1500),
    ("dibao", "district", "是的，思明区", "思明区"),
    ("dibao", "relation", "女儿", "child"),
    ("dibao", "relation", "我老伴", "spouse"),
    ("dibao", "student_stage", "初二", "junior"),
    ("dibao", "student_stage", "他读高三了", "senior"),
    ("dibao", "student_stage", "小学五年级", "primary"),
    ("dibao", "student_stage", "大一", "university"),
    ("dibao", "student_stage", "上幼儿园大班", "preschool"),
    ("jiuye", "public_welfare", "愿意", True),
    ("jiuye", "available_from", "随时都可以", "today"),  # the day the test runs, not the day it was collected
    ("jiuye", "work_districts", "哪里都行", ["anywhere"]),
    ("jiuye", "contact", "发微信就行", "wechat"),
    ("jiuye", "unemployed_months", "半年", 6),
    ("xiansuo", "urgency", "不急", "normal"),
])
def test_the_shipped_forms_understand_answers_residents_gave(form_id, field_id, raw, expected):
    if expected == "today":
        expected = local_today().isoformat()
    assert parse_answer(shipped(form_id, field_id), raw) == expected


def test_the_note_flows_through_answering_a_form():
    form = forms.get("yiliao")
    answered = forms.answer_noted(form, {}, ("medical_total_cost",), "八万左右")
    assert answered.answers == {"medical_total_cost": 80000}
    assert answered.note == "已按 80,000 元记录。"
    assert forms.answer(form, {}, ("medical_total_cost",), "八万左右") == answered.answers
    assert forms.answer_noted(form, {}, ("medical_total_cost",), "80000").note is None


def test_today_is_xiamens_whatever_zone_the_server_runs_in(date, monkeypatch):
    """A server on UTC is at yesterday for the first 8 hours of a Xiamen day. Run in a zone
    whose date differs from Xiamen's right now, so that a server's own date would show."""
    import time

    xiamen_hour = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).hour
    monkeypatch.setenv("TZ", "Etc/GMT+12" if xiamen_hour < 20 else "Etc/GMT-14")  # UTC-12 / UTC+14
    time.tzset()
    try:
        assert datetime.date.today() != local_today()  # the zones disagree on the date
        day = local_today() + datetime.timedelta(days=1)
        understood(date, "明天", day.isoformat(), f"已按明天（{day.year}年{day.month}月{day.day}日）记录。")
    finally:
        monkeypatch.undo()
        time.tzset()
