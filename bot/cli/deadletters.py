"""`kakehashi deadletters list|replay|drop`: look at parked events, send them round again, or let them go."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import redis

from bot.cli.runtime import prepare
from bot.settings import Settings
from bot.stream.deadletters import DeadLetters


def deadletters(r: redis.Redis, partitions: int, action: str, ids: Sequence[str], every: bool) -> int:
    store = DeadLetters(r, partitions)
    if action == "list":
        parked = store.parked()
        for item in parked:
            when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(item.at))
            print(f"{item.id}\t{when}\tpartition {item.partition}\tuser {item.user}\t{item.reason}")
        print(f"{len(parked)} of {store.count()} parked event(s) shown", file=sys.stderr)
        return 0
    if not ids and not every:
        print(f"kakehashi: name the events to {action} (ids from `deadletters list`), or --all", file=sys.stderr)
        return 2
    chosen = store.all_ids() if every else list(dict.fromkeys(ids))
    done = store.replay(chosen) if action == "replay" else store.drop(chosen)
    print(f"{'replayed' if action == 'replay' else 'dropped'} {len(done)} event(s)")
    missing = [eid for eid in chosen if eid not in done]
    for eid in missing:
        print(f"kakehashi: no parked event {eid}", file=sys.stderr)
    return 1 if missing else 0


def cmd_deadletters(settings: Settings, action: str, ids: Sequence[str], every: bool) -> int:
    settings, r, embedded = prepare(settings)
    try:
        return deadletters(r, settings.partitions, action, ids, every)
    finally:
        if embedded:
            embedded.stop()
