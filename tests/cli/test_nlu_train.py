"""`kakehashi nlu train` fills the cache a deployment builds into its image, so workers start without training."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def test_train_caches_the_router_and_the_danger_classifier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KAKEHASHI_NLU_CACHE", str(tmp_path))
    assert main(["nlu", "train"]) == 0
    assert {p.name.split("-")[0] for p in tmp_path.glob("*.pkl")} == {"routing", "danger"}
    assert "router:" in capsys.readouterr().out
