"""A conversation harness: sign webhook bodies, post them, read what the fake LINE API received.

Reads like a transcript: `answer = chat.say("弁護士 費用")`, `chat.tap("東京23区")`, `answer.text`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests import line_events as ev
from tests.fake_line import FakeLineApi


@dataclass
class Answer:
    messages: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        """Each message's words: a text message's text, or every text of a flex card in order."""
        return [m["text"] if m.get("type") == "text" else "\n".join(flex_texts(m.get("contents")))
                for m in self.messages]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def actions(self) -> list[dict[str, Any]]:
        if not self.messages:
            return []
        return [i["action"] for i in (self.messages[-1].get("quickReply") or {}).get("items", [])]

    @property
    def labels(self) -> list[str]:
        return [a["label"] for a in self.actions]


class Chat:
    """One LINE user talking to the bot through the real webhook, worker and SDK."""

    def __init__(self, client: Any, fake: FakeLineApi, secret: str, user: str) -> None:
        self.client, self.fake, self.secret, self.user = client, fake, secret, user
        self.last = Answer([])

    def post(self, *events: dict[str, Any]) -> Any:
        for event in events:
            if event.get("replyToken"):
                self.fake.register_reply_token(event["replyToken"], self.user)
        body = ev.body(*events)
        return self.client.post("/callback", data=body.encode(),
                                headers={"X-Line-Signature": ev.sign(body, self.secret),
                                         "Content-Type": "application/json"})

    def delivered(self) -> int:
        return len(self.fake.messages_to(self.user))

    def send(self, event: dict[str, Any], expect: int = 1, timeout: float = 10.0) -> Answer:
        """Post one event and wait for the answer's messages (at least `expect` new ones)."""
        before = self.delivered()
        response = self.post(event)
        assert response.status_code == 200, response.data
        if expect == 0:
            return Answer([])
        self.fake.wait_for(lambda f: len(f.messages_to(self.user)) >= before + expect, timeout)
        self.last = Answer(self.fake.messages_to(self.user)[before:])
        return self.last

    def say(self, text: str, **kw: Any) -> Answer:
        return self.send(ev.text(self.user, text), **kw)

    def tap(self, label: str) -> Answer:
        action = next((a for a in self.last.actions if a["label"] == label), None)
        assert action is not None, f"no button {label!r} in {self.last.labels}"
        if action["type"] == "postback":
            return self.send(ev.postback(self.user, action["data"]))
        return self.say(action["text"])


def until(check: Callable[[], object], timeout: float = 10.0) -> object:
    """Poll `check` until it gives something truthy (work that happens in the worker, in its own time)."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return value


def flex_texts(node: Any) -> list[str]:
    """The texts of a flex bubble in reading order (header, body, footer), as a person reads the card."""
    if isinstance(node, dict):
        if node.get("type") == "text":
            return [node["text"].replace("\u2060", "")]  # the word joiners that keep a phone number whole
        if node.get("type") == "button":
            return [node["action"].get("label", "")]
        parts = [node.get(k) for k in ("header", "hero", "body", "footer")] if node.get("type") == "bubble" \
            else node.get("contents") or []
        return [t for part in parts for t in flex_texts(part)]
    if isinstance(node, list):
        return [t for part in node for t in flex_texts(part)]
    return []


def walk_to_card(engine: Any, start: str, *said: str, at: float | None = None, lang: str = "ja") -> str:
    """Type `start` then each answer into the engine (no LINE); the result card as one text."""
    from bot.engine.inputs import Incoming
    from bot.engine.replies import Card
    from bot.engine.session import Session

    s = Session(fresh=False, lang=lang)
    extra = {"at": at} if at is not None else {}
    reply = engine.step(s, Incoming("text", start, **extra))
    for text in said:
        reply = engine.step(s, Incoming("text", text, **extra))
    card = reply.messages[-1]
    assert isinstance(card, Card), reply
    return "\n".join([card.title, *(f"{h}\n{b}" for h, b in card.sections), card.footer])


def assert_card(card: str, present: list[str], absent: list[str], disclaimer: str = "一般的な情報") -> None:
    """Every result ends with the disclaimer; each expected phrase is there, each excluded one is not."""
    assert disclaimer in card
    for phrase in present:
        assert phrase in card, phrase
    for phrase in absent:
        assert phrase not in card, phrase
