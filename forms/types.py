"""Field types: turning what a resident sent into an answer, or saying why not.

Every parser takes the field and the raw answer. A chat sends text; the mini-program may
send the JSON value itself (a number, true/false, an option's value), which is checked the
same way. An image or a location is never text: the channel supplies it as a dict.
"""

import datetime
import math
import re
import unicodedata
from decimal import Decimal

from forms.errors import AnswerError

MAX_MONEY = 100_000_000  # no household answer is near 1亿; beyond is a typing slip
DEFAULT_MAX_LENGTH = 200
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def _plain(raw):
    """Full-width to half-width (NFKC), trimmed of spaces and closing punctuation."""
    return unicodedata.normalize("NFKC", raw).strip().rstrip("。.!?~ ").strip()


# --- numbers -----------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _chinese_number(text):
    """三 → 3, 四十五 → 45, 一百零五 → 105; None when not a plain Chinese numeral.

    A digit trailing a hundred or thousand without 零 is refused: 一百五 means 150 to
    most people and 105 to a literal reading.
    """
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    total, digit, last_unit, after_zero = 0, None, None, False
    for c in text:
        if c in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[c]
            if digit == 0:
                digit, after_zero = None, True
        else:
            unit = _CN_UNITS[c]
            if last_unit is not None and unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit, after_zero = None, unit, False
    if digit is not None:
        if last_unit is not None and last_unit > 10 and not after_zero:
            return None
        total += digit
    return total


def _bounds(value, field, unit):
    if not field.min <= value <= field.max:
        raise AnswerError(f"请填{field.min}到{field.max}{unit}之间的数字。")
    return value


def _integer(field, raw):
    unit = field.unit or ""
    if type(raw) is int:
        return _bounds(raw, field, unit)
    if type(raw) is not str:
        raise AnswerError("请填一个整数。")
    text = _plain(raw)
    if unit:
        # 3人, 3口人, 三口, 45周岁, 6个月, 6个: the unit, and a measure word before it, may be left.
        text = text.removesuffix(unit).rstrip("个口周").strip()
    if re.fullmatch(r"[0-9]+", text):
        return _bounds(int(text), field, unit)
    value = _chinese_number(text)
    if value is not None:
        return _bounds(value, field, unit)
    if re.fullmatch(r"-\s*[0-9]+", text):
        raise AnswerError("不能是负数。")
    if re.fullmatch(r"[0-9]+\.[0-9]+", text):
        raise AnswerError("请填整数，不要带小数。")
    raise AnswerError("请填一个数字，例如 3。")


_MONEY_NUMBER = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?")
_NONE = ("无", "没有", "没")
_SCALES = {"万": 10_000, "千": 1_000}  # 2万, 2.5万, 3千


def _money_bounds(amount, field):
    if amount < 0:
        raise AnswerError("金额不能是负数。")
    if amount != round(amount, 2):
        raise AnswerError("金额最多到分（两位小数）。")
    if amount > field.max:
        raise AnswerError(f"金额过大，请核对（最多{field.max}元）。")
    if amount < field.min:
        raise AnswerError(f"金额不能少于{field.min}元。")
    # Whole yuan stay whole numbers, as in the situation's examples.
    return int(amount) if amount == int(amount) else float(amount)


def _money(field, raw):
    if type(raw) in (int, float):
        if not math.isfinite(raw):
            raise AnswerError("请填一个金额，例如 2500。")
        return _money_bounds(Decimal(str(raw)), field)
    if type(raw) is not str:
        raise AnswerError("请填一个金额，例如 2500。")
    text = _plain(raw).lstrip("¥").replace(" ", "")
    text = re.sub(r"(元钱|块钱|元|块)$", "", text)
    scale = _SCALES.get(text[-1:], 1)
    if scale > 1:
        text = text[:-1]
    if text in _NONE:
        text = "0"
    if text.startswith("-") and _MONEY_NUMBER.fullmatch(text[1:]):
        raise AnswerError("金额不能是负数。")
    match = _MONEY_NUMBER.fullmatch(text)
    if match:
        amount = Decimal(match.group(1).replace(",", "") + (match.group(2) or "")) * scale
        return _money_bounds(amount, field)
    value = _chinese_number(text)
    if value is not None:
        return _money_bounds(Decimal(value * scale), field)
    raise AnswerError("请填一个金额（单位：元），例如 2500。")


# --- yes / no, choices -----------------------------------------------------------

_YES = {"是", "是的", "有", "对", "对的", "嗯", "1", "y", "yes"}
_NO = {"否", "不是", "没有", "没", "无", "不", "不对", "2", "n", "no"}


def _yesno(field, raw):
    if type(raw) is bool:
        return raw
    if type(raw) is str:
        text = _plain(raw).lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
    raise AnswerError("请回复“是”或“否”。")


