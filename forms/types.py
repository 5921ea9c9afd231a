"""Field types: turning what a resident sent into an answer, or saying why not.

Every parser takes the field and the raw answer. A chat sends text; the mini-program may
send the JSON value itself (a number, true/false, an option's value), which is checked the
same way. An image or a location is never text: the channel supplies it as a dict.

Residents answer in their own words: numbers in Chinese and with units or approximations
(两千六, 一万五, 1500左右), yes or no as they say it (没有车, 不住校), an option by words of
its label (是的，思明区), days as spoken (3月1日, 随时). The word lists are data
(forms/words.yaml). An answer read from more than its plain form comes back with a note
saying how it was recorded (`understand`), for the chat to show; anything ambiguous is
refused with one hint rather than guessed.
"""

import datetime
import functools
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import cn2an
import yaml

from forms.errors import AnswerError
from policy.situation import local_today

MAX_MONEY = 100_000_000  # no household answer is near 1亿; beyond is a typing slip
DEFAULT_MAX_LENGTH = 200
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
WORDS_PATH = Path(__file__).parent / "words.yaml"


@dataclass(frozen=True)
class Understood:
    """An answer's value, and when it was read loosely (words, an approximation, a day
    relative to today) a note for the resident saying how it was recorded."""

    value: object
    note: str | None = None


class Unreadable(AnswerError):
    """The answer could not be read at all (as opposed to read and found wrong): the
    field's own `error` text, when it has one, is the better hint and replaces this one."""


def _plain(raw):
    """Full-width to half-width (NFKC), trimmed of spaces and closing punctuation."""
    return unicodedata.normalize("NFKC", raw).strip().rstrip("。.!?~ ").strip()


def _longest_first(items):
    return tuple(sorted(items, key=len, reverse=True))


@functools.cache
def words():
    """forms/words.yaml, normalised like answers, each list longest entry first."""
    with open(WORDS_PATH, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)

    def norm(text):
        if type(text) is not str or not text:
            raise ValueError(f"{WORDS_PATH}: {text!r} is not a word (quote it)")
        return unicodedata.normalize("NFKC", text).lower()

    def prepare(node):
        if isinstance(node, dict):
            return {norm(key): prepare(value) for key, value in node.items()}
        if isinstance(node, list):
            return _longest_first(norm(item) for item in node)
        return node  # a number: days after today, years after this one

    return prepare(data)


def _strip_start(text, choices):
    """`text` without a leading word of `choices`, and the word (None when none matched).
    A word is taken off only when something is left."""
    for word in choices:
        if text.startswith(word) and len(text) > len(word):
            return text[len(word):], word
    return text, None


def _strip_end(text, choices):
    for word in choices:
        if text.endswith(word) and len(text) > len(word):
            return text[:-len(word)], word
    return text, None


def _strip_all(text, starts=(), ends=()):
    """`text` without any number of leading `starts` and trailing `ends`."""
    while True:
        text, first = _strip_start(text, starts)
        text, last = _strip_end(text, ends)
        if first is None and last is None:
            return text


_CLAUSES = re.compile(r"[,，。;；!！、:：\s~～…]+")


def _clauses(text):
    return [clause for clause in _CLAUSES.split(text) if clause]


# --- numbers -----------------------------------------------------------------

