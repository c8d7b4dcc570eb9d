"""Understanding measured on corpora: the held-out sets (written by someone who never saw the examples or the
patterns) and our own dev sets. Only aggregate figures are printed (conftest.py prints FIGURES at the end).

Targets (issue #15): routing ≥ 95%, danger recall ≥ 98%, false alarms ≤ 3%. Where the held-out figure is
below a target, the test asserts the figure reached as a floor, so that a change that makes things worse
fails, and says so in the printed figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.nlu import report
from bot.language.corpora import read
from bot.language.danger import DangerCheck
from bot.language.evaluate import danger_report, routing_report
from bot.language.understanding import Understanding
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT / "tests" / "data" / "nlu"
DEV = CORPORA / "dev"
FLOWS = ROOT / "flows"
FIGURES: dict[str, list[str]] = {}
TARGETS = {"routing": 0.95, "recall": 0.98, "false_alarms": 0.03}


@dataclass(frozen=True)
class HeldOut:
    """One held-out set and the figures it reached (a floor: a change that does worse fails)."""

    name: str
    path: Path
    floors: dict[str, float]
    size: int  # routing utterances at least


# Sets 1–4, 6–7 and 10–11 were spent (their figures decided changes) and now teach the classifiers from
# flows/nlu/corpora. Set 5 was measured before any of that and never read; sets 12 and 13 were written blind while
# the last changes were made and measured once after them: the honest figures.
SETS = (
    HeldOut("held-out 5", CORPORA / "heldout5", {"routing": 0.975, "recall": 0.995, "false_alarms": 0.013}, 380),
    HeldOut("held-out 12", CORPORA / "heldout12", {"routing": 0.97, "recall": 0.985, "false_alarms": 0.028}, 380),
    HeldOut("held-out 13", CORPORA / "heldout13", {"routing": 0.965, "recall": 0.985, "false_alarms": 0.034}, 380),
)  # floors reached 2026-11-27


@pytest.fixture(scope="module")
def nlu() -> Understanding:
    return Understanding.load(FLOWS)


@pytest.fixture(scope="module")
def check() -> DangerCheck:
    return DangerCheck.load(FLOWS / "danger.yaml")


def _figures(name: str, data: Path) -> None:
    FIGURES[name] = report(Settings(), data)


@pytest.mark.parametrize("held", SETS, ids=lambda h: h.name)
def test_heldout_routing(held: HeldOut, nlu: Understanding, check: DangerCheck) -> None:
    rep = routing_report(nlu.route, read(held.path / "routing.yaml", "utterances"), check.detect)
    _figures(held.name, held.path)
    assert rep.total >= held.size
    assert rep.accuracy >= min(TARGETS["routing"], held.floors["routing"]), rep.lines()


@pytest.mark.parametrize("held", SETS, ids=lambda h: h.name)
def test_heldout_danger(held: HeldOut, check: DangerCheck) -> None:
    rep = danger_report(check.detect, read(held.path / "danger.yaml", "messages"),
                        read(held.path / "ordinary.yaml", "messages"))
    assert sum(n for _, _, n in rep.per_category.values()) >= 250 and rep.ordinary >= 250
    assert rep.recall >= min(TARGETS["recall"], held.floors["recall"]), rep.lines()
    assert rep.false_alarm_rate <= max(TARGETS["false_alarms"], held.floors["false_alarms"]), rep.lines()


def test_dev_sets(nlu: Understanding, check: DangerCheck) -> None:
    """Our own sets, which tuned the thresholds (and, for danger, also train the classifier): a regression
    guard, not a measure of quality."""
    rep = routing_report(nlu.route, read(DEV / "routing.yaml", "utterances"), check.detect)
    danger = danger_report(check.detect, read(DEV / "danger.yaml", "messages"), read(DEV / "ordinary.yaml", "messages"))
    _figures("dev (ours)", DEV)
    assert rep.accuracy >= 0.9, rep.lines()
    assert danger.recall >= 0.98 and danger.false_alarm_rate <= 0.02, danger.lines()


def test_the_report_names_no_message(check: DangerCheck) -> None:
    """Aggregates only: nobody tuning the bot may read a held-out message through the report."""
    danger = read(DEV / "danger.yaml", "messages")
    lines = "\n".join(report(Settings(), DEV))
    assert not any(str(m["text"]) in lines for m in danger if len(str(m["text"])) > 4)
