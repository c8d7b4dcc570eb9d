"""Corpora: messages written by people who never saw the bot's examples or patterns, in one format.

A corpus is a directory of three files: routing.yaml (`utterances: [{text, intent}]`, first messages and
their topic), danger.yaml (`messages: [{text, category}]`) and ordinary.yaml (`messages: [{text}]`, in-domain
talk that must not raise the alarm). The held-out sets in tests/data/nlu measure the bot in this format. A
held-out set stops measuring anything once its figures decide a change; then it moves to flows/nlu/corpora
and teaches both classifiers instead, because what strangers wrote generalises better than what we write
with the patterns in mind (measured leave-one-set-out: README, "Measured, honestly").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The corpora's danger categories → the detector's (bot/language/danger.py CATEGORIES).
CATEGORIES = {"violence": "violence", "threats": "threat", "stalking_at_door": "at_door",
              "confinement": "confinement", "child_at_risk": "child", "sexual_violence": "sexual_violence",
              "suicide": "suicide"}
ORDINARY = "none"  # the danger classifier's label for ordinary talk


def read(path: Path, key: str) -> list[dict[str, Any]]:
    """One corpus file's items (`utterances` or `messages`); none when the file is missing."""
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return list((yaml.safe_load(fh) or {}).get(key) or [])


def teaching(nlu_dir: Path) -> list[Path]:
    """The corpora that teach the classifiers: flows/nlu/corpora/*/, in name order."""
    return sorted(p for p in (nlu_dir / "corpora").glob("*") if p.is_dir())


def routing_lines(nlu_dir: Path) -> dict[str, list[str]]:
    """topic → first messages, from every teaching corpus."""
    found: dict[str, list[str]] = {}
    for corpus in teaching(nlu_dir):
        for item in read(corpus / "routing.yaml", "utterances"):
            found.setdefault(str(item["intent"]), []).append(str(item["text"]))
    return found


def danger_lines(nlu_dir: Path) -> dict[str, list[str]]:
    """detector category (or `none` for ordinary talk and off-topic first messages) → messages, from every
    teaching corpus."""
    found: dict[str, list[str]] = {}
    for corpus in teaching(nlu_dir):
        for item in read(corpus / "danger.yaml", "messages"):
            found.setdefault(CATEGORIES.get(str(item["category"]), str(item["category"])), []).append(str(item["text"]))
        for item in read(corpus / "ordinary.yaml", "messages"):
            found.setdefault(ORDINARY, []).append(str(item["text"]))
        for item in read(corpus / "routing.yaml", "utterances"):  # off-topic first messages (敷金, おなかすいた)
            if item["intent"] == "none":
                found.setdefault(ORDINARY, []).append(str(item["text"]))
    return found
