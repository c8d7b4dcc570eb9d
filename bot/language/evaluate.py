"""Measuring understanding on a corpus: aggregate figures only.

The held-out corpora (tests/data/nlu/heldout*) are written by someone who never saw the examples or the
patterns; nobody tuning the bot reads them. So these reports print counts, rates and confusion tables —
never a message's text — and `kakehashi nlu eval` prints nothing else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.language.corpora import CATEGORIES


@dataclass
class RoutingReport:
    total: int = 0
    correct: int = 0
    asked: int = 0  # a disambiguation question that named the right topic
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (wanted, got)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def per_intent(self) -> dict[str, tuple[float, float, int]]:
        """intent → (precision, recall, support)."""
        intents = sorted({w for w, _ in self.confusion} | {g for _, g in self.confusion} - {"ask", "none?"})
        out = {}
        for i in intents:
            tp = self.confusion[(i, i)]
            predicted = sum(n for (_, g), n in self.confusion.items() if g == i)
            support = sum(n for (w, _), n in self.confusion.items() if w == i)
            out[i] = (tp / predicted if predicted else 0.0, tp / support if support else 0.0, support)
        return out

    def lines(self) -> list[str]:
        lines = [f"routing: {self.correct}/{self.total} right ({self.accuracy:.1%}); "
                 f"{self.asked} more got a question naming the right topic among two"]
        lines.append(f"  {'intent':<18} {'precision':>9} {'recall':>7} {'n':>4}")
        for i, (p, r, n) in self.per_intent().items():
            lines.append(f"  {i:<18} {p:>9.1%} {r:>7.1%} {n:>4}")
        gots = sorted({g for _, g in self.confusion})
        wants = sorted({w for w, _ in self.confusion})
        lines.append("  confusion (rows: wanted, columns: got)")
        lines.append("  " + " " * 18 + "".join(f"{g[:7]:>8}" for g in gots))
        for w in wants:
            lines.append(f"  {w:<18}" + "".join(f"{self.confusion[(w, g)]:>8}" for g in gots))
        return lines


def routing_report(decide: Callable[[str], tuple[str, tuple[str, ...]]], items: Sequence[Mapping[str, Any]],
                   danger: Callable[[str], tuple[str, ...]] | None = None) -> RoutingReport:
    """`decide` is Understanding.route: ("go", (topic,)) | ("ask", (a, b)) | ("none", ()). A message whose
    intent is `none` is right when the bot admits it did not understand. The danger check runs first in the
    bot, so a message it flags gets the emergency contacts: that counts as `emergency`."""
    rep = RoutingReport()
    for item in items:
        want = str(item["intent"])
        text = str(item["text"])
        kind, topics = ("go", ("emergency",)) if danger and danger(text) else decide(text)
        got = topics[0] if kind == "go" else kind
        rep.total += 1
        ok = got == want
        rep.correct += ok
        rep.asked += kind == "ask" and want in topics
        rep.confusion[(want, got)] += 1
    return rep


@dataclass
class DangerReport:
    per_category: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # caught, right category, n
    ordinary: int = 0
    alarms: Counter[str] = field(default_factory=Counter)  # ordinary messages flagged, by category
    alarmed: int = 0

    @property
    def recall(self) -> float:
        n = sum(t for _, _, t in self.per_category.values())
        return sum(c for c, _, _ in self.per_category.values()) / n if n else 0.0

    @property
    def category_recall(self) -> float:
        n = sum(t for _, _, t in self.per_category.values())
        return sum(r for _, r, _ in self.per_category.values()) / n if n else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.alarmed / self.ordinary if self.ordinary else 0.0

    def lines(self) -> list[str]:
        n = sum(t for _, _, t in self.per_category.values())
        lines = [f"danger: recall {self.recall:.1%} of {n} (an alarm of any kind); "
                 f"{self.category_recall:.1%} with the expected category",
                 f"  {'category':<18} {'alarm':>7} {'category':>9} {'n':>4}"]
        for cat, (caught, right, total) in sorted(self.per_category.items()):
            lines.append(f"  {cat:<18} {caught / total:>7.1%} {right / total:>9.1%} {total:>4}")
        lines.append(f"ordinary: false alarms {self.alarmed}/{self.ordinary} ({self.false_alarm_rate:.1%})"
                     + (f"; raised as {dict(self.alarms)}" if self.alarms else ""))
        return lines


def danger_report(detect: Callable[[str], tuple[str, ...]], danger: Sequence[Mapping[str, Any]],
                  ordinary: Sequence[Mapping[str, Any]]) -> DangerReport:
    rep = DangerReport()
    seen: dict[str, list[int]] = {}
    for item in danger:
        cat = str(item["category"])
        found = detect(str(item["text"]))
        row = seen.setdefault(cat, [0, 0, 0])
        row[0] += bool(found)
        row[1] += CATEGORIES.get(cat, cat) in found
        row[2] += 1
    rep.per_category = {k: (v[0], v[1], v[2]) for k, v in seen.items()}
    for item in ordinary:
        found = detect(str(item["text"]))
        rep.ordinary += 1
        rep.alarmed += bool(found)
        rep.alarms.update(found)
    return rep
