"""Danger detection: does a message signal violence, threats, a child at risk or suicidal thoughts?

Runs on every text, in every state, before anything else (DESIGN §1). The phrases are data a reviewer
keeps (flows/danger.yaml); this module only folds text so that one phrase covers its variants.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

CATEGORIES = ("violence", "threat", "at_door", "child", "suicide")
CONTACT_ORDER = ("police", "dv_plus", "child", "yorisoi", "inochi")  # danger now first
# Which windows each kind of danger calls for (CONTENT.md §9); numbers are facts `window.<id>.phone`.
CONTACTS = {
    "violence": ("police", "dv_plus"),
    "threat": ("police", "dv_plus"),
    "at_door": ("police", "dv_plus"),
    "child": ("police", "child"),
    "suicide": ("yorisoi", "inochi"),
}


def contacts_for(categories: Sequence[str]) -> list[str]:
    """Contacts in a stable order, each once: danger now first."""
    wanted = {c for cat in categories for c in CONTACTS[cat]}
    return [c for c in CONTACT_ORDER if c in wanted]
_NOISE = re.compile(r"[\s、。，．,.!！?？・「」『』()（）\[\]【】~〜\-ー−'\"…]+")
_KATAKANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}
_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎ", "あいうえおつやゆよわ")  # "しにたぃ" typed in a hurry


def fold(text: str) -> str:
    """Width, case, katakana → hiragana, small kana → large, no spaces or punctuation.

    コロス, ころす and ｺﾛｽ all read ころす; しにたぃ reads しにたい. Phrases are folded the same way.
    """
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower().translate(_KATAKANA).translate(_SMALL_KANA))


class DangerCheck:
    def __init__(self, phrases: Mapping[str, Sequence[str]]) -> None:
        unknown = set(phrases) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown danger categories {sorted(unknown)}; known: {CATEGORIES}")
        self.phrases = {cat: tuple({fold(p) for p in words if fold(p)}) for cat, words in phrases.items()}

    @classmethod
    def load(cls, path: Path) -> DangerCheck:
        with open(path, encoding="utf-8") as fh:
            return cls(yaml.safe_load(fh) or {})

    def detect(self, text: str) -> tuple[str, ...]:
        """The danger categories a message signals, in a fixed order; empty when none."""
        folded = fold(text)
        if not folded:
            return ()
        return tuple(cat for cat in CATEGORIES if any(p in folded for p in self.phrases.get(cat, ())))
