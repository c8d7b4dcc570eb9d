"""Wiring for the worker side: the engine, the LINE transport and the stream worker, from settings."""

from __future__ import annotations

import redis
import yaml

from bot.engine.facts import load_facts, shown_values
from bot.engine.flows import load_flows
from bot.engine.step import Engine
from bot.engine.texts import Texts
from bot.handoff.windows import load_windows
from bot.keyring import resolve_keyring
from bot.language.understanding import Understanding
from bot.legal.registry import CALCULATORS
from bot.line.sender import LineSender
from bot.line.transport import LineTransport
from bot.local import LocalTransport, Router
from bot.safety import DangerCheck
from bot.settings import Settings
from bot.store.counters import Counters
from bot.worker import Worker


def engine_for(settings: Settings) -> Engine:
    """Read every flow, text and fact once, at start-up."""
    with open(settings.flows_dir / "commands.yaml", encoding="utf-8") as fh:
        commands = yaml.safe_load(fh)
    facts = shown_values(load_facts(settings.flows_dir / "facts.yaml"))
    texts = Texts.load(settings.locales_dir)
    safety = DangerCheck.load(settings.flows_dir / "danger.yaml")
    days = max(1, settings.session_ttl // 86400)
    windows = load_windows(settings.flows_dir / "windows.yaml")
    counselors = load_windows(settings.flows_dir / "counselors.yaml")["counselors"]
    nlu = Understanding.load(settings.flows_dir)  # Sudachi and the router: loaded once, in this process
    return Engine(load_flows(settings.flows_dir), texts, facts, CALCULATORS, commands, safety, days, settings.zone,
                  windows, counselors, settings.handoff_timeout, nlu=nlu)


def build_worker(settings: Settings, r: redis.Redis, engine: Engine | None = None) -> Worker:
    """Workers answer LINE when a channel token is set, and local chats (terminal, simulator) always."""
    keyring = resolve_keyring(settings)
    counters = Counters(r)
    token = settings.line_channel_access_token
    sender = LineSender(settings.line_api_base_url, token, settings.line_timeout,
                        count=lambda outcome: counters.add(f"sends:{outcome}")) if token else None
    line = LineTransport(sender) if sender else None
    return Worker(r, engine or engine_for(settings), Router(line, LocalTransport(r, keyring)), keyring,
                  settings.partitions, settings.worker_threads, settings.session_ttl,
                  settings.ticket_retention_days * 86400, counters=counters, lease_ms=settings.worker_lease * 1000)
