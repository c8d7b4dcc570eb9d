"""Romaji is read as kana; English stays English."""

from __future__ import annotations

import pytest

from bot.language.romaji import as_kana


@pytest.mark.parametrize(("typed", "kana"), [
    ("kodomo ni aenai", "こども に あえない"),
    ("shinitai", "しにたい"),
    ("otto ni tatakareta tasukete", "おっと に たたかれた たすけて"),
    ("bekkyo chuu no uwaki", "べっきょ ちゅう の うわき"),
    ("kyodo shinken tte nani", "きょど しんけん って なに"),  # って begins with a small っ
])
def test_japanese_typed_in_latin_letters_reads_as_kana(typed: str, kana: str) -> None:
    assert as_kana(typed) == kana


@pytest.mark.parametrize("typed", [
    "my husband hit me", "help", "he came home late", "wife came home late", "no", "ok", "sos", "on the train, brb",
    "i cant afford a lawyer", "march 3, 2025", "110", "子どもに会えない", "free legal consultation",
])
def test_english_numbers_and_japanese_script_stay_as_typed(typed: str) -> None:
    assert as_kana(typed) == typed
