"""Engine replies → LINE messages (the Messaging API's JSON), within LINE's limits.

Texts become text messages, result cards flex bubbles. A card whose first sections are its lead becomes a
carousel: the first bubble says what matters most within one phone screen, with the call buttons and the
disclaimer; the other sections follow one swipe away, a screen at most each. Long texts and cards are
split across messages, never truncated; a label or postback that LINE would refuse is an internal error
here, loudly, rather than a 400 at 3 a.m. Plain JSON rather than the SDK's typed models: building and
serialising those cost more CPU per answer than the whole rest of a turn (measured with the benchmark's
profile), and the limits that matter are checked here anyway.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.engine.replies import MAX_CHOICES, MAX_LABEL, MAX_POSTBACK_BYTES, MAX_TEXT, Card, Choice, Reply, Text

Message = dict[str, Any]  # one message as the Messaging API takes it

MAX_ALT_TEXT = 400  # LINE allows 1,500; a notification shows far less
MAX_BUBBLE_BYTES = 24_000  # LINE refuses a bubble over 30 KB of JSON; keep a margin
MAX_SECTION_TEXT = 2000  # a longer section body goes on in the next part of the card
MAX_CARD_LINKS = 2  # on the first bubble: the lines open now; the quick replies offer them too
MAX_CAROUSEL = 12  # bubbles in one carousel (LINE's limit)
PAGE_TEXT = 250  # full-width characters in one swiped-to bubble: well within a screen on a 390 px phone
PHONE = re.compile(r"(?<![\d:-])0\d{1,4}-\d{2,6}(?:-\d{3,4})?(?![\d:-])")  # 0120-279-889, 0570-078374
WORD_JOINER = "\u2060"  # no line break here: a phone number is read and dialled as one piece
GREY, INK, ACCENT = "#888888", "#333333", "#06C755"


class RenderError(ValueError):
    """A reply breaks one of LINE's limits; `flows check` should have caught it."""


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at line breaks where possible, so each part stays readable."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip("\n"))
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text else parts


def _action(choice: Choice) -> dict[str, Any]:
    if not 1 <= len(choice.label) <= MAX_LABEL:
        raise RenderError(f"button label must be 1 to {MAX_LABEL} characters ({len(choice.label)})")
    if len(choice.data.encode()) > MAX_POSTBACK_BYTES:
        raise RenderError(f"postback data longer than {MAX_POSTBACK_BYTES} bytes")
    if choice.uri:
        return {"type": "uri", "label": choice.label, "uri": choice.uri}
    if choice.picker:
        bounds = {"initial": choice.latest, "min": choice.earliest, "max": choice.latest}
        return {"type": "datetimepicker", "label": choice.label, "data": choice.data, "mode": choice.picker,
                **{k: v for k, v in bounds.items() if v}}
    if choice.data:
        return {"type": "postback", "label": choice.label, "data": choice.data,
                "displayText": choice.text or choice.label}
    return {"type": "message", "label": choice.label, "text": choice.text or choice.label}


# ── result cards as flex bubbles ─────────────────────────────────────────────────────────────────
def keep_phones_whole(text: str) -> str:
    """0120-279-889 never breaks at its hyphens across two lines of a bubble."""
    return PHONE.sub(lambda m: m.group(0).replace("-", f"{WORD_JOINER}-{WORD_JOINER}"), text)


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": keep_phones_whole(text), "wrap": True, **style}


def _section(heading: str, body: str) -> list[dict[str, Any]]:
    parts = [_text(heading, weight="bold", size="sm", color=ACCENT)] if heading else []
    return [*parts, _text(body, size="sm", color=INK)]


