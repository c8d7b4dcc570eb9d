"""`kakehashi flows check` passes on the repo and catches what a reviewer could break."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


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
    text = text.replace("      - id: tokyo23\n", "      - id: tokyo23" + "_ward" * 60 + "\n")
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
    assert "makes postback data over 300 bytes" in out
    assert "common.nothing_before' missing in ja.yaml" in out


def test_graph_is_mermaid(capsys) -> None:  # noqa: ANN001
    assert main(["flows", "graph", "legal_aid"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("stateDiagram-v2") and "judge --> result : likely_eligible" in out


def test_committed_diagrams_match_the_flows(capsys) -> None:  # noqa: ANN001
    """docs/flows/<id>.md holds the Mermaid diagram of each flow: regenerate it when a flow changes."""
    from bot.content.flows import load_flows

    for flow_id in load_flows(ROOT / "flows"):
        assert main(["flows", "graph", flow_id]) == 0
        diagram = capsys.readouterr().out.strip()
        doc = (ROOT / "docs" / "flows" / f"{flow_id}.md").read_text(encoding="utf-8")
        assert diagram in doc, f"docs/flows/{flow_id}.md is out of date: run kakehashi flows graph {flow_id}"


def test_broken_windows_are_reported(capsys, tmp_path) -> None:  # noqa: ANN001
    flows, locales = copy_content(tmp_path)
    text = (flows / "windows.yaml").read_text(encoding="utf-8")
    for old, new in [("  serves: [protection_order]\n  urgencies: [danger, child, sexual_violence]",
                      "  serves: [protection_orders]\n  urgencies: [danger, child, sexual_violence]"),
                     ("phone: window.child.phone", "phone: window.child.fone"),
                     ("{ja: よりそいホットライン, en: Yorisoi Hotline}", "{ja: よりそいホットライン}"),
                     ("urgencies: [sexual_violence]", "urgencies: [sexual]"),
                     ("eligibility: [means_test, dv_victims]", "eligibility: [means_test, rich]")]:
        assert old in text, old
        text = text.replace(old, new)
    (flows / "windows.yaml").write_text(text, encoding="utf-8")
    ja = (locales / "ja.yaml").read_text(encoding="utf-8")
    ja = ja.replace("    bar: 弁護士に直接相談できます", "    bar: 弁護士 {window.bar.phone} に直接相談できます")
    (locales / "ja.yaml").write_text(ja.replace("    municipal: 短い時間", "    city: 短い時間"), encoding="utf-8")
    code, out = run_check(capsys, flows, locales)
    assert code == 1
    assert "windows/police: serves unknown flow 'protection_orders'" in out
    assert "windows/child: phone 'window.child.fone' is not a fact" in out
    assert "windows/yorisoi: no name in en" in out
    assert "windows/onestop: unknown urgency 'sexual'" in out
    assert "windows/houterasu: unknown eligibility 'rich'" in out
    assert "ja:windows.note.bar uses {window.bar.phone}, which is neither a fact nor an answer" in out
    assert "ja:windows.note.city is a note for an unknown window" in out


def test_an_unreadable_timetable_stops_the_check(capsys, tmp_path) -> None:  # noqa: ANN001
    flows, locales = copy_content(tmp_path)
    text = (flows / "windows.yaml").read_text(encoding="utf-8")
    (flows / "windows.yaml").write_text(text.replace('sat: "09:00-17:00"', 'sat: "17:00-09:00"'), encoding="utf-8")
    code, out = run_check(capsys, flows, locales)
    assert code == 1 and "close before they open" in out
