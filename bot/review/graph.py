"""`kakehashi flows graph FLOW`: a Mermaid diagram written from the flow data (no GraphMachine, no graphviz)."""

from __future__ import annotations

from bot.content.flows import Flow


def _id(name: str) -> str:
    return name.replace(":", "_").replace("-", "_")


def mermaid(flow: Flow) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {_id(flow.start)}"]
    for node in flow.nodes.values():
        lines.append(f"    {_id(node.name)} : {node.name} ({node.kind})")
        for option in node.options:
            lines.append(f"    {_id(node.name)} --> {_id(option.next)} : {option.id}")
        for outcome, dest in node.branches.items():
            lines.append(f"    {_id(node.name)} --> {_id(dest)} : {outcome}")
        if node.next:
            lines.append(f"    {_id(node.name)} --> {_id(node.next)}")
        if node.kind == "result" and not node.options:
            lines.append(f"    {_id(node.name)} --> [*]")
    return "\n".join(lines)
