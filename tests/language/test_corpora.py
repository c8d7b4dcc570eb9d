"""A spent held-out set teaches both classifiers once it is moved under flows/nlu/corpora."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.language.corpora import danger_lines, routing_lines, teaching
from bot.language.understanding import router_examples

ROOT = Path(__file__).resolve().parents[2]


def _corpus(nlu: Path) -> None:
    (nlu / "corpora" / "set9").mkdir(parents=True)
    (nlu / "routing.yaml").write_text(yaml.safe_dump({"intents": {"visitation": ["子どもに会いたい"]},
                                                      "router_only": {"visitation": ["面会を拒否された"]}},
                                                     allow_unicode=True), encoding="utf-8")
    (nlu / "corpora" / "set9" / "routing.yaml").write_text(
        'utterances:\n  - {text: "むすめにあわせてもらえん", intent: visitation}\n'
        '  - {text: "こんにちは", intent: none}\n', encoding="utf-8")
    (nlu / "corpora" / "set9" / "danger.yaml").write_text(
        'messages:\n  - {text: "ドアの前にいる", category: stalking_at_door}\n', encoding="utf-8")
    (nlu / "corpora" / "set9" / "ordinary.yaml").write_text('messages:\n  - {text: "保護命令の期間は"}\n',
                                                            encoding="utf-8")


def test_the_router_learns_a_corpus_first_messages_beside_the_examples(tmp_path: Path) -> None:
    _corpus(tmp_path)
    assert router_examples(tmp_path / "routing.yaml") == {
        "visitation": ["子どもに会いたい", "面会を拒否された", "むすめにあわせてもらえん"], "none": ["こんにちは"]}


def test_danger_messages_teach_the_detector_category_ordinary_and_off_topic_ones_none(tmp_path: Path) -> None:
    _corpus(tmp_path)
    assert danger_lines(tmp_path) == {"at_door": ["ドアの前にいる"], "none": ["保護命令の期間は", "こんにちは"]}


def test_the_shipped_corpora_teach_every_category_and_topic() -> None:
    nlu = ROOT / "flows" / "nlu"
    assert {"set1", "set2", "set3", "set4"} <= {c.name for c in teaching(nlu)}
    danger = danger_lines(nlu)
    assert set(danger) == {"violence", "threat", "at_door", "confinement", "child", "sexual_violence", "suicide",
                           "none"}
    assert min(map(len, danger.values())) >= 200
    routing = routing_lines(nlu)
    assert min(len(routing[t]) for t in ("visitation", "affair_separation", "consolation", "protection_order",
                                         "legal_aid", "custody_2026")) >= 200
