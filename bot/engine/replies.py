"""What the engine says, independent of any transport: LINE, the terminal and the simulator render it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any

# What a reply may hold: LINE's limits, which every transport is held to and the content checker enforces.
MAX_CHOICES = 13  # quick-reply buttons under one message
MAX_LABEL = 20  # characters on a button
MAX_POSTBACK_BYTES = 300  # a button's data
MAX_TEXT = 5000  # characters in one text message


@dataclass(frozen=True)
class Choice:
    """A tappable answer; `data` comes back as the postback, `label` is what the button shows."""

    label: str
    data: str
    text: str = ""  # what appears in the chat as the user's message when tapped
    uri: str = ""  # open this instead (tel: to call a number)
    picker: str = ""  # "date": a date picker whose choice comes back with the postback (typed dates still work)
    earliest: str = ""  # the picker's bounds, YYYY-MM-DD
    latest: str = ""


def parse_tap(data: str) -> tuple[str, str, str, str]:
    """Postback data as Turn writes it — `opt:<flow>.<node>.<option>`, `date:<flow>.<node>`, `cmd:<command>` —
    into (kind, flow, node, option); parts a piece of data lacks are empty."""
    kind, _, place = data.partition(":")
    flow, _, rest = place.partition(".")
    node, _, option = rest.partition(".")
    return kind, flow, node, option


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Card:
    """A result: a title, sections (heading, body), and a closing line (disclaimer and referral)."""

    title: str
    sections: tuple[tuple[str, str], ...]
    footer: str = ""
    links: tuple[Choice, ...] = ()  # tap-to-call or web links of the windows it recommends
    alt: str = ""  # a neutral line where the card cannot be shown (notifications, the chat list)
    kind: str = "card"
    lead: int = 0  # the first `lead` sections say what matters most (first bubble); 0: the card is all lead
    more: str = ""  # the first bubble's last line when there is more: what lies one swipe away

    def as_text(self) -> str:
        """The card as plain text, for transports without cards (the terminal)."""
        lines = [f"【{self.title}】"]
        for heading, body in self.sections:
            lines.append(f"\n■ {heading}\n{body}" if heading else f"\n{body}")
        if self.footer:
            lines.append(f"\n※ {self.footer}")
        return "\n".join(lines)


Message = Text | Card


# A handoff's states: the session's (Session.handoff, "" when the bot answers) and its ticket's.
QUEUED, WITH_COUNSELOR, CLOSED = "queued", "with_counselor", "closed"


class TicketAction(StrEnum):
    """What a turn does to the ticket."""

    OPEN = "open"  # a new ticket, with the triage summary
    RELAY = "relay"  # lines for the transcript (and, after danger, a fresh summary)
    CANCEL = "cancel"  # the person cancelled while waiting
    CLOSED_CHAT = "closed_chat"  # the person closed the chat (とじる)
    ERASED = "erased"  # the person erased their data: the ticket goes with it


ENDED_BY_PERSON = (TicketAction.CANCEL, TicketAction.CLOSED_CHAT)  # a timeout is the desk's doing


@dataclass(frozen=True)
class TicketNote:
    """What a turn did to the person's handoff ticket; the store writes it in the turn's transaction.
    `lines` are (who, text) for the transcript."""

    ticket: str
    action: TicketAction
    lines: tuple[tuple[str, str], ...] = ()
    summary: dict[str, Any] | None = None
    danger: bool = False  # raise the ticket's priority: danger was seen
    at: float = 0.0  # when the person wrote: the ticket's creation, the transcript lines' time
    message_id: str = ""  # LINE's id of the person's message, so an unsend can remove it from the transcript
    expires: float = 0.0
    org: str = ""  # on OPEN: the organization whose queue the ticket joins (bot/organizations.py)


@dataclass(frozen=True)
class Reminder:
    """One message the person asked for, at `due` (epoch seconds): before a deadline (`kind` "before") or the one
    「届きましたか」 after it ("check"). `id` is the same for the same deadline and kind, so asking again replaces
    it: at most one per deadline."""

    id: str
    kind: str
    due: float
    day: str  # the deadline, YYYY-MM-DD
    days: int  # how many days before it
    lang: str
    quiet: bool  # without sound or vibration (LINE's notificationDisabled)


@dataclass(frozen=True)
class ReminderNote:
    """What a turn does to the person's reminders; the worker writes it before sending the turn."""

    schedule: tuple[Reminder, ...] = ()
    cancel_all: bool = False  # リマインド停止, an unfollow: every reminder of this person goes


@dataclass(frozen=True)
class Reply:
    """One turn's answer: messages in order, and the choices offered after the last one."""

    messages: tuple[Message, ...] = ()
    choices: tuple[Choice, ...] = ()
    silent: bool = field(default=False)  # nothing to send (e.g. unfollow)
    erase: bool = field(default=False)  # after sending, erase everything kept about this person
    quiet: bool = field(default=False)  # deliver without sound or vibration (the person chose so)
    ticket: TicketNote | None = None
    reminders: ReminderNote | None = None

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        messages: list[Message] = []
        for m in data.get("messages", []):
            if m["kind"] == "card":
                sections = tuple((h, b) for h, b in m["sections"])
                links = tuple(Choice(**c) for c in m.get("links", ()))
                messages.append(Card(m["title"], sections, m.get("footer", ""), links, m.get("alt", ""),
                                     lead=int(m.get("lead", 0)), more=m.get("more", "")))
            else:
                messages.append(Text(m["text"]))
        choices = tuple(Choice(**c) for c in data.get("choices", []))
        flags = {k: bool(data.get(k, False)) for k in ("silent", "erase", "quiet")}
        note = data.get("ticket")
        ticket = TicketNote(**{**note, "action": TicketAction(note["action"]),
                               "lines": tuple(tuple(x) for x in note.get("lines", ()))}) if note else None
        plan = data.get("reminders")
        reminders = ReminderNote(tuple(Reminder(**x) for x in plan["schedule"]), bool(plan["cancel_all"])) \
            if plan else None
        return cls(tuple(messages), choices, **flags, ticket=ticket, reminders=reminders)


def _plain(value: Any) -> Any:
    """Like dataclasses.asdict without its deep copies of every string (a turn's reply is built once)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
