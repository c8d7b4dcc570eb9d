"""Engine replies → LINE message objects, within LINE's limits (DESIGN §7).

Long texts are split across messages, never truncated; a label or postback that LINE would refuse is an
internal error here, loudly, rather than a 400 at 3 a.m.
"""

from __future__ import annotations

from linebot.v3.messaging import (
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    URIAction,
)

from bot.engine.replies import Card, Choice, Reply, Text

MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_POSTBACK_BYTES = 300


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


def card_text(card: Card) -> str:
    lines = [f"【{card.title}】"]
    for heading, body in card.sections:
        lines.append(f"\n■ {heading}\n{body}" if heading else f"\n{body}")
    if card.footer:
        lines.append(f"\n※ {card.footer}")
    return "\n".join(lines)


def _item(choice: Choice) -> QuickReplyItem:
    if len(choice.label) > MAX_LABEL:
        raise RenderError(f"quick reply label longer than {MAX_LABEL} characters ({len(choice.label)})")
    if len(choice.data.encode()) > MAX_POSTBACK_BYTES:
        raise RenderError(f"postback data longer than {MAX_POSTBACK_BYTES} bytes")
    if choice.uri:
        return QuickReplyItem(action=URIAction(label=choice.label, uri=choice.uri))
    if choice.data:
        return QuickReplyItem(action=PostbackAction(label=choice.label, data=choice.data,
                                                    displayText=choice.text or choice.label))
    return QuickReplyItem(action=MessageAction(label=choice.label, text=choice.text or choice.label))


def render(reply: Reply) -> list[Message]:
    """All messages of one turn, quick replies on the last one."""
    texts: list[str] = []
    for message in reply.messages:
        body = message.text if isinstance(message, Text) else card_text(message)
        texts.extend(split_text(body))
    if len(reply.choices) > MAX_QUICK_REPLIES:
        raise RenderError(f"more than {MAX_QUICK_REPLIES} quick replies ({len(reply.choices)})")
    quick = QuickReply(items=[_item(c) for c in reply.choices]) if reply.choices else None
    return [TextMessage(text=t, quick_reply=quick if i == len(texts) - 1 else None) for i, t in enumerate(texts)]