def _option(field, token):
    """An option by its number (1 for the first), its label, or its value."""
    if re.fullmatch(r"[0-9]+", token):
        number = int(token)
        if 1 <= number <= len(field.options):
            return field.options[number - 1].value
        raise AnswerError(f"请回复1到{len(field.options)}之间的选项数字。")
    token = token.lower()
    for option in field.options:
        # Labels go through the same normalising as the answer: （ in a label is ( once typed.
        if token in (_plain(option.label).lower(), _plain(option.value).lower()):
            return option.value
    raise AnswerError("没有这个选项，请回复选项前面的数字。")


def _choice(field, raw):
    values = [option.value for option in field.options]
    if field.multiple:
        if type(raw) is list:
            if raw and all(type(v) is not bool and v in values for v in raw):
                return list(dict.fromkeys(raw))
            raise AnswerError("请从选项中选择。")
        if type(raw) is not str:
            raise AnswerError("请从选项中选择。")
        tokens = [t for t in re.split(r"[,、;/\s]+", _plain(raw)) if t]
        if not tokens:
            raise AnswerError("请至少选一项，可以回复多个数字，用逗号隔开，例如 1,3。")
        return list(dict.fromkeys(_option(field, token) for token in tokens))
    if type(raw) is str:
        return _option(field, _plain(raw))
    if type(raw) is not bool and raw in values:
        return raw
    raise AnswerError("请从选项中选择。")


# --- dates and identity ----------------------------------------------------------

_DATE = re.compile(r"([0-9]{4})(?:[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?|([0-9]{2})([0-9]{2}))")


def _date(field, raw):
    if type(raw) is not str:
        raise AnswerError("请按“2019-08-15”或“2019年8月15日”的样子填写日期。")
    match = _DATE.fullmatch(_plain(raw).replace(" ", ""))
    if not match:
        raise AnswerError("请按“2019-08-15”或“2019年8月15日”的样子填写日期。")
    year, month, day = (int(g) for g in match.groups() if g is not None)
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        raise AnswerError("这一天不存在，请核对年月日。") from None
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise AnswerError("年份不对，请核对。")
    return date.isoformat()


# GB 11643-1999: the 18th character is the ISO 7064 MOD 11-2 check of the first 17 digits.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_character(first17):
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def _id_number(field, raw):
    if type(raw) is not str:
        raise AnswerError("请填写18位身份证号码。")
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", text):
        raise AnswerError("身份证号码应为18位：17位数字，最后一位是数字或X。")
    try:
        birth = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise AnswerError("身份证号码中的出生日期不对，请核对。") from None
    if not datetime.date(EARLIEST_YEAR, 1, 1) <= birth <= datetime.date.today():
        raise AnswerError("身份证号码中的出生日期不对，请核对。")
    if id_check_character(text[:17]) != text[17]:
        raise AnswerError("身份证号码有误（校验位对不上），请逐位核对。")
    return text


def _phone(field, raw):
    if type(raw) is not str:
        raise AnswerError("请填写11位手机号码。")
    text = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", raw))
    text = re.sub(r"^(\+?86)(?=1[0-9]{10}$)", "", text)
    if not re.fullmatch(r"1[3-9][0-9]{9}", text):
        raise AnswerError("请填写11位手机号码，例如 13912345678。")
    return text


# --- text, image, location -----------------------------------------------------------


def _text(field, raw):
    if type(raw) is not str:
        raise AnswerError("请输入文字。")
    text = raw.strip()
    if len(text) < field.min_length:
        raise AnswerError("内容太短了，请再写详细一些。" if text else "请输入内容。")
    if len(text) > field.max_length:
        raise AnswerError(f"内容太长了，请控制在{field.max_length}个字以内。")
    if field.pattern and not re.fullmatch(field.pattern, text):
        raise AnswerError("格式不对，请核对。")
    return text


def _image(field, raw):
    # The channel hands over the photo's media reference; typed text is not a photo.
    if type(raw) is dict and type(raw.get("media_id")) is str and raw["media_id"].strip():
        return {"media_id": raw["media_id"].strip()}
    raise AnswerError("请直接发送一张照片（点输入框旁的“+”，选“照片”或“拍摄”）。")


def _coordinate(value, limit):
    return type(value) in (int, float) and math.isfinite(value) and -limit <= value <= limit


def _location(field, raw):
    if type(raw) is dict and _coordinate(raw.get("lat"), 90) and _coordinate(raw.get("lng"), 180):
        label = raw.get("label")
        return {"lat": raw["lat"], "lng": raw["lng"],
                "label": label.strip() if type(label) is str else ""}
    raise AnswerError("请发送位置（点输入框旁的“+”，选“位置”）。")


PARSERS = {
    "text": _text,
    "integer": _integer,
    "money": _money,
    "yesno": _yesno,
    "choice": _choice,
    "date": _date,
    "id_number": _id_number,
    "phone": _phone,
    "image": _image,
    "location": _location,
    "group": _integer,  # a group's own answer is how many members it has
}


def parse_answer(field, raw):
    """The answer to `field` from `raw`, or AnswerError with the reason and the field's hint."""
    try:
        return PARSERS[field.type](field, raw)
    except AnswerError as problem:
        if field.error:
            raise AnswerError(f"{problem.message}\n{field.error}") from None
        raise
