"""The blind held-out sets (5, 12 and 13) sent as people send them: as a new friend's first message and
in the middle of a flow, through the engine a LINE event reaches, and a sample through the real webhook, worker
and SDK. The language layer's figures (tests/language/test_nlu_eval.py) are only worth something if nothing
between LINE and that layer loses a route or an alarm: the place question, the commands, the menu's own words and
the flows' answers all come first. Aggregates only: no assertion message names a held-out text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.language.corpora import CATEGORIES, read
from bot.language.danger import DangerCheck
from bot.language.understanding import Understanding
from bot.settings import Settings
from tests import line_events as ev
from tests.harness import Chat
from tests.instants import WEEKDAY_NOON

CORPORA = Path(__file__).resolve().parents[2] / "tests" / "data" / "nlu"
HONEST = ("heldout5", "heldout12", "heldout13")
AT = WEEKDAY_NOON.timestamp()
# A first message that starts each flow, and so a question in the middle of it for the danger check.
STARTS = {"visitation": "子供に会えません", "affair_separation": "別居中に夫が不倫しています",
          "consolation": "慰謝料を請求したい", "protection_order": "保護命令の申立ての方法",
          "legal_aid": "弁護士費用が払えない", "custody_2026": "共同親権について知りたい"}


def first_message(engine: Any, text: str) -> tuple[str, tuple[str, ...], Any]:
    """What a new friend's first message leads to: ("emergency", categories), (flow, ()), ("menu", ())."""
    s = Session()
    engine.step(s, Incoming("follow", at=AT))
    reply = engine.step(s, Incoming("text", text, at=AT))
    if s.answers.get("danger"):
        return "emergency", tuple(s.answers["danger"]), reply
    return s.flow, (), reply


def mid_flow_alarm(engine: Any, text: str, flow: str) -> bool:
    s = Session()
    engine.step(s, Incoming("follow", at=AT))
    engine.step(s, Incoming("text", STARTS[flow], at=AT))
    assert s.flow == flow and not s.answers.get("danger")
    engine.step(s, Incoming("text", text, at=AT))
    return bool(s.answers.get("danger"))


def layer_route(nlu: Understanding, check: DangerCheck, text: str) -> str:
    """The language layer's verdict alone, as `kakehashi nlu eval` scores it."""
    if check.detect(text):
        return "emergency"
    kind, topics = nlu.route(text)
    return topics[0] if kind == "go" else kind


@pytest.fixture(scope="module")
def layer() -> tuple[Understanding, DangerCheck]:
    flows = Settings().flows_dir
    return Understanding.load(flows), DangerCheck.load(flows / "danger.yaml")


@pytest.mark.parametrize("name", HONEST)
def test_first_messages_reach_the_flow_the_language_layer_chose(name: str, engine: Any,
                                                                layer: tuple[Understanding, DangerCheck]) -> None:
    """Every routed first message lands in that flow, every alarm gives the emergency lines; "ask" and "none"
    both stay at the menu (with the two topics or the whole menu as buttons)."""
    nlu, check = layer
    utterances = read(CORPORA / name / "routing.yaml", "utterances")
    lost = 0
    for u in utterances:
        wanted = layer_route(nlu, check, str(u["text"]))
        got, _, _ = first_message(engine, str(u["text"]))
        lost += got != (wanted if wanted not in ("ask", "none") else "menu")
    assert lost <= len(utterances) // 100, f"{lost} of {len(utterances)} first messages ended elsewhere"


@pytest.mark.parametrize("name", HONEST)
def test_an_alarm_is_raised_at_the_menu_and_in_every_flow_alike(name: str, engine: Any,
                                                                layer: tuple[Understanding, DangerCheck]) -> None:
    """The danger check runs before anything else in every state: the same messages raise it as a first message
    and at each flow's first question, and ordinary messages raise it nowhere more than the layer does."""
    _, check = layer
    danger = read(CORPORA / name / "danger.yaml", "messages")
    ordinary = read(CORPORA / name / "ordinary.yaml", "messages")
    raised = {str(m["text"]) for m in [*danger, *ordinary] if check.detect(str(m["text"]))}
    for m in [*danger, *ordinary][::3]:
        text = str(m["text"])
        got, cats, _ = first_message(engine, text)
        assert (got == "emergency") == (text in raised), "the menu differs from the language layer"
        if "category" in m and got == "emergency":
            assert set(cats) == set(check.detect(text))
        for flow in STARTS:
            assert mid_flow_alarm(engine, text, flow) == (text in raised), f"{flow} differs from the layer"
    caught = sum(str(m["text"]) in raised for m in danger)
    right = sum(CATEGORIES[str(m["category"])] in check.detect(str(m["text"])) for m in danger)
    assert caught / len(danger) >= 0.94 and right / len(danger) >= 0.75


def test_a_sample_through_line_is_answered_as_the_engine_answers(new_chat: Any, engine: Any) -> None:
    """Every 25th message of set 5, each from a new friend through the real webhook, worker and SDK: the words
    that reach the phone are the engine's, and the emergency lines come first whenever the engine raised them."""
    sample = [*read(CORPORA / "heldout5" / "routing.yaml", "utterances"),
              *read(CORPORA / "heldout5" / "danger.yaml", "messages"),
              *read(CORPORA / "heldout5" / "ordinary.yaml", "messages")][::25]
    alarms = 0
    for n, m in enumerate(sample, start=100):
        chat: Chat = new_chat(n)
        chat.send(ev.follow(chat.user), expect=1)
        answer = chat.say(str(m["text"]))
        got, _, reply = first_message(engine, str(m["text"]))
        expected = [getattr(x, "text", None) or getattr(x, "title", "") for x in reply.messages]
        assert len(answer.messages) == len(expected), "a message was lost or added on the way"
        if got == "emergency":
            alarms += 1
            assert answer.texts[0] == expected[0]  # the lines, first, in the words the engine chose
    assert alarms >= len(sample) // 5  # the sample holds danger messages: the alarm path was exercised
