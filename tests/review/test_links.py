"""Every result offers "can I afford a lawyer?" and it leads into the means test; remaining choices walked."""

from __future__ import annotations

import pytest

from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.settings import Settings
from bot.wiring import build_engine

ENGINE = build_engine(Settings())
RESULTS = [(f.id, n.name) for f in ENGINE.flows.values() for n in f.nodes.values()
           if n.kind == "result" and f.id not in ("legal_aid", "menu")]


@pytest.mark.parametrize(("flow", "node"), RESULTS)
def test_every_result_links_the_means_test(flow: str, node: str) -> None:
    assert any(o.next == "flow:legal_aid" for o in ENGINE.flows[flow].nodes[node].options)
    s = Session(flow=flow, state=node, fresh=False)
    reply = ENGINE.step(s, Incoming("postback", f"opt:{flow}.{node}.legal_aid"))
    assert s.flow == "legal_aid" and s.state == "spouse"
    assert "配偶者" in reply.messages[-1].text


@pytest.mark.parametrize(
    ("start", "said", "expect"),
    [
        ("法テラス", ["配偶者はいない", "1", "それ以外・わからない", "182000", "0", "0", "いいえ"], "範囲内"),
        ("浮気", ["配偶者に不倫された", "別居した後", "冷却期間・けんかなど", "進んでいなかった", "あった", "1年未満",
                 "離婚はしない", "わからない"], "見られにくい可能性"),
        ("DV", ["いまは大丈夫", "夫・妻", "はい、同居している", "身体への暴力", "15歳未満と以上の両方",
                "まだしていない"], "歳以上の場合は、その子自身の同意"),
    ],
)
def test_remaining_choices(start: str, said: list[str], expect: str) -> None:
    s = Session(fresh=False)
    reply = ENGINE.step(s, Incoming("text", start))
    for text in said:
        reply = ENGINE.step(s, Incoming("text", text))
    card = reply.messages[-1]
    body = "\n".join(b for _, b in getattr(card, "sections", ()))
    assert expect in body, body[:300]


ANSWERS = {"count": "2", "yen": "100000", "date": "2025/3/1", "text": "x"}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("flow_id", [f for f in ENGINE.flows if f != "menu"])
def test_every_flow_reaches_a_result_in_both_languages(flow_id: str, lang: str) -> None:
    """Taking the last option at every question (and a valid typed answer at inputs) ends at a result card."""
    s = Session(flow="menu", state="start", fresh=False, lang=lang)
    reply = ENGINE.step(s, Incoming("postback", f"opt:menu.start.{flow_id}"))
    for _ in range(20):
        node = ENGINE.flows[s.flow].nodes[s.state]
        if node.kind == "result":
            break
        if node.kind == "input":
            reply = ENGINE.step(s, Incoming("text", ANSWERS[node.format or "text"]))
        else:
            reply = ENGINE.step(s, Incoming("postback", f"opt:{s.flow}.{node.name}.{node.options[-1].id}"))
    card = reply.messages[-1]
    assert getattr(card, "footer", None) == ENGINE.texts.raw(lang, "common.disclaimer")
    assert card.title == ENGINE.texts.get(lang, ENGINE.flows[s.flow].nodes[s.state].title, s.answers, ENGINE.facts)
