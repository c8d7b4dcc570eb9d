"""The package's shape, kept: no import cycles (TYPE_CHECKING and lazy imports included), only bot/line speaks
LINE's SDK, and only bot/wiring.py builds the shared stores."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
           for p in (ROOT / "bot").rglob("*.py")}
SHARED_STORES = ("TicketStore", "Desk", "Inbox", "Counters")


def imports(path: Path) -> Iterable[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def graph() -> dict[str, set[str]]:
    return {m: {t for t in imports(p) if t in MODULES and t != m} for m, p in MODULES.items()}


def package(module: str) -> str:
    """bot.engine.turn → bot.engine; a top-level module is its own package."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 and (ROOT / "bot" / parts[1]).is_dir() else module


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_itself_round_a_cycle() -> None:
    assert cycles(graph()) == []


def test_no_package_depends_on_itself_round_a_cycle() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for a, targets in graph().items():
        edges[package(a)] |= {package(b) for b in targets if package(b) != package(a)}
    assert cycles(edges) == []


def test_the_engine_and_the_content_know_nothing_of_the_edges() -> None:
    edges = {"bot.web", "bot.line", "bot.cli", "bot.wiring", "bot.worker", "bot.local_chat", "bot.stream", "bot.desk"}
    for module, targets in graph().items():
        if package(module) in ("bot.engine", "bot.content", "bot.directory", "bot.legal"):
            assert not {package(t) for t in targets} & edges, module


def test_only_bot_line_imports_the_line_sdk() -> None:
    speaking = sorted(m for m, p in MODULES.items() if any(t.startswith("linebot") for t in imports(p)))
    assert speaking and all(m.startswith("bot.line.") for m in speaking), speaking


def test_only_the_wiring_builds_the_shared_stores() -> None:
    builders = set()
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SHARED_STORES:
                builders.add(module)
    assert builders == {"bot.wiring"}, builders
