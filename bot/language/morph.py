"""Japanese morphology with SudachiPy: one dictionary per process, loaded on first use.

Sudachi's normalized forms fold spelling variants (子供/子ども/こども → 子供, 会えません → 会う ます ず,
絞める/締める) and its readings fold kanji and kana (なぐられた = 殴られた). Everything above this module
reads an `Analysis`, never Sudachi itself, so the webhook process (which never understands text) never loads it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from bot.language.romaji import as_kana

KATAKANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}  # str.translate: カ → か
SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎ", "あいうえおつやゆよわ")  # しにたぃ reads しにたい
_LOCK = threading.Lock()
_TOKENIZER: Any = None
_MODE: Any = None


def hiragana(text: str) -> str:
    """Katakana → hiragana, full width → half, lower case (readings compare in one script)."""
    return unicodedata.normalize("NFKC", text).lower().translate(KATAKANA)


@lru_cache(maxsize=8192)
def _word(form: str) -> str:
    """hiragana() of one dictionary form or reading: the same few thousand words recur in every message."""
    return hiragana(form)


@dataclass(frozen=True)
class Token:
    surface: str  # as typed, NFKC and lower case
    lemma: str  # Sudachi's normalized form: one spelling for variants
    reading: str  # hiragana
    pos: str  # Sudachi's first part-of-speech level: 名詞, 動詞, 助詞, 助動詞…
    pos2: str  # second level (非自立可能 marks auxiliary-like verbs such as いる)


@dataclass
class Analysis:
    text: str  # NFKC, lower case
    tokens: tuple[Token, ...]

    @cached_property
    def lemmas(self) -> str:
        """Normalized forms joined by single spaces, framed by spaces so a pattern can anchor on words."""
        return " " + " ".join(t.lemma for t in self.tokens) + " "

    @cached_property
    def reading(self) -> str:
        """The whole message read aloud, in hiragana, small kana enlarged, no spaces or punctuation."""
        return _NOISE.sub("", "".join(t.reading for t in self.tokens)).translate(SMALL_KANA)


_SURROGATES = re.compile("[\ud800-\udfff]")
_NOISE = re.compile(r"[\s、。，．,.!！?？・「」『』()（）\[\]【】~〜\-ー−'\"…]+")


def _tokenizer() -> tuple[Any, Any]:
    global _TOKENIZER, _MODE
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                from sudachipy import Dictionary, SplitMode  # heavy: only where turns run

                _MODE = SplitMode.C
                _TOKENIZER = Dictionary(dict="core").tokenizer(mode=_MODE)
    return _TOKENIZER, _MODE


def load() -> None:
    """Load the dictionary now (a worker calls this at start-up so the first person does not wait)."""
    _tokenizer()


@lru_cache(maxsize=2048)
def analyze(text: str) -> Analysis:
    """Tokens of one message. Cached: the danger check, the router and the slot reader share one analysis."""
    clean = _SURROGATES.sub("", unicodedata.normalize("NFKC", text).lower()[:2000])  # Sudachi takes UTF-8 only
    clean = as_kana(clean)  # kodomo ni aenai → こども に あえない
    tok, _ = _tokenizer()
    tokens = []
    with _LOCK:  # Sudachi's tokenizer object is not shared safely between threads
        morphemes = list(tok.tokenize(clean))
        for m in morphemes:
            pos = m.part_of_speech()
            surface = m.surface()
            if not surface.strip():
                continue
            if pos[0] == "補助記号":
                reading = ""
            elif surface.isascii():
                reading = surface  # Sudachi spells Latin letters out (he → えいちい); keep the word
            else:
                reading = _word(m.reading_form() or surface)
            tokens.append(Token(surface, _word(m.normalized_form()), reading, pos[0], pos[1]))
    return Analysis(clean, tuple(tokens))
