"""Understanding typed text: normalising it, matching it to options, reading amounts of money.

People type on phones at 3 a.m.: full-width digits, 万 and 千, spaces, "はい。" — all of it must work.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

_STRIP = re.compile(r"[\s、。，．,.!！?？・「」『』()（）\[\]【】~〜ー−\-]+")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, punctuation and spaces removed."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


def match_option(text: str, options: Sequence[tuple[str, Iterable[str]]]) -> str | None:
    """The option id for `text`: by number ("2"), exact word, or the longest word the text contains.

    `options` pairs each option id with its words (labels in every language, synonyms).
    """
    said = normalize(text)
    if not said:
        return None
    if said.isdecimal() and len(said) < 4 and 1 <= int(said) <= len(options):
        return options[int(said) - 1][0]
    best: tuple[int, str] | None = None
    for option_id, words in options:
        for word in words:
            w = normalize(word)
            if not w:
                continue
            if w == said:
                return option_id
            if len(w) >= 2 and w in said and (best is None or len(w) > best[0]) and not negated(said, w):
                best = (len(w), option_id)
    return best[1] if best else None


# What turns a contained word around: 離婚して|ない, 離婚する|つもりはない, 会いたがって|ません.
_NEGATION_AFTER = re.compile(r"^(ない|なかった|ません|ず|ぬ|ん|ねえ|ねー|へん|ひん|じゃない|ではない|てない|ていない|"
                             r"しない|しません|してない|していない|つもりはない|つもりない|気はない|予定はない|わけじゃない)")


def negation_follows(rest: str) -> bool:
    """Whether the words right after something negate it: 離婚して|ない, 離婚する|つもりはない."""
    return _NEGATION_AFTER.match(rest) is not None


def negated(said: str, word: str) -> bool:
    """Whether every place `word` occurs in `said` is followed by a negation (then it means the opposite)."""
    ends = [m.end() for m in re.finditer(re.escape(word), said)]
    return bool(ends) and all(negation_follows(said[end:]) for end in ends)


_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
_UNITS = {"億": 100_000_000, "万": 10_000, "千": 1_000}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "億": 100_000_000}
_AMOUNT_NOISE = re.compile(r"[,\s¥￥]|円|yen|くらい|ぐらい|位|程度|約|about|およそ|だいたい|大体|"
                           r"ほど|前後|弱|強|ちょっと|手取りで?|月収|年収|月に|毎月|月|収入は?|家賃は?|貯金は?|です|でした|かな|位です|ぐらいです")
# Units typed in kana or romaji after digits: 20まん, 3せん, 20man, 200k, 5えん.
_AMOUNT_UNITS = {"まん": "万", "man": "万", "せん": "千", "k": "千", "えん": "円", "ちょい": ""}
_AMOUNT_KANA = re.compile(r"(?<=[0-9.])\s*(まん|せん|(man|k)\b)|えん|ちょい")
_KANJI_NUMBER = re.compile(r"[0-9〇一二三四五六七八九十百千万億.]+")


def kanji_number(s: str) -> float | None:
    """二十 → 20, 十八万五千 → 185000, 1万5千 → 15000, 1.5万 → 15000; None when it is not a number."""
    s = s.translate(_KANJI_DIGITS)
    if not s or not _KANJI_NUMBER.fullmatch(s):
        return None
    total, section, digits = 0.0, 0.0, ""
    for ch in s:
        if ch.isdigit() or ch == ".":
            digits += ch
        elif ch in _SMALL:
            section += (float(digits) if digits else 1) * _SMALL[ch]
            digits = ""
        else:  # 万, 億
            section += float(digits) if digits else 0
            if section == 0:
                return None
            total += section * _BIG[ch]
            section, digits = 0.0, ""
    try:
        return total + section + (float(digits) if digits else 0)
    except ValueError:
        return None


def parse_amount(text: str) -> int | None:
    """Yen from "20万", "200,000円", "２０万５千", "1.5万", "¥180000", "0", "二十万円", "18万5千",
    "手取り20万くらい"; None when it is not an amount."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = _AMOUNT_NOISE.sub("", _AMOUNT_KANA.sub(lambda m: _AMOUNT_UNITS[m.group(0).strip()], s))
    if not s:
        return None
    if s in ("なし", "無し", "ない", "none", "no", "ゼロ", "zero"):
        return 0
    if s.count(".") > 1 or s.startswith("-"):
        return None
    found = kanji_number(s)
    return None if found is None else round(found)


