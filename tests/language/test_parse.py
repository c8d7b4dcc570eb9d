"""Reading what people type: amounts, counts, option matching."""

import pytest

from bot.language.parse import match_option, normalize, parse_amount, parse_count


@pytest.mark.parametrize(
    ("typed", "yen"),
    [
        ("180000", 180_000), ("180,000", 180_000), ("１８００００", 180_000), ("18万", 180_000),
        ("18万円", 180_000), ("１８万", 180_000), ("20万5千", 205_000), ("1.5万", 15_000), ("¥200,200", 200_200),
        ("200200円", 200_200), ("0", 0), ("なし", 0), ("約20万", 200_000), ("20万くらい", 200_000),
        ("1億", 100_000_000), ("300万", 3_000_000), ("二十万", 200_000), ("abc", None), ("", None), ("万", None),
        ("-5", None), ("20万x", None), ("二十万円", 200_000), ("18万5千", 185_000), ("十八万五千円", 185_000),
        ("手取り20万くらい", 200_000), ("三千円", 3_000), ("百万", 1_000_000),
    ],
)
def test_amounts(typed: str, yen: int | None) -> None:
    assert parse_amount(typed) == yen


@pytest.mark.parametrize(
    ("typed", "count"),
    [("3", 3), ("３人", 3), ("三人", 3), ("4 people", 4), ("2名", 2), ("two", 2), ("some", None), ("", None)],
)
def test_counts(typed: str, count: int | None) -> None:
    assert parse_count(typed) == count


OPTIONS = [
    ("yes", ["はい、相手は配偶者", "はい", "yes"]),
    ("no", ["いいえ", "no"]),
    ("legal_aid", ["弁護士費用が心配", "弁護士 費用", "法テラス"]),
]


@pytest.mark.parametrize(
    ("typed", "option"),
    [
        ("1", "yes"), ("２", "no"), ("はい", "yes"), ("はい。", "yes"), ("いいえ", "no"), ("YES", "yes"),
        ("弁護士の費用", None), ("弁護士 費用が払えない", "legal_aid"), ("法テラスって使える？", "legal_aid"),
        ("4", None), ("0", None), ("こんにちは", None), ("", None),
    ],
)
def test_match_option(typed: str, option: str | None) -> None:
    assert match_option(typed, OPTIONS) == option


def test_normalize_folds_width_case_and_punctuation() -> None:
    assert normalize("　ＭＥＮＵ！ ") == "menu"
    assert normalize("戻る。") == "戻る"


TODAY = __import__("datetime").date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("2025/3/1", "2025-03-01"), ("2025-03-01", "2025-03-01"), ("2025.3.1", "2025-03-01"),
        ("2025年3月1日", "2025-03-01"), ("２０２５年３月１日", "2025-03-01"), ("令和7年3月1日", "2025-03-01"),
        ("R7.3.1", "2025-03-01"), ("令和元年5月1日", "2019-05-01"), ("平成30年1月2日", "2018-01-02"),
        ("3月1日", "2026-03-01"), ("12月1日", "2025-12-01"), ("11/24", "2026-11-24"), ("2025年3月", "2025-03-01"),
        ("2026/11/25", None), ("2025/2/30", None), ("昨日", None), ("25/3/1", None), ("", None), ("13月1日", None),
    ],
)
def test_dates(typed: str, iso: str | None) -> None:
    from bot.language.parse import parse_date

    found = parse_date(typed, TODAY)
    assert (found.isoformat() if found else None) == iso


@pytest.mark.parametrize(
    ("typed", "earliest", "latest"),
    [
        ("去年の春", "2025-03-01", "2025-05-31"), ("3年前", "2023-05-24", "2024-05-24"),
        ("先月", "2026-10-01", "2026-10-31"), ("半年くらい前", "2026-03-24", "2026-07-24"),
        ("令和5年", "2023-01-01", "2023-12-31"), ("R5.3", "2023-03-01", "2023-03-31"),
        ("2025年3月頃", "2025-03-01", "2025-03-31"), ("March 3, 2025", "2025-03-03", "2025-03-03"),
        ("last spring", "2026-03-01", "2026-05-31"), ("2025/3/1", "2025-03-01", "2025-03-01"),
        ("2 years ago", "2024-05-24", "2025-05-24"), ("昨日", "2026-11-23", "2026-11-23"),
        ("2025年3月末", "2025-03-21", "2025-03-31"), ("今年", "2026-01-01", "2026-11-24"),
        ("2023", "2023-01-01", "2023-12-31"), ("in 2023", "2023-01-01", "2023-12-31"),
        ("去年の3月", "2025-03-01", "2025-03-31"), ("おととしの12月末", "2024-12-21", "2024-12-31"),
        ("今年の1月頃", "2026-01-01", "2026-01-31"), ("令和5年の3月", "2023-03-01", "2023-03-31"),
    ],
)
def test_vague_dates_become_spans(typed: str, earliest: str, latest: str) -> None:
    from bot.language.parse import parse_when

    when = parse_when(typed, TODAY)
    assert when is not None and (when.earliest.isoformat(), when.latest.isoformat()) == (earliest, latest)
    assert when.approximate == (earliest != latest)


@pytest.mark.parametrize("typed", ["来年", "2026年12月", "ほげ", "わからない", "", "2027", "1234", "今年の12月",
                                   "去年の13月"])
def test_no_date_or_a_future_one_is_refused(typed: str) -> None:
    from bot.language.parse import parse_when

    assert parse_when(typed, TODAY) is None


def test_a_word_followed_by_its_negation_does_not_choose_its_option() -> None:
    stage = [("separated", ["別居中", "まだ離婚していない"]), ("divorced", ["離婚した後", "離婚して"])]
    assert match_option("まだ離婚してない", stage) is None
    assert match_option("離婚してます", stage) == "divorced"
    divorce = [("divorcing", ["離婚する"]), ("staying", ["離婚はしない"])]
    assert match_option("離婚するつもりはない", divorce) is None
    assert match_option("来年離婚する予定", divorce) == "divorcing"


@pytest.mark.parametrize(("typed", "yen"), [
    ("20まん", 200_000), ("5まんえん", 50_000), ("10まん5せん", 105_000), ("20man", 200_000), ("200k", 200_000),
    ("20万ちょい", 200_000), ("２０万えん", 200_000), ("k", None)])
def test_amounts_with_units_in_kana_or_romaji(typed: str, yen: int | None) -> None:
    assert parse_amount(typed) == yen


@pytest.mark.parametrize(("typed", "count"), [
    ("ふたり", 2), ("ひとり", 1), ("3にん", 3), ("three", 3), ("2 kids", 2), ("3人です", 3), ("よにん", 4)])
def test_counts_in_kana_and_english(typed: str, count: int) -> None:
    assert parse_count(typed) == count