# Chinese numerals cn2an reads (with Arabic digits mixed in: 2千6, 1万5).
_NUMERAL = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟幺廿点"
_NONZERO_DIGIT = "一二两三四五六七八九壹贰叁肆伍陆柒捌玖幺"
_NUMBER_TEXT = re.compile(rf"[0-9.{_NUMERAL}]+")
# Two digits in a row without a unit between (一两千, 三四十, 五六百) are a range, and so are
# 到 / 至 / 或 between numbers and 几 / 把 (几百, 千把块): a number would be a guess.
_RANGE = re.compile(rf"[{_NONZERO_DIGIT}]{{2}}|[0-9{_NUMERAL}]\s*(到|至|或者|或|-|~|—)\s*[0-9{_NUMERAL}]|几|[十百千万]把")
_ARABIC = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?(万|千|w|k)?")
_SCALES = {"万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000}  # 2万, 2.5万, 3千


@dataclass(frozen=True)
class _Number:
    amount: Decimal
    about: bool  # an approximation: 1500左右, 大概两千, 三千多
    loose: bool  # read from words or with a scale or an approximation, not plain digits


def _number(text, units, unreadable):
    """The number said in `text` (already plain), with `units` allowed after it; raises
    `unreadable` (an Unreadable) when there is none, AnswerError when it is a range."""
    said = words()["numbers"]
    text = text.replace(" ", "")
    if _RANGE.search(text):
        raise AnswerError("这像是一个范围，请说一个数，大概的也可以。")
    about = False
    while True:
        text, lead = _strip_start(text, said["lead"])
        text, before = _strip_start(text, said["about_before"])
        text, unit = _strip_end(text, units)
        text, after = _strip_end(text, said["about_after"])
        about = about or before is not None or after is not None
        if not (lead or before or unit or after):
            break
    if re.fullmatch(r"(-|负)\s*[0-9.,{}]+".format(_NUMERAL), text):
        raise AnswerError("不能是负数。")
    match = _ARABIC.fullmatch(text)
    if match:
        whole, fraction, scale = match.groups()
        amount = Decimal(whole.replace(",", "") + (fraction or "")) * _SCALES.get(scale, 1)
        return _Number(amount, about, about or scale is not None)
    if not _NUMBER_TEXT.fullmatch(text) or not re.search(f"[{_NUMERAL}]", text):
        raise unreadable
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        raise unreadable from None
    # cn2an computes 2.6千 in floating point; six places remove its noise and keep cents.
    amount = Decimal(str(round(value, 6))) if isinstance(value, float) else Decimal(value)
    if amount == amount.to_integral():
        amount = amount.to_integral()
    return _Number(amount, about, True)


def _integer_example(field):
    example = 3 if field.min <= 3 <= field.max else field.min
    return Unreadable(f"请填一个数字，例如 {example}。")


def _bounds(value, field, unit):
    if not field.min <= value <= field.max:
        raise AnswerError(f"请填{field.min}到{field.max}{unit}之间的数字。")
    return value


@functools.cache
def _units(unit):
    """What an integer answer may end with for a field of this `unit`."""
    if not unit:
        return ()
    listed = words()["numbers"]["units"].get(unit, ())
    return _longest_first(set(listed) | {unit, "个" + unit})


def _months(field, text):
    """A field counted in months also takes years: 半年 6, 一年 12, 一年半 18, 1年3个月 15."""
    unreadable = _integer_example(field)
    years_said, _, rest = text.partition("年")
    years = _number(years_said, (), unreadable) if years_said not in ("", "半") else None
    if years_said == "半":
        months, about = Decimal(6), False
    else:
        if years is None:
            raise unreadable
        months, about = years.amount * 12, years.about
    if rest == "半":
        months += 6
    elif rest in words()["numbers"]["about_after"]:
        about = True
    elif rest:
        more = _number(rest, _units("月"), unreadable)
        months, about = months + more.amount, about or more.about
    return _Number(months, about, True)


def _integer(field, raw):
    unit = field.unit or ""
    if type(raw) is int:
        return _bounds(raw, field, unit)
    if type(raw) is not str:
        raise AnswerError("请填一个整数。")
    text = _plain(raw).replace(" ", "")
    if unit == "月" and "年" in text:
        number = _months(field, text)
    else:
        number = _number(text, _units(unit), _integer_example(field))
    if number.amount != number.amount.to_integral():
        raise AnswerError("请填整数，不要带小数。")
    value = _bounds(int(number.amount), field, unit)
    if not number.loose:
        return value
    shown = "个月" if unit == "月" else unit
    return Understood(value, f"已按 {value} {shown}记录。" if shown else f"已按 {value} 记录。")


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


def _yuan(amount):
    """2600 → 2,600; 2600.5 → 2,600.50, as residents read amounts."""
    return f"{amount:,}" if type(amount) is int else f"{amount:,.2f}"


def _nothing(text):
    """没有 / 无 / 没领过 / 没有收入: an amount of nothing; not 没多少 (not much)."""
    said = words()["numbers"]
    if text in said["money_none"]:
        return True
    return (text.startswith(said["money_none_starts"])
            and not text.startswith(said["money_not_none"])
            and not re.search(f"[0-9{_NUMERAL}]", text[1:].replace("零", "").replace("〇", "")))


def _money(field, raw):
    unreadable = Unreadable("请填一个金额（单位：元），例如 2500。")
    if type(raw) in (int, float):
        if not math.isfinite(raw):
            raise unreadable
        return _money_bounds(Decimal(str(raw)), field)
    if type(raw) is not str:
        raise unreadable
    text = _plain(raw).lower().lstrip("¥").replace(" ", "")
    if _nothing(_strip_all(text, words()["numbers"]["lead"])):  # 家里没有存款
        amount = _money_bounds(Decimal(0), field)
        plain = text in words()["numbers"]["money_none"]
        return amount if plain else Understood(amount, "已按 0 元记录。")
    number = _number(text, words()["numbers"]["money_units"], unreadable)
    amount = _money_bounds(number.amount, field)
    return Understood(amount, f"已按 {_yuan(amount)} 元记录。") if number.loose else amount


# --- yes / no --------------------------------------------------------------------

_A_NOT_A = re.compile(r"(.{1,2})[不没]\1")  # 是不是, 有没有, 可不可以, 愿不愿意: a question
_UNSURE = "unsure"


def _echoes(words_said, prompt):
    """Do `words_said` come from the question (two characters in a row of it, at least)?"""
    return any(words_said[i:i + 2] in prompt for i in range(len(words_said) - 1))


def _polarity(clause, prompt, aliases=()):
    """True (yes), False (no), None (neither) or _UNSURE for one clause of an answer.
    `aliases`: the field's own words for yes (打零工 to "有工作吗")."""
    said = words()["yesno"]
    clause = _strip_all(clause, said["lead"], said["particles"])
    repeated = re.fullmatch(r"(.+?)\1+", clause)  # 对对对, 没有没有
    if repeated:
        clause = repeated.group(1)
    if _A_NOT_A.search(clause) or clause.startswith(said["unsure"]):
        return _UNSURE
    if clause in said["yes_words"]:
        return True
    if clause in said["no_words"]:
        return False
    if clause.startswith(said["neither"]):
        return None
    for copula in said["copulas"]:
        if clause.startswith(copula):
            # 是外地的 describes; 不是特困 (to a question about 特困) answers.
            rest = clause[len(copula):]
            return (not copula.startswith(said["no_starts"])) if _echoes(rest, prompt) else None
    negations = said["no_starts"]
    for start in said["no_starts"]:
        if clause.startswith(start):
            rest = clause[len(start):].removeprefix("是").removeprefix("有")
            return None if rest.startswith(negations) else False  # 不是没有: a double negation
    for start in said["yes_starts"]:
        if clause.startswith(start):
            rest = clause[len(start):]
            return None if any(n in rest for n in negations) else True  # holds both
    if len(clause) >= 2 and clause in prompt:
        return True  # the question's own words: 住校 to "……寄宿（住校）吗？"
    if any(alias in clause for alias in aliases):
        return True  # a negated one (不打零工) was a no above
    return None


@functools.cache
def _yes_terms(field):
    """A yesno's own words for yes, normalised like answers."""
    return tuple(_plain(alias).lower() for alias in field.aliases)


def _yesno(field, raw):
    unreadable = Unreadable("请回复“是”或“否”。")
    if type(raw) is bool:
        return raw
    if type(raw) is not str or "?" in unicodedata.normalize("NFKC", raw):
        raise unreadable  # a question is not an answer
    text = _plain(raw).lower()
    said = words()["yesno"]
    if text in said["yes_words"]:
        return True
    if text in said["no_words"]:
        return False
    prompt = unicodedata.normalize("NFKC", field.prompt).lower()
    clauses = [c for c in _clauses(text) if c not in said["fillers"]] or _clauses(text)
    readings = [_polarity(clause, prompt, _yes_terms(field)) for clause in clauses]
    answers = {reading for reading in readings if reading in (True, False)}
    if _UNSURE in readings or len(answers) != 1:
        raise unreadable
    value = answers.pop()
    return Understood(value, f"已按“{'是' if value else '否'}”记录。")


# --- choices ---------------------------------------------------------------------


@functools.cache
def _terms(option):
    """The words that name an option: its label, the label's parts (中职（中专、技校、职高）:
    中职, 中专, 技校, 职高) and its aliases, normalised like answers."""
    label = _plain(option.label).lower()
    parts = [part for part in re.split(r"[()（）、,，;；/]+", label) if part]
    return _longest_first({label, *parts, *(_plain(a).lower() for a in option.aliases)})


def _score(term, clause, negations):
    """How well `term` names what `clause` says: its length when it appears in the clause
    (not after a negation: 不是思明区), or the clause's when the clause is part of it
    (思明 of 思明区); 0 when neither."""
    at = clause.find(term)
    if at >= 0:
        return 0 if any(n in clause[:at] for n in negations) else len(term)
    return len(clause) if len(clause) >= 2 and clause in term else 0


def _option(field, token):
    """An option by its number (1 for the first), its label, value or an alias, or words
    of those in a longer answer; with whether it was read loosely."""
    if re.fullmatch(r"[0-9]+", token):
        number = int(token)
        if 1 <= number <= len(field.options):
            return field.options[number - 1].value, False
        raise AnswerError(f"请回复1到{len(field.options)}之间的选项数字。")
    token = token.lower()
    for option in field.options:
        # Labels go through the same normalising as the answer: （ in a label is ( once typed.
        if token in (_plain(option.label).lower(), _plain(option.value).lower()):
            return option.value, False
    unreadable = Unreadable("没有这个选项，请回复选项前面的数字。")
    if "?" in token:
        raise unreadable  # words of a label in a question ("在思明吗？") do not choose it
    negations = words()["yesno"]["no_starts"]
    best = {}
    for clause in _clauses(token):
        for option in field.options:
            score = max(_score(term, clause, negations) for term in _terms(option))
            best[option] = max(best.get(option, 0), score)
    top = max(best.values(), default=0)
    chosen = [option for option, score in best.items() if score == top]
    if top == 0:
        raise unreadable
    if len(chosen) > 1:
        raise AnswerError(f"您的回答里既像“{chosen[0].label}”，又像“{chosen[1].label}”，"
                          "请回复选项前面的数字。")
    return chosen[0].value, True


_SEPARATORS = re.compile(r"[,，、;；/\s]+|和|与|及|跟|或者|或|还有")


def _choice(field, raw):
    values = [option.value for option in field.options]
    labels = {option.value: option.label for option in field.options}
    if field.multiple:
        if type(raw) is list:
            if raw and all(type(v) is not bool and v in values for v in raw):
                return list(dict.fromkeys(raw))
            raise AnswerError("请从选项中选择。")
        if type(raw) is not str:
            raise AnswerError("请从选项中选择。")
        tokens = [t for t in _SEPARATORS.split(_plain(raw)) if t]
        # "是的，思明区、湖里区": a yes before the picks is not one of them.
        tokens = [t for t in tokens if t.lower() not in words()["yesno"]["yes_words"] or t.isdigit()]
        if not tokens:
            raise AnswerError("请至少选一项，可以回复多个数字，用逗号隔开，例如 1,3。")
        picked = [_option(field, token) for token in tokens]
        chosen = list(dict.fromkeys(value for value, _ in picked))
        if any(loose for _, loose in picked):
            return Understood(chosen, f"已按“{'、'.join(labels[v] for v in chosen)}”记录。")
        return chosen
    if type(raw) is str:
        value, loose = _option(field, _plain(raw))
        return Understood(value, f"已按“{labels[value]}”记录。") if loose else value
    if type(raw) is not bool and raw in values:
        return raw
    raise AnswerError("请从选项中选择。")


# --- dates -----------------------------------------------------------------------

_FULL_DATE = re.compile(r"([0-9]{4})(?:[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})[日号]?|([0-9]{2})([0-9]{2}))")
_MONTH_DAY = re.compile(r"([0-9]{1,2})月([0-9]{1,2})[日号]?")
_MONTH_ONLY = re.compile(r"(?:([0-9]{4})年)?([0-9]{1,2})月(?:份|初|中|底|中旬|上旬|下旬)?")
_DAY_NAMES = {0: "今天", 1: "明天", 2: "后天"}


def _day(year, month, day):
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        raise AnswerError("这一天不存在，请核对年月日。") from None
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise AnswerError("年份不对，请核对。")
    return date


def _relative_day(text):
    """今天 / 明天 / 随时都可以: how many days after today, or None."""
    said = words()["dates"]
    for word, offset in sorted(said["relative"].items(), key=lambda item: -len(item[0])):
        if not text.startswith(word):
            continue
        rest = text[len(word):]
        while rest:
            after = next((w for w in said["after"] if rest.startswith(w)), None)
            if after is None:
                return None  # 明天不行, 随时3月: more than a day
            rest = rest[len(after):]
        return offset
    return None


def _date(field, raw):
    today = local_today()
    unreadable = Unreadable(f"请回复日期，例如 {today.year}年{today.month}月{today.day}日。")
    if type(raw) is not str:
        raise unreadable
    text = _plain(raw).replace(" ", "")
    offset = _relative_day(text)
    if offset is not None:
        date = today + datetime.timedelta(days=offset)
        return Understood(date.isoformat(), f"已按{_DAY_NAMES.get(offset, '')}"
                                            f"（{date.year}年{date.month}月{date.day}日）记录。")
    if re.search(f"[{_NUMERAL}]", text):
        try:
            with warnings.catch_warnings():  # cn2an warns of what it leaves as it was
                warnings.simplefilter("ignore")
                text = cn2an.transform(text, "cn2an")  # 二〇二六年三月一日 → 2026年3月1日
        except (ValueError, KeyError, IndexError, TypeError):
            raise unreadable from None
    match = _FULL_DATE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups() if g is not None)
        return _day(year, month, day).isoformat()
    said_year, year_word = _strip_start(text, words()["dates"]["years"])
    year = today.year + words()["dates"]["years"].get(year_word, 0)
    match = _MONTH_DAY.fullmatch(said_year)
    if match:
        # A month and day without a year are this year's (or the year said before them).
        date = _day(year, int(match.group(1)), int(match.group(2)))
        return Understood(date.isoformat(), f"已按 {date.year}年{date.month}月{date.day}日记录。")
    match = _MONTH_ONLY.fullmatch(said_year)
    if match and 1 <= int(match.group(2)) <= 12:
        # No form asks for a month alone: ask for the day, with the month said as example.
        year = int(match.group(1) or year)
        raise AnswerError(f"请说到具体哪一天，例如 {year}年{int(match.group(2))}月1日。")
    raise unreadable


