"""Every user-facing sentence, by key, per language; `{name}` fills in answers and facts.

Why our own tiny template and not str.format: keys like `{hou.dial}` read naturally for a reviewer, and a
missing name is an error `flows check` reports instead of a crash at 3 a.m.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)(?:\|(yen|date))?\}")  # {isha.low|yen}, {isha.last_day|date}
FORMATS = ("yen", "date")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
LANGUAGES = ("ja", "en")


class MissingText(KeyError):
    """A text key or a placeholder has no value."""


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = str(value).rstrip("\n")
    return flat


def lookup(values: Mapping[str, Any], path: str) -> Any:
    """`a.b.c` in nested answers; a fact id may itself contain dots (`hou.hours` then `.weekdays`)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if head not in values:
            continue
        node: Any = values[head]
        for part in parts[cut:]:
            if not isinstance(node, Mapping) or part not in node:
                raise MissingText(path)
            node = node[part]
        return node
    raise MissingText(path)


def yen(amount: int, lang: str) -> str:
    """Money as readers of each language write it: 200万円, 47万4,900円, 5,500円; ¥2,000,000."""
    if lang != "ja":
        return f"-¥{-amount:,}" if amount < 0 else f"¥{amount:,}"
    if amount < 0:
        return "-" + yen(-amount, lang)
    if amount < 10_000:
        return f"{amount:,}円"
    parts = []
    for unit, size in (("億", 100_000_000), ("万", 10_000)):
        if amount >= size:
            parts.append(f"{amount // size:,}{unit}")
            amount %= size
    return "".join(parts) + (f"{amount:,}" if amount else "") + "円"


def day(value: date | str, lang: str) -> str:
    """A date as readers write it: 2026年4月1日; 1 April 2026. Never the ISO form a person would not use."""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.year}年{d.month}月{d.day}日" if lang == "ja" else f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def show(value: Any, fmt: str = "", lang: str = "ja") -> str:
    """A value in a text: money (`yen`) and dates (`date`) in the reader's style, other numbers with
    thousands separators; lists joined; booleans never reach users raw."""
    if fmt == "yen" and isinstance(value, int) and not isinstance(value, bool):
        return yen(value, lang)
    if fmt == "date" and isinstance(value, date | str):
        return day(value, lang)
    if fmt:
        raise MissingText(f"{value!r} cannot be shown as {fmt}")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return "、".join(show(v) for v in value)
    return str(value)


class Texts:
    def __init__(self, by_lang: Mapping[str, Mapping[str, str]]) -> None:
        self.by_lang = by_lang

    @classmethod
    def load(cls, directory: Path) -> Texts:
        by_lang = {}
        for lang in LANGUAGES:
            with open(directory / f"{lang}.yaml", encoding="utf-8") as fh:
                by_lang[lang] = _flatten(yaml.safe_load(fh) or {})
        return cls(by_lang)

    def has(self, lang: str, key: str) -> bool:
        return key in self.by_lang.get(lang, {})

    def raw(self, lang: str, key: str) -> str:
        try:
            return self.by_lang[lang][key]
        except KeyError:
            raise MissingText(f"{lang}:{key}") from None

    def get(self, lang: str, key: str, *scopes: Mapping[str, Any]) -> str:
        """The text for `key`, placeholders filled from the first scope that has them."""

        def fill(match: re.Match[str]) -> str:
            name, fmt = match.group(1), match.group(2) or ""
            for scope in scopes:
                try:
                    return show(lookup(scope, name), fmt, lang)
                except MissingText:
                    continue
            raise MissingText(f"{lang}:{key} needs {{{name}}}")

        return PLACEHOLDER.sub(fill, self.raw(lang, key))

    def placeholders(self, lang: str, key: str) -> list[str]:
        return [m.group(1) for m in PLACEHOLDER.finditer(self.raw(lang, key))]

    def formats(self, lang: str, key: str) -> list[tuple[str, str]]:
        """Each placeholder with its format ("" when none), for `flows check`."""
        return [(m.group(1), m.group(2) or "") for m in PLACEHOLDER.finditer(self.raw(lang, key))]
