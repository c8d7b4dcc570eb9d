"""The one composition root: every store, the engine and the worker are built here, once per process.

The web app (bot.web.app) and the workers (`kakehashi serve|worker|chat`) ask this module for their parts;
nothing else constructs a store. Tests pass their own clock and sleep, and an engine when they observe it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis

from bot.clock import Clock, clock_for
from bot.desk.desk import Desk
from bot.desk.tickets import TicketStore
from bot.organizations import Organizations
from bot.reports.tally import OrgOf, Tally
from bot.settings import Settings
from bot.store.counters import Counters
from bot.store.keyring import Keyring, resolve_keyring
from bot.stream.inbox import Inbox

if TYPE_CHECKING:  # the web processes never build an engine or a worker: they are imported when built
    from bot.engine.engine import Engine
    from bot.worker import Worker


@dataclass(frozen=True)
class Shared:
    """What the web side and the workers both use, on one Redis."""

    settings: Settings
    redis: redis.Redis
    clock: Clock
    keyring: Keyring
    inbox: Inbox
    tickets: TicketStore
    desk: Desk
    counters: Counters


def shared(settings: Settings, r: redis.Redis, clock: Clock | None = None) -> Shared:
    clock = clock or clock_for(settings.pinned_now)
    keyring = resolve_keyring(settings)
    inbox = Inbox(r, settings.partitions, keyring, seen_ttl=settings.event_window)  # the replay window
    organizations = Organizations.load(settings.flows_dir)
    tickets = TicketStore(r, keyring, settings.ticket_retention_days * 86400, organizations, clock)
    desk = Desk(tickets, inbox, clock, settings.zone, settings.handoff_timeout)
    return Shared(settings, r, clock, keyring, inbox, tickets, desk, Counters(r))


def build_engine(settings: Settings, on_transition: Callable[..., None] | None = None) -> Engine:
    """Read every flow, text and fact once, at start-up. `on_transition` observes each transition (the suite
    uses it to report which nodes and choices it walked)."""
    import yaml

    from bot.content.facts import load_facts, shown_values
    from bot.content.flows import load_flows
    from bot.content.texts import Texts
    from bot.directory.local import load_local_windows
    from bot.directory.windows import load_windows
    from bot.engine.engine import Engine
    from bot.engine.memo import load_plan as load_memo_plan
    from bot.engine.reminders import load_plan
    from bot.language.danger import DangerCheck
    from bot.language.understanding import Understanding
    from bot.legal.registry import CALCULATORS

    with open(settings.flows_dir / "commands.yaml", encoding="utf-8") as fh:
        commands = yaml.safe_load(fh)
    return Engine(
        flows=load_flows(settings.flows_dir),
        texts=Texts.load(settings.locales_dir),
        facts=shown_values(load_facts(settings.flows_dir / "facts.yaml")),
        calculators=CALCULATORS,
        commands=commands,
        safety=DangerCheck.load(settings.flows_dir / "danger.yaml"),
        session_days=max(1, settings.session_ttl // 86400),
        zone=settings.zone,
        windows=load_windows(settings.flows_dir / "windows.yaml"),
        organizations=Organizations.load(settings.flows_dir),
        handoff_timeout=settings.handoff_timeout,
        on_transition=on_transition,
        nlu=Understanding.load(settings.flows_dir),  # Sudachi and the router: loaded once, in this process
        memo_plan=load_memo_plan(settings.flows_dir / "memo.yaml"),
        reminder_plan=load_plan(settings.flows_dir / "reminders.yaml"),
        local_windows=load_local_windows(settings.flows_dir / "places" / "local_windows.yaml"),
    )


def build_worker(settings: Settings, r: redis.Redis, engine: Engine | None = None, clock: Clock | None = None,
                 sleep: Callable[[float], None] = time.sleep, org_of: OrgOf | None = None) -> Worker:
    """Workers answer LINE when a channel token is set, and local chats (terminal, simulator) always.
    `sleep` is the LINE sender's back-off between retries; `org_of` names the organization serving a person,
    under which the reports count their conversation (bot/reports): by default the one organizations.yaml says
    serves where they live."""
    from bot.line.sender import LineSender
    from bot.line.transport import LineTransport
    from bot.local_chat import LocalTransport, Router
    from bot.scheduler import ReminderScheduler
    from bot.store.reminders import ReminderStore
    from bot.worker import Worker

    parts = shared(settings, r, clock)
    organizations = parts.tickets.organizations
    org_of = org_of or (lambda session: organizations.serving(session.place, session.city).id)
    parts.tickets.adopt_legacy()  # once after an upgrade: the one queue of old joins the default organization's
    token = settings.line_channel_access_token
    sender = LineSender(settings.line_api_base_url, token, settings.line_timeout, sleep=sleep,
                        count=lambda outcome: parts.counters.add(f"sends:{outcome}"),
                        clock=parts.clock) if token else None
    line = LineTransport(sender) if sender else None
    engine = engine or build_engine(settings)
    detect = engine.safety.detect if engine.safety is not None else _no_danger
    reminders = ReminderStore(r, parts.keyring)
    return Worker(r, engine, Router(line, LocalTransport(r, parts.keyring)),
                  keyring=parts.keyring, tickets=parts.tickets, desk=parts.desk, counters=parts.counters,
                  clock=parts.clock, partitions=settings.partitions, threads=settings.worker_threads,
                  session_ttl=settings.session_ttl, tally=Tally(parts.counters, settings.zone, engine.flows, detect,
                                                                org_of),
                  lease_ms=settings.worker_lease * 1000, reminders=reminders,
                  scheduler=ReminderScheduler(reminders, parts.inbox, parts.clock))


def _no_danger(text: str) -> tuple[str, ...]:
    return ()
