"""Flows as data: YAML files in flows/ → nodes, and one `transitions` machine per flow, built once.

A node's kind decides how the engine treats it:
  say      texts, then `next`                      (trigger `next`)
  ask      a question with options, each with `next` (trigger `choose:<option id>`)
  input    a typed answer stored under `key`        (trigger `submit`)
  compute  a named calculator; `branches` by outcome (trigger `resolve`, guarded by the outcome)
  result   a card; may offer options like `ask`
A `next` is a node of the same flow, or `flow:<id>` to enter another flow at its start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from transitions import Machine

NODE_KINDS = ("say", "ask", "input", "compute", "result")
INPUT_FORMATS = ("count", "yen", "text", "date")
FLOW_PREFIX = "flow:"
# data beside the flows, not flows
DATA_FILES = ("facts", "windows", "organizations", "commands", "danger", "canned", "richmenu", "memo",
              "reminders")


class FlowError(ValueError):
    """A flow file is malformed, or a turn asked for something the flow does not have."""


@dataclass(frozen=True)
class Option:
    id: str
    label: str  # text key
    next: str
    synonyms: tuple[str, ...] = ()
    set: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    text: str  # text key
    heading: str | None = None  # text key
    when: Mapping[str, Any] | list[Mapping[str, Any]] | None = None
    lead: bool = False  # in the card's first bubble (what matters most); the rest is one swipe away


@dataclass(frozen=True)
class Node:
    name: str
    kind: str
    text: str | None = None  # the question (ask, input) or the first text (say)
    texts: tuple[str, ...] = ()  # say: the messages, in order
    options: tuple[Option, ...] = ()
    next: str | None = None
    key: str | None = None  # input/compute: where the answer is stored
    format: str | None = None  # input: count | yen | text | date
    min: int | None = None
    max: int | None = None
    suggest: tuple[str, ...] = ()  # input: quick answers offered as buttons
    calculator: str | None = None
    branches: Mapping[str, str] = field(default_factory=dict)
    title: str | None = None  # result: card title key
    sections: tuple[Section, ...] = ()

    @property
    def waits(self) -> bool:
        """Does the conversation stop here for the person to answer or read?"""
        return self.kind in ("ask", "input", "result")


@dataclass
class Flow:
    id: str
    title: str
    start: str
    nodes: dict[str, Node]
    machine: Machine = field(repr=False)
    source: Path | None = None

    def targets(self) -> set[str]:
        out: set[str] = set()
        for node in self.nodes.values():
            out.update(o.next for o in node.options)
            out.update(node.branches.values())
            if node.next:
                out.add(node.next)
        return out


def _node(name: str, raw: Mapping[str, Any]) -> Node:
    kind = raw.get("kind")
    if kind not in NODE_KINDS:
        raise FlowError(f"node {name!r}: kind must be one of {NODE_KINDS}, got {kind!r}")
    options = tuple(
        Option(
            id=str(o["id"]),
            label=o["label"],
            next=o["next"],
            synonyms=tuple(str(s) for s in o.get("synonyms", ())),
            set=o.get("set") or {},
        )
        for o in raw.get("options", ())
    )
    sections = tuple(
        Section(text=s["text"], heading=s.get("heading"), when=s.get("when"),
                lead=bool(s.get("lead"))) for s in raw.get("sections", ())
    )
    return Node(
        name=name,
        kind=kind,
        text=raw.get("text"),
        texts=tuple(raw.get("texts", ())),
        options=options,
        next=raw.get("next"),
        key=raw.get("key"),
        format=raw.get("format"),
        min=raw.get("min"),
        max=raw.get("max"),
        suggest=tuple(str(s) for s in raw.get("suggest", ())),
        calculator=raw.get("calculator"),
        branches={str(k): v for k, v in (raw.get("branches") or {}).items()},
        title=raw.get("title"),
        sections=sections,
    )


def _outcome_is(expected: str):  # noqa: ANN202 - a transitions condition
    def condition(event: Any) -> bool:
        return bool(event.kwargs.get("outcome") == expected)

    condition.__name__ = f"outcome_is_{expected}"
    return condition


def build_machine(nodes: Mapping[str, Node]) -> Machine:
    """States are nodes (plus `flow:<id>` exits); triggers are what a person can do at each node."""
    transitions: list[dict[str, Any]] = []
    for node in nodes.values():
        for option in node.options:
            transitions.append({"trigger": f"choose:{option.id}", "source": node.name, "dest": option.next})
        if node.next and node.kind in ("say", "input"):
            trigger = "next" if node.kind == "say" else "submit"
            transitions.append({"trigger": trigger, "source": node.name, "dest": node.next})
        for outcome, dest in node.branches.items():
            transitions.append(
                {"trigger": "resolve", "source": node.name, "dest": dest, "conditions": [_outcome_is(outcome)]}
            )
    exits = {t["dest"] for t in transitions if t["dest"].startswith(FLOW_PREFIX)}
    return Machine(
        model=None,
        states=[*nodes, *sorted(exits)],
        transitions=transitions,
        initial=None,
        auto_transitions=False,
        send_event=True,
    )


def load_flow(path: Path) -> Flow:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    if not isinstance(raw, Mapping) or "nodes" not in raw:
        raise FlowError(f"{path.name}: expected a mapping with 'id', 'title', 'start' and 'nodes'")
    nodes = {name: _node(name, spec) for name, spec in raw["nodes"].items()}
    flow_id = raw.get("id") or path.stem
    start = raw.get("start") or next(iter(nodes))
    if start not in nodes:
        raise FlowError(f"{path.name}: start node {start!r} is not defined")
    return Flow(flow_id, raw.get("title", f"{flow_id}.title"), start, nodes, build_machine(nodes), path)


def load_flows(directory: Path) -> dict[str, Flow]:
    """Every flow file in `directory`."""
    flows = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.stem in DATA_FILES:
            continue
        flow = load_flow(path)
        flows[flow.id] = flow
    return flows
