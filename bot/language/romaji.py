"""Japanese typed in Latin letters (kodomo ni aenai, shinitai): read as kana so everything else understands it.

People without a Japanese keyboard, or typing fast on one set to English, write romaji. jaconv converts it;
the work here is telling it from English: a message is romaji when almost every word spells Japanese syllables
cleanly and no English function word appears (English words made of syllables alone, such as "same" or
"home", come with "my", "the" or "is").
"""

from __future__ import annotations

import re

import jaconv

_WORD = re.compile(r"[a-z]+")
_FUNCTION_WORDS = ("i me my mine you your he him his she her we us our they them their it its the an and or but if "
                   "of in on at for with from by is are was were be been am do does did have has had can could will "
                   "would should not this that what how why who when where please help just now want need get got ok "
                   "yes hi hello thanks sorry")
_SYLLABLE_WORDS = ("none nope sure wife came come home late time take make made same name hope more here care note "
                   "five nine life like love hate gave give safe side wide ride hide mine fine kite bite hire tire")
_ENGLISH = frozenset(f"{_FUNCTION_WORDS} {_SYLLABLE_WORDS}".split())  # the second: English spelling syllables cleanly
_CLEAN = 0.8  # the share of words that must spell syllables cleanly


_QUOTING = frozenset({"tte", "tta", "tto"})  # って, った: particles that begin with a small っ (kyodo shinken tte nani)


def _spells_syllables(word: str) -> bool:
    """The word is made of Japanese syllables (aenai); help → へるっ and the → てぇ are not."""
    kana = jaconv.alphabet2kana(word)
    return word in _QUOTING or not (re.search(r"[a-z]", kana) or kana.startswith("っ") or kana.endswith("っ")
                                    or "っっ" in kana)


def as_kana(text: str) -> str:
    """`text` (NFKC, lower case) in hiragana when it reads as romaji, else unchanged."""
    if not text.isascii():
        return text
    words = _WORD.findall(text)
    if not words or any(w in _ENGLISH for w in words) or (len(words) == 1 and len(words[0]) < 4):
        return text
    if sum(map(_spells_syllables, words)) < _CLEAN * len(words):
        return text
    return jaconv.alphabet2kana(text)