def _bubble(title: str, sections: list[tuple[str, str]], footer: str, links: tuple[Choice, ...],
            more: str = "", size: str = "giga") -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    for i, (heading, text) in enumerate(sections):
        if i:
            body.append({"type": "separator", "margin": "md"})
        body.append({"type": "box", "layout": "vertical", "spacing": "xs", "margin": "md",
                     "contents": _section(heading, text)})
    if more:
        body.append(_text(more, size="xs", color=GREY, margin="lg"))
    bubble: dict[str, Any] = {
        "type": "bubble", "size": size,
        "header": {"type": "box", "layout": "vertical", "contents": [_text(title, weight="bold", size="md")]},
        "body": {"type": "box", "layout": "vertical", "contents": body or [_text(" ", size="xs")]},
    }
    tail: list[dict[str, Any]] = [
        {"type": "button", "style": "primary", "color": ACCENT, "height": "sm",
         "action": _action(link)} for link in links
    ]
    if footer:
        tail.append(_text(footer, size="xxs", color=GREY, margin="md"))
    if tail:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": tail}
    return bubble


def _size(bubble: dict[str, Any]) -> int:
    return len(json.dumps(bubble, ensure_ascii=False).encode())


def card_bubbles(card: Card) -> list[dict[str, Any]]:
    """One bubble, or several in order when the card is long: the title repeats, links and the disclaimer
    close the last part."""
    pieces = [(heading if i == 0 else "", chunk) for heading, body in card.sections
              for i, chunk in enumerate(split_text(body, MAX_SECTION_TEXT))]
    links = card.links[:MAX_CARD_LINKS]
    groups: list[list[tuple[str, str]]] = [[]]
    for piece in pieces:
        if groups[-1] and _size(_bubble(card.title, [*groups[-1], piece], card.footer, links)) > MAX_BUBBLE_BYTES:
            groups.append([])
        groups[-1].append(piece)
    last = len(groups) - 1
    return [_bubble(card.title, group, card.footer if i == last else "", links if i == last else ())
            for i, group in enumerate(groups)]


def _alt(card: Card) -> str:
    return (card.alt or card.title)[:MAX_ALT_TEXT]


def _width(text: str) -> float:
    """How much of a line `text` takes, in full-width characters: Latin letters take about half."""
    return sum(1.0 if ord(c) > 0x2000 else 0.55 for c in text)


def _pages(sections: tuple[tuple[str, str], ...]) -> list[list[tuple[str, str]]]:
    """The sections after the lead, a screen at most per bubble: short ones share, a long one goes on."""
    pages: list[list[tuple[str, str]]] = []
    used = float(PAGE_TEXT)
    for heading, body in sections:
        density = len(body) / max(_width(body), 1.0)  # characters per full-width character
        for i, chunk in enumerate(split_text(body, max(int(PAGE_TEXT * density), 1))):
            size = _width(heading) + _width(chunk) + 8  # a section's heading and margin take about a line
            if used + size > PAGE_TEXT or i:
                pages.append([])
                used = 0.0
            pages[-1].append((heading, chunk))  # a section that goes on keeps its heading
            used += size
    return pages


def card_contents(card: Card) -> list[dict[str, Any]]:
    """What the card's flex messages contain: a carousel (lead first, the rest a swipe away) when the card
    has a lead, else one bubble or several in order."""
    if not card.lead:
        return card_bubbles(card)
    links = card.links[:MAX_CARD_LINKS]
    first = _bubble(card.title, list(card.sections[: card.lead]), card.footer, links, card.more, size="mega")
    rest = [_bubble(card.title, page, "", (), size="mega") for page in _pages(card.sections[card.lead:])]
    bubbles = [first, *rest]
    return [{"type": "carousel", "contents": bubbles[i:i + MAX_CAROUSEL]}
            for i in range(0, len(bubbles), MAX_CAROUSEL)]


def render(reply: Reply) -> list[Message]:
    """All messages of one turn, quick replies on the last one."""
    messages: list[Message] = []
    for message in reply.messages:
        if isinstance(message, Text):
            # not in text messages: LINE turns a number there into a tap-to-call link, which joiners could break
            messages += [{"type": "text", "text": t} for t in split_text(message.text)]
        else:
            messages += [{"type": "flex", "altText": _alt(message), "contents": contents}
                         for contents in card_contents(message)]
    if len(reply.choices) > MAX_CHOICES:
        raise RenderError(f"more than {MAX_CHOICES} quick replies ({len(reply.choices)})")
    if reply.choices and messages:
        messages[-1]["quickReply"] = {"items": [{"type": "action", "action": _action(c)} for c in reply.choices]}
    return messages
