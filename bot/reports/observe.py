"""What one turn did that an organization's report counts, read from the session before and after it.

Pure: a function of the session as it was, the session as the turn left it, what came in and what the bot
answered. The engine is not asked to report anything; the worker counts these facts once the turn is saved
(a retried turn is never counted twice: the saved turn record answers it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.inputs import Incoming
from bot.engine.referral import means_ok, urgencies
from bot.engine.replies import Reply, TicketAction
from bot.engine.session import MENU_FLOW, Session
from bot.reports import vocabulary as v

if TYPE_CHECKING:
    from bot.content.flows import Flow

WITHDRAWN = (TicketAction.CANCEL, TicketAction.CLOSED_CHAT, TicketAction.ERASED)


@dataclass(frozen=True)
class Fact:
    """One thing to count. `ticket`: about a handoff ticket, counted under the ticket's organization."""

    metric: str
    detail: str
    ticket: bool = False


@dataclass(frozen=True)
class Before:
    """What the turn may change that the report looks at, copied before the turn runs."""

    flow: str
    state: str
    history: tuple[tuple[str, ...], ...]
    fresh: bool
    danger_seen: int
    danger: frozenset[str]
    handoff: str

    @classmethod
    def of(cls, s: Session) -> Before:
        return cls(s.flow, s.state, tuple(tuple(h) for h in s.history), s.fresh, s.danger_seen,
                   frozenset(s.answers.get("danger", ())), s.handoff)


def facts(before: Before, after: Session, inc: Incoming, reply: Reply, flows: Mapping[str, Flow],
          detect: Callable[[str], tuple[str, ...]]) -> tuple[Fact, ...]:
    """Everything this turn counts; `detect` names the danger categories of a text (run again only on the rare
    turn that showed the emergency lines or took a harm answer)."""
    found: list[Fact] = []
    if inc.kind in ("follow", "unfollow"):
        found.append(Fact(v.FRIENDS, "added" if inc.kind == "follow" else "blocked"))
    if before.fresh and not after.fresh and inc.kind in ("text", "postback"):
        found.append(Fact(v.FIRST, "hour"))  # the hour is the tally's: it knows the zone
        found.append(Fact(v.LANGUAGE, after.lang))
    found += _topics(before, after, flows)
    found += [Fact(v.DANGER, c) for c in _danger(before, after, inc, detect)]
    found += _handoff(inc, reply)
    return tuple(found)


def _added(before: tuple[tuple[str, ...], ...], after: list[list[str]]) -> list[tuple[str, ...]]:
    """The history entries this turn appended (the history keeps its last 30: the old part may have shifted)."""
    now = [tuple(h) for h in after]
    if len(now) < len(before):  # "back", or a fresh start
        return []
    for shift in range(len(before) + 1):
        kept = before[shift:]
        if tuple(now[:len(kept)]) == kept:
            return now[len(kept):]
    return now


def _topics(before: Before, after: Session, flows: Mapping[str, Flow]) -> list[Fact]:
    """A topic starts when the conversation moves forward into its flow from elsewhere (the menu, another
    topic's result) and finishes when it moves forward onto one of its result cards. "Back" is not moving
    forward; neither is showing the same card again."""
    if after.flow == MENU_FLOW or after.flow not in flows:
        return []
    added = _added(before.history, after.history)
    if not added:
        return []
    found = []
    if before.flow != after.flow or any(h and h[0] == MENU_FLOW for h in added):
        found.append(Fact(v.STARTED, after.flow))
    node = flows[after.flow].nodes.get(after.state)
    if node is not None and node.kind == "result" and (before.flow, before.state) != (after.flow, after.state):
        found.append(Fact(v.FINISHED, after.flow))
        found.append(Fact(v.REFERRAL, referral_of(after)))
    return found


def referral_of(s: Session) -> str:
    """Where the card a person just reached points first (vocabulary.REFERRALS), from what the conversation
    showed — the same reading of the answers the card's "where to ask" section is ordered by."""
    seen = urgencies(s.answers, s.flow)
    if seen & {"danger", "child", "sexual_violence", "suicide"}:
        return "emergency"
    if "dv" in seen:
        return "dv_centre"
    eligible = means_ok(s.answers)
    return "general" if eligible is None else "houterasu" if eligible else "lawyer"


def _danger(before: Before, after: Session, inc: Incoming, detect: Callable[[str], tuple[str, ...]]) -> list[str]:
    new = set(after.answers.get("danger", ())) - before.danger
    if after.danger_seen <= before.danger_seen and not new:
        return []
    named = set(detect(inc.text)) if inc.kind == "text" and inc.text else set()
    return sorted(named | new)


def _handoff(inc: Incoming, reply: Reply) -> list[Fact]:
    found = []
    note = reply.ticket
    if note is not None and note.action is TicketAction.OPEN:
        found.append(Fact(v.HANDOFF, "requested"))
    elif note is not None and note.action in WITHDRAWN:
        found.append(Fact(v.HANDOFF, "withdrawn"))
    params = inc.params
    if inc.kind == "counselor" and "waited" in params:  # the desk's claiming reply: once per ticket
        found.append(Fact(v.HANDOFF, "answered", ticket=True))
        found.append(Fact(v.WAIT, v.wait_bucket(float(params["waited"])), ticket=True))
    if inc.kind == "handoff_end" and params.get("why") == "timeout":
        found.append(Fact(v.HANDOFF, "timed_out", ticket=True))
    if inc.kind == "handoff_end" and params.get("why") == "closed" and params.get("outcome"):
        found.append(Fact(v.OUTCOME, params["outcome"], ticket=True))
    return found