def parse_count(text: str) -> int | None:
    """A small whole number of people: "3", "３人", "三人"."""
    s = unicodedata.normalize("NFKC", text).strip().lower().translate(_KANJI_DIGITS)
    s = re.sub(r"\s|人|名|にん|people|persons?|kids?|children|child|です|だけ|くらい", "", s)
    s = _COUNT_WORDS.get(s, s)
    return int(s) if s.isdigit() else None


_COUNT_WORDS = {"ひとり": "1", "ふたり": "2", "独り": "1", "一人": "1", "二人": "2", "one": "1", "two": "2",
                "three": "3", "four": "4", "five": "5", "さん": "3", "よ": "4", "ご": "5"}


_ERAS = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988, "昭和": 1925, "s": 1925}
_DATE_PATTERNS = (
    re.compile(r"^(?P<era>令和|平成|昭和|r|h|s)?(?P<y>\d{1,4}|元)[年/.\-](?P<m>\d{1,2})(?:[月/.\-](?P<d>\d{1,2})日?)?月?$"),
    re.compile(r"^(?P<m>\d{1,2})[月/](?P<d>\d{1,2})日?$"),
)


def parse_date(text: str, today: date) -> date | None:
    """A past or present date from "2025/3/1", "2025-03-01", "2025年3月1日", "令和7年3月1日", "R7.3.1",
    "3月1日" (the latest such day not after today), "2025年3月" (the 1st: the earlier day is the safer guess
    for a deadline). None when it is not a date, or lies in the future."""
    s = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        parts = m.groupdict()
        month, day = int(parts["m"]), int(parts.get("d") or 1)
        if parts.get("y") is None:
            year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
        else:
            year = 1 if parts["y"] == "元" else int(parts["y"])
            if parts.get("era"):
                year += _ERAS[parts["era"]]
            elif year < 100:
                continue  # "11/24" is a month and a day, not a year
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        return found if found <= today else None
    return None


@dataclass(frozen=True)
class When:
    """A day, or a span when the person was vague (去年の春): deadlines use `earliest`, marked approximate."""

    earliest: date
    latest: date

    @property
    def approximate(self) -> bool:
        return self.earliest != self.latest


_SEASONS = {"春": (3, 5), "夏": (6, 8), "秋": (9, 11), "冬": (12, 14),
            "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 14)}
_MONTHS_EN = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                          "dec"), start=1)}
_VAGUE = re.compile(r"(くらい|ぐらい|ころ|頃|ごろ|ほど|前後|あたり|辺り|だいたい|大体|たしか|確か|約|"
                    r"about|around|roughly|"
                    r"approximately|maybe|probably|の?はず|だと思う|と思う|です|でした|かな|だった|に)")
_PART = {"上旬": (1, 10), "初め": (1, 10), "はじめ": (1, 10), "初旬": (1, 10), "中旬": (11, 20), "半ば": (11, 20),
         "下旬": (21, 31), "末": (21, 31), "終わり": (21, 31), "early": (1, 10), "mid": (11, 20), "late": (21, 31)}


def _month_span(year: int, month: int, first: int = 1, last: int = 31) -> tuple[date, date]:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    end = calendar.monthrange(year, month)[1]
    return date(year, month, min(first, end)), date(year, month, min(last, end))


