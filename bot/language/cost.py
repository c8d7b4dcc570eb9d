"""What understanding costs a worker: time per turn and resident memory (for the benchmark and `nlu eval`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

_MEMORY = """
import json, os
def rss():
    with open('/proc/self/status') as fh:
        fields = dict(line.split(':', 1) for line in fh.read().splitlines() if ':' in line)
    return [int(fields[k].split()[0]) / 1024 for k in ('VmRSS', 'RssAnon', 'RssFile')]
import bot.wiring  # everything a worker imports
from bot.settings import Settings
before = rss()
from bot.language import morph
from bot.language.understanding import Understanding
from bot.language.danger import DangerCheck
s = Settings()
morph.load()
DangerCheck.load(s.flows_dir / 'danger.yaml'); Understanding.load(s.flows_dir)
morph.analyze('子どもに会えません')
print(json.dumps([before, rss()]))
"""


def worker_memory() -> dict[str, float]:
    """A fresh worker process's resident MB before and after Sudachi, the patterns and both classifiers:
    in all, its own (anonymous) memory, and file pages — mostly Sudachi's memory-mapped 200 MB dictionary,
    shared by every worker on the machine and given back by the kernel under pressure."""
    out = subprocess.run([sys.executable, "-c", _MEMORY], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent.parent)
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    return {"rss_before": before[0], "rss_after": after[0], "own_before": before[1], "own_after": after[1],
            "mapped_before": before[2], "mapped_after": after[2]}


def per_turn_us(texts: Sequence[str]) -> dict[str, float]:
    """Median and 90th percentile µs the language layer adds to a text turn (the danger check, which makes the
    analysis the rest shares), and the router's for a first message; every text analysed afresh."""
    from bot.language import morph
    from bot.language.danger import DangerCheck
    from bot.language.intents import forget_texts
    from bot.language.understanding import Understanding
    from bot.settings import Settings

    settings = Settings()
    check, nlu = DangerCheck.load(settings.flows_dir / "danger.yaml"), Understanding.load(settings.flows_dir)
    turn, route = [], []
    for text in texts:  # each text's best of 5 (the machine is shared), then the median over texts
        best_turn = best_route = float("inf")
        for _ in range(5):
            morph.analyze.cache_clear()
            forget_texts()
            started = time.perf_counter()
            check.detect(text)
            best_turn = min(best_turn, (time.perf_counter() - started) * 1e6)
            started = time.perf_counter()
            nlu.route(text)
            best_route = min(best_route, (time.perf_counter() - started) * 1e6)
        turn.append(best_turn)
        route.append(best_route)
    turn.sort()
    route.sort()
    return {"turn_median_us": turn[len(turn) // 2], "turn_p90_us": turn[len(turn) * 9 // 10],
            "route_median_us": route[len(route) // 2]}
