"""The engine on its own (no Redis, no LINE): turns, sessions, and that nothing typed can crash a turn."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.inputs import Incoming
from bot.engine.replies import Card, Reply, Text
from bot.engine.session import Session
from bot.language.parse import normalize
from bot.settings import Settings
from bot.wiring import build_engine

ENGINE = build_engine(Settings())


def say(session: Session, text: str) -> Reply:
    return ENGINE.step(session, Incoming("text", text))


def test_session_round_trips_through_json() -> None:
    s = Session(flow="legal_aid", state="income", answers={"household": 2}, history=[["menu", "start"]])
    assert Session.from_json(s.to_json()) == s


def test_means_test_by_typing_only() -> None:
    s = Session()
    for text in ["法テラス", "いいえ", "1", "東京23区", "20万", "5万", "100万"]:
        say(s, text)
    reply = say(s, "いいえ")
    card = reply.messages[-1]
    assert isinstance(card, Card) and s.state == "result"
    assert s.answers["means"]["income_limit"] == 200_200 + 50_000
    assert any("25万200円" in body for _, body in card.sections)


TYPED = {"count": "2", "yen": "100000", "date": "2025/3/1", "text": "x"}


def _reached() -> dict[tuple[str, str], str]:
    """Every waiting node, with a session as a person would arrive there (by tapping through from the menu),
    as JSON. A session put at a result without the answers that lead to it is not one the engine can meet."""
    found: dict[tuple[str, str], str] = {}
    seen: set[tuple[str, str, str]] = set()  # a place with the answers given on the way: every combination
    frontier = [Session(fresh=False).to_json()]
    while frontier:
        raw = frontier.pop()
        s = Session.from_json(raw)
        state = (s.flow, s.state, repr(sorted(s.answers.items())))
        if state in seen:
            continue
        seen.add(state)
        found.setdefault((s.flow, s.state), raw)
        node = ENGINE.flows[s.flow].nodes[s.state]
        moves = [Incoming("postback", f"opt:{s.flow}.{node.name}.{o.id}") for o in node.options]
        if node.kind == "input":
            moves.append(Incoming("text", TYPED[node.format or "text"]))
        for move in moves:
            after = Session.from_json(raw)
            ENGINE.step(after, move)
            frontier.append(after.to_json())
    return found


REACHED = _reached()


def test_every_waiting_node_is_reached_by_tapping_through() -> None:
    waiting = {(f.id, n) for f in ENGINE.flows.values() for n, node in f.nodes.items() if node.waits}
    assert waiting <= set(REACHED), sorted(waiting - set(REACHED))


def test_every_place_in_every_flow_survives_the_global_words() -> None:
    for (flow_id, name), raw in REACHED.items():
        for word in ["戻る", "メニュー", "ヘルプ", "English", "日本語", "back"]:
            reply = say(Session.from_json(raw), word)
            assert reply.messages, (flow_id, name, word)


anything = st.one_of(
    st.builds(Incoming, st.just("text"), st.text(max_size=60)),
    st.builds(Incoming, st.just("postback"), st.text(max_size=60)),
    st.builds(Incoming, st.just("postback"), st.from_regex(r"(opt|cmd):[a-z_]{0,12}\.[a-z_]{0,10}\.[a-z_0-9]{0,8}")),
    st.builds(Incoming, st.sampled_from(["sticker", "media", "location", "follow", "other"])),
)
places = st.sampled_from(sorted(REACHED))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=places, inputs=st.lists(anything, min_size=1, max_size=6))
def test_nothing_typed_crashes_a_turn(place: tuple[str, str], inputs: list[Incoming]) -> None:
    s = Session.from_json(REACHED[place])
    for incoming in inputs:
        reply = ENGINE.step(s, incoming)
        assert reply.messages and all(isinstance(m, Text | Card) for m in reply.messages)
        assert s.flow in ENGINE.flows and s.state in ENGINE.flows[s.flow].nodes
        assert len(reply.choices) <= 13


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_result_cards_end_with_the_disclaimer(lang: str) -> None:
    s = Session(lang=lang, fresh=False)
    for text in ["legal aid" if lang == "en" else "法テラス", "1", "1", "3", "0", "0", "0"]:
        say(s, text)
    card = say(s, "2").messages[-1]
    assert isinstance(card, Card)
    assert card.footer == ENGINE.texts.raw(lang, "common.disclaimer")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_word_the_help_names_is_a_command(lang: str) -> None:
    """The help lists words to type: each must do what it says, in every state, or the help misleads."""
    import re

    quoted = r"「(.+?)」" if lang == "ja" else r'"(.+?)"'
    words = re.findall(quoted, ENGINE.texts.get(lang, "common.help"))
    assert len(words) >= 12
    unknown = [w for w in words if normalize(w) not in ENGINE.commands]
    assert not unknown
