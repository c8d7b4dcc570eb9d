"""Every user-facing sentence, by key, per language; `{name}` fills in answers and facts.

Why our own tiny template and not str.format: keys like `{hou.dial}` read naturally for a reviewer, and a
missing name is an error `flows check` reports instead of a crash at 3 a.m.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
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


def show(value: Any) -> str:
    """Numbers with thousands separators (¥200,200); lists joined; booleans never reach users raw."""
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
            name = match.group(1)
            for scope in scopes:
                try:
                    return show(lookup(scope, name))
                except MissingText:
                    continue
            raise MissingText(f"{lang}:{key} needs {{{name}}}")

        return PLACEHOLDER.sub(fill, self.raw(lang, key))

    def placeholders(self, lang: str, key: str) -> list[str]:
        return PLACEHOLDER.findall(self.raw(lang, key))
