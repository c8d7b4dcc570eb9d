"""Understanding typed text: normalising it, matching it to options, reading amounts of money.

People type on phones at 3 a.m.: full-width digits, 万 and 千, spaces, "はい。" — all of it must work.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

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
    if said.isdigit() and 1 <= int(said) <= len(options):
        return options[int(said) - 1][0]
    best: tuple[int, str] | None = None
    for option_id, words in options:
        for word in words:
            w = normalize(word)
            if not w:
                continue
            if w == said:
                return option_id
            if len(w) >= 2 and w in said and (best is None or len(w) > best[0]):
                best = (len(w), option_id)
    return best[1] if best else None


_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
_UNITS = {"億": 100_000_000, "万": 10_000, "千": 1_000}


def parse_amount(text: str) -> int | None:
    """Yen from "20万", "200,000円", "２０万５千", "1.5万", "¥180000", "0"; None when it is not an amount."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = re.sub(r"[,\s¥￥]|円|yen|くらい|ぐらい|程度|位|約|about|およそ", "", s)
    if not s:
        return None
    if s in ("なし", "無し", "ない", "none", "no"):
        return 0
    s = s.translate(_KANJI_DIGITS)
    total, rest = 0.0, s
    for unit, size in _UNITS.items():
        if unit in rest:
            head, rest = rest.split(unit, 1)
            if not re.fullmatch(r"\d+(\.\d+)?", head):
                return None
            total += float(head) * size
    if rest:
        if not re.fullmatch(r"\d+(\.\d+)?", rest):
            return None
        total += float(rest)
    return round(total)


def parse_count(text: str) -> int | None:
    """A small whole number of people: "3", "３人", "三人"."""
    s = unicodedata.normalize("NFKC", text).strip().lower().translate(_KANJI_DIGITS)
    s = re.sub(r"\s|人|名|people|persons?", "", s)
    return int(s) if s.isdigit() else None


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
