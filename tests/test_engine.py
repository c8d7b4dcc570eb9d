"""The engine on its own (no Redis, no LINE): turns, sessions, and that nothing typed can crash a turn."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.inputs import Incoming
from bot.engine.replies import Card, Reply, Text
from bot.engine.session import Session
from bot.runtime import engine_for
from bot.settings import Settings

ENGINE = engine_for(Settings())


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


def test_every_place_in_every_flow_survives_the_global_words() -> None:
    for flow in ENGINE.flows.values():
        for node in flow.nodes.values():
            if not node.waits:
                continue
            for word in ["戻る", "メニュー", "ヘルプ", "English", "日本語", "back"]:
                s = Session(flow=flow.id, state=node.name, fresh=False)
                reply = say(s, word)
                assert reply.messages, (flow.id, node.name, word)


anything = st.one_of(
    st.builds(Incoming, st.just("text"), st.text(max_size=60)),
    st.builds(Incoming, st.just("postback"), st.text(max_size=60)),
    st.builds(Incoming, st.just("postback"), st.from_regex(r"(opt|cmd):[a-z_]{0,12}\.[a-z_]{0,10}\.[a-z_0-9]{0,8}")),
    st.builds(Incoming, st.sampled_from(["sticker", "media", "location", "follow", "other"])),
)
places = st.sampled_from([(f.id, n) for f in ENGINE.flows.values() for n, node in f.nodes.items() if node.waits])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=places, inputs=st.lists(anything, min_size=1, max_size=6))
def test_nothing_typed_crashes_a_turn(place: tuple[str, str], inputs: list[Incoming]) -> None:
    s = Session(flow=place[0], state=place[1], fresh=False)
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
