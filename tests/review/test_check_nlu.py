"""The corpora that teach the classifiers are checked like the examples: known labels, one label per message."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.review.check_nlu import corpus_problems

TOPICS = {"visitation", "consolation", "none", "emergency"}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_sound_corpus_passes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpora" / "a"
    _write(corpus / "routing.yaml", {"utterances": [{"text": "子供に会えない", "intent": "visitation"}]})
    _write(corpus / "danger.yaml", {"messages": [{"text": "殴られた", "category": "violence"}]})
    _write(corpus / "ordinary.yaml", {"messages": [{"text": "慰謝料の相場は"}]})
    assert corpus_problems(tmp_path, TOPICS) == []


def test_unknown_labels_and_two_labels_for_one_message_are_reported(tmp_path: Path) -> None:
    _write(tmp_path / "routing.yaml", {"intents": {"consolation": ["慰謝料はいくら"]}})
    _write(tmp_path / "danger.yaml", {"examples": {"violence": ["help"]}})
    _write(tmp_path / "corpora" / "a" / "routing.yaml", {"utterances": [
        {"text": "慰謝料はいくら？", "intent": "visitation"}, {"text": "相続のこと", "intent": "inheritance"}]})
    _write(tmp_path / "corpora" / "b" / "danger.yaml", {"messages": [{"text": "殴られた", "category": "punching"}]})
    _write(tmp_path / "corpora" / "b" / "ordinary.yaml", {"messages": [{"text": "Help"}]})
    (tmp_path / "corpora" / "empty").mkdir()
    problems = "\n".join(corpus_problems(tmp_path, TOPICS))
    assert "'慰謝料はいくら？' is labelled both 'consolation' and 'visitation'" in problems  # beside routing.yaml
    assert "'inheritance' is no routing label" in problems
    assert "'punching' is no danger label" in problems
    assert "'Help' is labelled both 'violence' and 'none'" in problems  # beside danger.yaml
    assert "nlu/corpora/empty: no routing.yaml" in problems
