"""`kakehashi flows check` passes on the repo and catches what a reviewer could break."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


def copy_content(tmp_path: Path) -> tuple[Path, Path]:
    flows, locales = tmp_path / "flows", tmp_path / "locales"
    shutil.copytree(ROOT / "flows", flows)
    shutil.copytree(ROOT / "locales", locales)
    return flows, locales


def run_check(capsys, flows: Path | None = None, locales: Path | None = None) -> tuple[int, str]:  # noqa: ANN001
    args = ["flows", "check"]
    args += ["--flows", str(flows)] if flows else []
    args += ["--locales", str(locales)] if locales else []
    code = main(args)
    return code, capsys.readouterr().out


def test_repo_flows_pass(capsys) -> None:  # noqa: ANN001
    code, out = run_check(capsys)
    assert code == 0, out
    assert "all good" in out


def test_broken_content_is_reported(capsys, tmp_path) -> None:  # noqa: ANN001
    flows, locales = copy_content(tmp_path)
    text = (flows / "legal_aid.yaml").read_text()
    text = text.replace("calculator: means_test", "calculator: crystal_ball")
    text = text.replace("next: rent\n", "next: nowhere\n")
    text += "  orphan:\n    kind: result\n    title: legal_aid.result.title\n"
    (flows / "legal_aid.yaml").write_text(text)
    ja = (locales / "ja.yaml").read_text()
    ja = ja.replace("    tokyo23: 東京23区\n", "    tokyo23: 東京都の二十三の特別区のどこかにお住まいの方\n")
    (locales / "ja.yaml").write_text(ja.replace("  nothing_before:", "  nothing_before_typo:"))
    code, out = run_check(capsys, flows, locales)
    assert code == 1
    assert "unknown calculator 'crystal_ball'" in out
    assert "unknown node 'nowhere'" in out
    assert "legal_aid/orphan: unreachable" in out
    assert "over 20 characters" in out
    assert "common.nothing_before' missing in ja.yaml" in out


def test_graph_is_mermaid(capsys) -> None:  # noqa: ANN001
    assert main(["flows", "graph", "legal_aid"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("stateDiagram-v2") and "judge --> result : likely_eligible" in out


def test_committed_diagrams_match_the_flows(capsys) -> None:  # noqa: ANN001
    """docs/flows/<id>.md holds the Mermaid diagram of each flow: regenerate it when a flow changes."""
    from bot.engine.flows import load_flows

    for flow_id in load_flows(ROOT / "flows"):
        assert main(["flows", "graph", flow_id]) == 0
        diagram = capsys.readouterr().out.strip()
        doc = (ROOT / "docs" / "flows" / f"{flow_id}.md").read_text(encoding="utf-8")
        assert diagram in doc, f"docs/flows/{flow_id}.md is out of date: run kakehashi flows graph {flow_id}"