# GB 11643-1999: the 18th character is the ISO 7064 MOD 11-2 check of the first 17 digits.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_character(first17):
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def _id_number(field, raw):
    if type(raw) is not str:
        raise Unreadable("请填写18位身份证号码。")
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", text):
        raise Unreadable("身份证号码应为18位：17位数字，最后一位是数字或X。")
    try:
        birth = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise AnswerError("身份证号码中的出生日期不对，请核对。") from None
    if not datetime.date(EARLIEST_YEAR, 1, 1) <= birth <= local_today():
        raise AnswerError("身份证号码中的出生日期不对，请核对。")
    if id_check_character(text[:17]) != text[17]:
        raise AnswerError("身份证号码有误（校验位对不上），请逐位核对。")
    return text


def _phone(field, raw):
    if type(raw) is not str:
        raise Unreadable("请填写11位手机号码。")
    text = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", raw))
    text = re.sub(r"^(\+?86)(?=1[0-9]{10}$)", "", text)
    if not re.fullmatch(r"1[3-9][0-9]{9}", text):
        raise Unreadable("请填写11位手机号码，例如 13912345678。")
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
        raise Unreadable("格式不对，请核对。")
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


def understand(field, raw):
    """What `raw` answers to `field`, as an Understood (the value, and a note when it was
    read loosely); or AnswerError with one hint: the field's own `error` text when the
    answer could not be read at all, else the reason it cannot be used."""
    try:
        result = PARSERS[field.type](field, raw)
    except Unreadable:
        if field.error:
            raise AnswerError(field.error) from None
        raise
    return result if isinstance(result, Understood) else Understood(result)


def parse_answer(field, raw):
    """The value `raw` answers to `field`, or AnswerError (see `understand`)."""
    return understand(field, raw).value


def cell_reader(kind):
    """`raw -> value` by the rules of a field of type `kind` with no hint of its own: an
    imported file's identity or phone numbers are read as the chat reads them."""
    field = SimpleNamespace(type=kind, error=None)
    return lambda raw: parse_answer(field, raw)
