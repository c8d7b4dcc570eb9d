"""Canned replies: reviewed texts a counselor puts into the reply box with a click (flows/canned.yaml).

Placeholders are facts (`{hou.dial}`), filled here on the server with the same rules as the bot's texts, so
a number changes in one place and an unconfirmed figure is never sent. Each organization has its own list (its
`canned` file in flows/organizations.yaml); its admins may keep an edited copy in Redis; deleting it falls
back to the reviewed file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import redis
import yaml

from bot.content.texts import LANGUAGES, MissingText, Texts
from bot.organizations import Organization
from bot.store import keys

MAX_SOURCE = 64 * 1024


class CannedError(ValueError):
    """The list cannot be used; the message says where."""


@dataclass(frozen=True)
class Canned:
    id: str
    title: str
    text: str


def parse(source: str, facts: Mapping[str, Any]) -> Texts:
    """The list as texts keyed `<id>.title` / `<id>.text`, every entry checked to fill in every language."""
    try:
        raw = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        raise CannedError(f"not valid YAML: {exc}") from None
    if not isinstance(raw, Mapping) or not raw:
        raise CannedError("expected entries: `<id>: {title: {ja, en}, text: {ja, en}}`")
    by_lang: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for cid, entry in raw.items():
        for part in ("title", "text"):
            values = entry.get(part) if isinstance(entry, Mapping) else None
            for lang in LANGUAGES:
                if not isinstance(values, Mapping) or not str(values.get(lang) or "").strip():
                    raise CannedError(f"{cid}: {part} needs a {lang} text")
                by_lang[lang][f"{cid}.{part}"] = str(values[lang]).strip()
    texts = Texts(by_lang)
    for lang in LANGUAGES:
        for key in by_lang[lang]:
            try:
                texts.get(lang, key, facts)
            except MissingText as exc:
                name = exc.args[0].rsplit(" ", 1)[-1]
                raise CannedError(f"{lang}:{key} uses {name}, which is not a confirmed fact in facts.yaml") from None
    return texts


class CannedReplies:
    def __init__(self, r: redis.Redis, path: Path, facts: Mapping[str, Any], edited_key: str) -> None:
        self.redis, self.path, self.facts, self.edited_key = r, path, facts, edited_key

    @classmethod
    def of(cls, r: redis.Redis, flows_dir: Path, facts: Mapping[str, Any], org: Organization) -> CannedReplies:
        """An organization's list; the default organization keeps the key of the one list from before."""
        key = keys.CONSOLE_CANNED if org.default else keys.console_canned(org.id)
        return cls(r, flows_dir / org.canned, facts, key)

    def source(self) -> tuple[str, bool]:
        """The YAML in use, and whether it is an admin's edited copy rather than the reviewed file."""
        edited = cast(str | None, self.redis.get(self.edited_key))
        return (edited, True) if edited is not None else (self.path.read_text(encoding="utf-8"), False)

    def save(self, source: str) -> None:
        if len(source.encode()) > MAX_SOURCE:
            raise CannedError(f"the list is over {MAX_SOURCE // 1024} KiB")
        parse(source, self.facts)
        self.redis.set(self.edited_key, source)

    def reset(self) -> None:
        self.redis.delete(self.edited_key)

    def for_lang(self, lang: str) -> list[Canned]:
        """Ready to insert, in the person's language (Japanese when theirs has no texts here)."""
        texts = parse(self.source()[0], self.facts)
        lang = lang if lang in LANGUAGES else "ja"
        ids = [key.removesuffix(".text") for key in texts.by_lang[lang] if key.endswith(".text")]
        return [Canned(cid, texts.get(lang, f"{cid}.title", self.facts), texts.get(lang, f"{cid}.text", self.facts))
                for cid in ids]
