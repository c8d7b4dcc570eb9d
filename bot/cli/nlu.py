"""`kakehashi nlu train|eval`: build the router from flows/nlu, and measure understanding on a corpus.

`eval` prints aggregate figures only (per-topic precision and recall, a confusion table, danger recall per
category, the false-alarm rate, the cost per message): the held-out corpora are read by the program, never
shown to the person tuning the bot.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]  # a source checkout: its tests/data corpora
CORPORA = ROOT / "tests" / "data" / "nlu"
DEV = CORPORA / "dev"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    nlu = sub.add_parser("nlu", help="the language layer: train the router, measure understanding")
    cmds = nlu.add_subparsers(dest="nlu_command", required=True)
    cmds.add_parser("train", help="train the router from flows/nlu/routing.yaml into the cache")
    ev = cmds.add_parser("eval", help="aggregate figures on a corpus (default: the held-out one, else dev)")
    ev.add_argument("--data", type=Path, help="a directory with routing.yaml, danger.yaml, ordinary.yaml "
                                              "(default: $KAKEHASHI_NLU_HELDOUT, the newest tests/data/nlu/heldoutN, "
                                              "else dev)")


def corpus_dir(given: Path | None = None) -> Path:
    env = os.environ.get("KAKEHASHI_NLU_HELDOUT")
    for candidate in (given, Path(env) if env else None, newest_heldout()):
        if candidate is not None and candidate.is_dir():
            return candidate
    return DEV


def newest_heldout() -> Path | None:
    """The held-out set written last (heldout5, heldout6…): the one no decision has spent yet."""
    numbered = {int(n): p for p in CORPORA.glob("heldout*") if (n := p.name.removeprefix("heldout")).isdigit()}
    return numbered[max(numbered)] if numbered else None


def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.language.intents import IntentModel, default_cache_dir, examples_hash

    path = settings.flows_dir / "nlu" / "routing.yaml"
    if args.nlu_command == "train":
        started = time.perf_counter()
        from bot.language.understanding import router_examples

        examples = router_examples(path)
        IntentModel.cached(examples, "routing")
        print(f"router: {sum(map(len, examples.values()))} examples, {len(examples)} intents, "
              f"{time.perf_counter() - started:.1f} s; cached in {default_cache_dir()} as "
              f"routing-{examples_hash(examples)}.pkl")
        from bot.language.danger import DangerCheck

        started = time.perf_counter()
        DangerCheck.load(settings.flows_dir / "danger.yaml")  # its classifier is cached the same way
        print(f"danger classifier: {time.perf_counter() - started:.1f} s; cached in {default_cache_dir()}")
        return 0
    for line in report(settings, corpus_dir(args.data)):
        print(line)
    return 0


def report(settings: Settings, data: Path) -> list[str]:
    """Every figure, as lines of text; the suite prints the same lines."""
    from bot.language import morph
    from bot.language.corpora import read
    from bot.language.danger import DangerCheck
    from bot.language.evaluate import danger_report, routing_report
    from bot.language.understanding import Understanding

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    morph.load()
    check = DangerCheck.load(settings.flows_dir / "danger.yaml")
    nlu = Understanding.load(settings.flows_dir)
    loaded = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lines = [f"corpus: {data.relative_to(ROOT) if data.is_relative_to(ROOT) else data}"]
    texts: list[str] = []
    if (data / "routing.yaml").exists():
        items = read(data / "routing.yaml", "utterances")
        texts += [str(i["text"]) for i in items]
        lines += routing_report(nlu.route, items, check.detect).lines()
    if (data / "danger.yaml").exists():
        danger = read(data / "danger.yaml", "messages")
        ordinary = read(data / "ordinary.yaml", "messages") if (data / "ordinary.yaml").exists() else []
        texts += [str(i["text"]) for i in danger + ordinary]
        lines += danger_report(check.detect, danger, ordinary).lines()
    if texts:
        from bot.language.cost import per_turn_us

        spent = per_turn_us(texts[::5])
        lines.append(f"cost: median {spent['turn_median_us']:.0f} µs per text for the danger check (every text "
                     f"turn), {spent['route_median_us']:.0f} µs for routing (first messages); loading Sudachi, the "
                     f"patterns and the classifiers took {loaded:.2f} s; peak memory {rss_before / 1024:.0f} → "
                     f"{rss_after / 1024:.0f} MB")
    return lines
