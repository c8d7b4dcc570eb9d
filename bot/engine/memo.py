"""相談メモ: what the person told the bot, what the card said first and where to ask, as text to copy or forward.

Built only from the person's own answers and reviewed texts, in neutral words; its parts and their order are
flows/memo.yaml. The first message is a neutral line, because a notification or the chat list shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from bot.content.flows import Flow, FlowError
from bot.engine import referral
from bot.engine.handoff import Handoff
from bot.engine.replies import Reply, Text
from bot.engine.turn import Turn

PARTS = ("answers", "card", "windows", "disclaimer")


def load_parts(path: Path) -> tuple[str, ...]:
    """flows/memo.yaml's parts, refused at start-up when one is not a part the memo knows."""
    with open(path, encoding="utf-8") as fh:
        parts = tuple((yaml.safe_load(fh) or {}).get("parts") or PARTS)
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise FlowError(f"{path.name}: unknown memo parts {unknown}; known: {list(PARTS)}")
    return parts


def memo(turn: Turn, flows: Mapping[str, Flow], handoff: Handoff, parts: Sequence[str]) -> Reply:
    """The memo as two messages (a neutral first line, then the memo), or a line saying there is nothing yet."""
    s = turn.session
    topics = handoff.answered(s, s.lang)
    if not topics:
        turn.say("memo.nothing_yet")
        return turn.reply()
    lines: list[str] = [turn.text("memo.title")]
    for part in parts:
        if part == "answers":
            for flow_id, pairs in topics:
                lines += ["", "■ " + turn.text(flows[flow_id].title)]
                lines += [turn.fill("memo.answer", {"question": q, "answer": a}) for q, a in pairs]
        elif part == "card":
            node = flows[s.flow].nodes.get(s.state)
            if node is not None and node.kind == "result":
                card = turn.card(node, refer=False)
                lead = card.sections[: card.lead or len(card.sections)]
                lines += ["", "■ " + turn.text("memo.card_heading")]
                lines += [f"{heading}\n{body}" if heading else body for heading, body in lead]
        elif part == "windows" and turn.referred:
            lines += ["", "■ " + turn.text("memo.windows_heading"), referral.section(turn)]
        elif part == "disclaimer":
            lines += ["", turn.text("common.disclaimer")]
    turn.say("memo.first_line")
    turn.messages.append(Text("\n".join(lines).strip()))
    return turn.reply((turn.command("continue"), turn.command("close")))
