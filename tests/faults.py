"""Counting what reached the fake LINE API per event, for the fault tests: 0 lost, 0 doubled."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.line.sender import retry_key
from tests.fake_line import FakeLineApi


def answers(fake: FakeLineApi, events: list[dict[str, Any]]) -> Counter[str]:
    """How often each event's answer went out: by its reply token, or by push with its retry key."""
    by_token = {e["replyToken"]: e["webhookEventId"] for e in events if e.get("replyToken")}
    by_key = {retry_key(e["webhookEventId"], 0): e["webhookEventId"] for e in events}
    counts: Counter[str] = Counter({e["webhookEventId"]: 0 for e in events})
    for d in fake.deliveries():
        event = by_token.get(d.reply_token or "") if d.kind == "reply" else by_key.get(d.retry_key or "")
        if event:
            counts[event] += 1
    return counts


def lost_and_doubled(fake: FakeLineApi, events: list[dict[str, Any]]) -> tuple[int, int]:
    counts = answers(fake, events)
    return sum(1 for n in counts.values() if n == 0), sum(1 for n in counts.values() if n > 1)


def all_answered(fake: FakeLineApi, events: list[dict[str, Any]]) -> bool:
    return lost_and_doubled(fake, events)[0] == 0


def in_order(fake: FakeLineApi, events: list[dict[str, Any]]) -> bool:
    """Each user's answers arrived in the order the user's events were posted."""
    rank = {e["replyToken"]: i for i, e in enumerate(events) if e.get("replyToken")}
    rank |= {retry_key(e["webhookEventId"], 0): i for i, e in enumerate(events)}
    seen: dict[str | None, list[int]] = {}
    for d in fake.deliveries():
        position = rank.get((d.reply_token if d.kind == "reply" else d.retry_key) or "")
        if position is not None:
            seen.setdefault(events[position]["source"]["userId"], []).append(position)
    return all(order == sorted(order) for order in seen.values())