def _shift(day: date, months: int) -> date:
    m = day.month - 1 + months
    y, m = day.year + m // 12, m % 12 + 1
    return date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def parse_when(text: str, today: date) -> When | None:
    """A day or a plausible span, as people say it: 2025/3/1, 令和5年, R5.3, 2025年3月頃, 去年の春, 3年前, 先月,
    半年くらい前, "March 3, 2025", "last spring", "2 years ago". Never after today; None when it is no date."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = _VAGUE.sub("", s).strip(" 、。,.")
    s = re.sub(r"年の(?=\d)", "年", s)  # 2023年の3月 is 2023年3月
    for said in (text, s):
        exact = parse_date(said, today)
        if exact is not None:
            raw = unicodedata.normalize("NFKC", said).strip().lower().replace(" ", "")
            if re.fullmatch(r"(令和|平成|昭和|r|h|s)?(\d{1,4}|元)[年/.\-]\d{1,2}月?", raw):  # a month: a span
                first, last = _month_span(exact.year, exact.month)
                return When(first, min(last, today))
            return When(exact, exact)
    try:
        span = _span(s, today)
    except (ValueError, OverflowError):  # 0年, 99999年前: no such day
        return None
    if span is None:
        return None
    first, last = span
    if first > today:
        return None
    return When(first, min(last, today))


def _span(s: str, today: date) -> tuple[date, date] | None:  # noqa: C901 - one branch per way of saying it
    compact = s.replace(" ", "")
    year = today.year
    # English: "march 3, 2025", "3 march 2025", "march 2025"
    m = re.fullmatch(r"([a-z]{3})[a-z]*\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})", s) or None
    if m and m.group(1) in _MONTHS_EN:
        try:
            d = date(int(m.group(3)), _MONTHS_EN[m.group(1)], int(m.group(2)))
        except ValueError:
            return None
        return d, d
    m = re.fullmatch(r"(\d{1,2})\s*([a-z]{3})[a-z]*\.?,?\s*(\d{4})", s)
    if m and m.group(2) in _MONTHS_EN:
        try:
            d = date(int(m.group(3)), _MONTHS_EN[m.group(2)], int(m.group(1)))
        except ValueError:
            return None
        return d, d
    m = re.fullmatch(r"(early|mid|late)?-?\s*([a-z]{3})[a-z]*\.?,?\s*(\d{4})", s)
    if m and m.group(2) in _MONTHS_EN:
        first, last = _PART.get(m.group(1) or "", (1, 31))
        return _month_span(int(m.group(3)), _MONTHS_EN[m.group(2)], first, last)
    if re.fullmatch(r"(in )?(19|20)\d\d", s):  # "2023", "in 2023": a year written alone
        y = int(s[-4:])
        return date(y, 1, 1), date(y, 12, 31)
    # era or western year alone, with an optional season or part: 令和5年, 2023年, 2023年の春, 令和5年3月末
    m = re.fullmatch(r"(令和|平成|昭和|r|h|s)?(\d{1,4}|元)年(?:の)?(春|夏|秋|冬)?", compact)
    if m:
        y = 1 if m.group(2) == "元" else int(m.group(2))
        y += {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988, "昭和": 1925, "s": 1925}.get(m.group(1) or "", 0)
        if y < 1900:
            return None
        return _season(y, m.group(3)) if m.group(3) else (date(y, 1, 1), date(y, 12, 31))
    m = re.fullmatch(r"(?:(令和|平成|r|h)?(\d{1,4})年)?(\d{1,2})月"
                     r"(上旬|中旬|下旬|初め|はじめ|初旬|半ば|末|終わり)", compact)
    if m:
        y = int(m.group(2)) + {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988}.get(m.group(1) or "", 0) \
            if m.group(2) else (year if int(m.group(3)) <= today.month else year - 1)
        first, last = _PART[m.group(4)]
        return _month_span(y, int(m.group(3)), first, last)
    m = re.fullmatch(r"(\d{1,2})月", compact)
    if m and 1 <= int(m.group(1)) <= 12:
        month = int(m.group(1))
        return _month_span(year if month <= today.month else year - 1, month)
    # relative: 去年の春, 去年の3月, 今年, おととし, 先月, 先週, 昨日, 3年前, 半年前, 2か月前, "last spring"
    rel = {"今年": 0, "ことし": 0, "this year": 0, "去年": 1, "昨年": 1, "きょねん": 1, "last year": 1,
           "おととし": 2, "一昨年": 2, "the year before last": 2}
    m = re.fullmatch(r"(今年|ことし|去年|昨年|きょねん|おととし|一昨年)(?:の)?(\d{1,2})月"
                     r"(上旬|中旬|下旬|初め|はじめ|初旬|半ば|末|終わり)?", compact)
    if m and 1 <= int(m.group(2)) <= 12:
        first, last = _PART.get(m.group(3) or "", (1, 31))
        return _month_span(year - rel[m.group(1)], int(m.group(2)), first, last)
    m = re.fullmatch(r"(今年|ことし|去年|昨年|きょねん|おととし|一昨年)(?:の)?"
                     r"(春|夏|秋|冬|はじめ|初め|始め|前半|後半|末|暮れ)?", compact) \
        or re.fullmatch(r"(this year|last year|the year before last)", s)
    if m:
        y = year - rel[m.group(1)]
        part = m.group(2) if m.lastindex and m.lastindex >= 2 else None
        if part in ("春", "夏", "秋", "冬"):
            return _season(y, part)
        if part in ("はじめ", "初め", "始め", "前半"):
            return date(y, 1, 1), date(y, 6, 30)
        if part in ("後半", "末", "暮れ"):
            return date(y, 7 if part == "後半" else 12, 1), date(y, 12, 31)
        return date(y, 1, 1), date(y, 12, 31)
    m = re.fullmatch(r"(?:last|this) (spring|summer|autumn|fall|winter)", s)
    if m:
        y = year if s.startswith("this") else year - 1
        if s.startswith("last") and _season(year, m.group(1))[1] < today:
            y = year  # "last spring" in November: this year's spring, the one just past
        return _season(y, m.group(1))
    days = {"今日": 0, "きょう": 0, "today": 0, "昨日": 1, "きのう": 1, "yesterday": 1, "一昨日": 2, "おととい": 2}
    if compact in days:
        d = today - timedelta(days=days[compact])
        return d, d
    if compact in ("先週", "lastweek"):
        return today - timedelta(days=13), today - timedelta(days=7)
    if compact in ("先月", "lastmonth"):
        prev = _shift(today, -1)
        return _month_span(prev.year, prev.month)
    if compact in ("先々月",):
        prev = _shift(today, -2)
        return _month_span(prev.year, prev.month)
    m = re.fullmatch(r"(半|\d+|[一二三四五六七八九十]+)(年|か月|ヶ月|カ月|ケ月|ヵ月|箇月|月|週間|日)(半)?前",
                     compact) or \
        re.fullmatch(r"(half a|an?|\d+) (year|month|week|day)s? ago", s)
    if m:
        n_raw, unit = m.group(1), m.group(2)
        n = 0.5 if n_raw in ("半", "half a") else 1.0 if n_raw in ("a", "an") else kanji_number(n_raw)
        if n is None:
            return None
        if m.re.pattern.startswith("(半") and m.group(3):
            n += 0.5
        if unit in ("年", "year"):
            months, slack = round(n * 12), 6 if n >= 1 else 2
        elif unit in ("週間", "week"):
            back = today - timedelta(weeks=n)
            return back - timedelta(days=3), back + timedelta(days=3)
        elif unit in ("日", "day"):
            back = today - timedelta(days=n)
            return back, back
        else:
            months, slack = round(n), 1 if n < 6 else 2
        centre = _shift(today, -months)
        return _shift(centre, -slack), _shift(centre, slack)
    return None


def _season(year: int, season: str) -> tuple[date, date]:
    first, last = _SEASONS[season]
    return _month_span(year, first)[0], _month_span(year, last)[1]
