"""Legal facts as data: each figure the bot states, with its source (flows/facts.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIDENCE = ("confirmed", "likely", "unconfirmed")


@dataclass(frozen=True)
class Fact:
    id: str
    value: Any
    source: str
    checked: str
    confidence: str


def load_facts(path: Path) -> dict[str, Fact]:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    return {
        fid: Fact(fid, rec.get("value"), str(rec.get("source") or ""), str(rec.get("checked") or ""),
                  str(rec.get("confidence") or ""))
        for fid, rec in raw.items()
    }


def shown_values(facts: dict[str, Fact]) -> dict[str, Any]:
    """Values the texts may show: UNCONFIRMED facts are never stated as fact: nobody is told what no one has checked."""
    return {fid: f.value for fid, f in facts.items() if f.confidence != "unconfirmed"}
