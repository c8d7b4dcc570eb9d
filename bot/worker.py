"""Stream workers: take each partition's events in order, in batches: load, step, save, send, acknowledge.

A batch (up to 100 entries of one partition) costs one round trip each to count the attempts, load every
session and turn record, save every person's session and turns (one script per person, on their slot) and
acknowledge and delete the lot; the turns themselves run in memory, and the answers go out with different
people side by side, each person's in order. What a batch cannot take together (an unsend, a handoff ticket,
an erasure, a session someone else wrote meanwhile) goes the one-by-one way, the transaction of old.

`kakehashi worker` processes (serve starts one per core), or threads inside serve. A heartbeat thread keeps
this process's partition leases and its entry in the live-workers set (for /readyz), and sweeps handoff
tickets nobody took in time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import cast

import redis

from bot.clock import Clock
from bot.desk.desk import Desk
from bot.desk.tickets import TicketStore
from bot.engine.engine import Engine
from bot.engine.replies import Reply
from bot.logs import log_context
from bot.reports.tally import Noted, Tally
from bot.scheduler import ReminderScheduler
from bot.store.counters import Counters
from bot.store.keyring import Keyring
from bot.store.reminders import ReminderStore
from bot.store.sessions import Loaded as SessionLoad
from bot.store.sessions import Save, SessionStore, TurnRecord
from bot.stream.envelope import DeliveryFailed, Envelope, Undeliverable
from bot.stream.partitions import LEASE_MS, MAX_ATTEMPTS, Entry, PartitionQueue, age, describe
from bot.stream.transport import Transport

log = logging.getLogger(__name__)
HEARTBEAT_S = 5.0
USER_CONCURRENCY = 32  # turns in flight per process: most of a turn is waiting on LINE
WAITING_S = 1.0  # a person whose message has waited this long sees the loading animation while we answer
WORKER_NICENESS = 10
LOADING_EVERY_S = 10.0  # …once in a while, not for every message of a backlog: each showing is a call to LINE
# An event LINE keeps failing to take is retried this long (it holds up its partition meanwhile), then parked
# for `kakehashi deadletters replay`: an outage is waited out, an event LINE chokes on does not block forever.
DELIVERY_PATIENCE_S = 600
BATCH = 100  # entries of one partition read, loaded, saved and acknowledged together

# What became of an entry of a batch.
DONE = "done"  # answered (or nothing to answer): acknowledged and deleted
PARK = "park"  # copied to the dead letters, then acknowledged
RETRY = "retry"  # left pending; the attempt counts towards the dead letters
FORGIVE = "forgive"  # left pending; the attempt is taken back (not tried, or not the event's fault)


@dataclass
class Item:
    """One entry of a batch on its way through: its envelope, its turn, what became of it."""

    entry: Entry
    env: Envelope | None = None
    record: TurnRecord | None = None  # the turn to send (taken by this batch, or by an earlier attempt)
    slow: bool = False  # taken and sent one by one (the transaction of old), not with the batch
    noted: Noted | None = None  # what the turn did that the organization's report counts, once it is saved
    outcome: str | None = None
    reason: str = ""


class Worker:
    def __init__(self, r: redis.Redis, engine: Engine, transport: Transport, *, keyring: Keyring,
                 tickets: TicketStore, desk: Desk, counters: Counters, clock: Clock, partitions: int, threads: int,
                 session_ttl: int, tally: Tally, reminders: ReminderStore, scheduler: ReminderScheduler,
                 lease_ms: int = LEASE_MS, name: str | None = None) -> None:
        """Every part comes from bot.wiring; the worker builds none of its own. `tally` counts the reports."""
        self.reminders, self.scheduler = reminders, scheduler
        self.name = name or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.queue = PartitionQueue(r, partitions, self.name, lease_ms)
        self.beat = min(HEARTBEAT_S, lease_ms / 4000)  # renew well within the lease
        self.counters = counters
        self.tally = tally
        self.sessions = SessionStore(r, session_ttl, keyring)
        self.clock, self.tickets, self.desk = clock, tickets, desk
        self.keyring = keyring
        self.engine, self.transport, self.threads = engine, transport, threads
        self.stopping = threading.Event()
        self._held: set[int] = set()
        self._resting: dict[int, float] = {}  # partition → monotonic time it may be tried again
        self._lock = threading.Lock()
        self._running: list[threading.Thread] = []
        self._loading_shown: dict[str, float] = {}  # user → when we last showed them the loading animation
        # Different users of one partition's batch are answered in parallel; each user's events stay in order.
        self._pool = ThreadPoolExecutor(max_workers=USER_CONCURRENCY, thread_name_prefix="kh-turn",
                                        initializer=_yield_to_the_webhook)

    # ── life cycle ────────────────────────────────────────────────────────────
    def start(self) -> Worker:
        self.queue.ensure_groups()
        self.queue.heartbeat()
        self._running = [threading.Thread(target=self._heartbeat, name="kh-heartbeat", daemon=True)]
        self._running += [threading.Thread(target=self._run, name=f"kh-worker-{i}", daemon=True)
                          for i in range(self.threads)]
        for thread in self._running:
            thread.start()
        log.info("worker %s started with %d threads", self.name, self.threads)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the event in hand, release the leases, and go."""
        log.info("worker %s stopping: finishing the turns in hand, leaving the rest for another worker", self.name)
        self.stopping.set()
        self.queue.wake(self.threads)
        deadline = time.monotonic() + timeout
        for thread in self._running:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._running = []
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.counters.flush()  # the reports' counts too

    # ── threads ───────────────────────────────────────────────────────────────
    def _run(self) -> None:
        _yield_to_the_webhook()
        while not self.stopping.is_set():
            try:
                rung = self.queue.wait_bell(timeout=1.0)
                for p in [rung] if rung is not None and rung >= 0 else self.queue.backlog():
                    if self.stopping.is_set():
                        break
                    self._drain(p)
            except redis.RedisError as exc:
                log.warning("worker lost redis (%s); retrying", type(exc).__name__)
                self.stopping.wait(1.0)

    def _heartbeat(self) -> None:
        while not self.stopping.wait(self.beat):
            try:
                self.queue.heartbeat()
                self.desk.expire_due()
                self.scheduler.run_due()
                self.tickets.purge_closed(self.clock())
                with self._lock:
                    held = list(self._held)
                for p in self.queue.renew(held):
                    log.warning("lost the lease of partition %d", p)
                    with self._lock:
                        self._held.discard(p)
            except redis.RedisError as exc:
                log.warning("heartbeat failed (%s)", type(exc).__name__)

    # ── one partition ─────────────────────────────────────────────────────────
    def _drain(self, p: int) -> None:
        with self._lock:
            if p in self._held or self._resting.get(p, 0) > time.monotonic():
                return
            self._held.add(p)  # claimed among our threads first: the lease lets any thread of ours in
        acquired = False
        try:
            acquired = self.queue.acquire(p)
        finally:
            if not acquired:
                with self._lock:
                    self._held.discard(p)
        if not acquired:
            return
        failed = False
        try:
            self.queue.reclaim(p)
            pending = True  # what we reclaimed, or a batch we left unfinished, is read first
            while not failed and not self.stopping.is_set():
                entries, from_pending = self.queue.read_from(p, count=BATCH, pending=pending)
                if not entries:
                    break
                failed = not self._batch(p, entries)
                # Settled whole: new entries next, unless this batch came from our pending ones, which can
                # hold more than a batch (our leftovers and a dead worker's, reclaimed): those first, in order.
                pending = from_pending
        finally:
            with self._lock:
                self._held.discard(p)
                if failed:
                    self._resting[p] = time.monotonic() + 1.0
            self.queue.release(p)
            if not failed and self.queue.has_work(p):  # arrived after our last read: don't strand it
                self.queue.ring(p)

    def _batch(self, p: int, entries: list[Entry]) -> bool:
        """One batch of a partition: count the attempts, load, step, save, send, settle — a round trip each
        for the whole batch, not for each event. True when every entry was finished with."""
        try:
            counts = self.queue.attempts(p, entries)
        except redis.RedisError as exc:
            log.warning("batch of partition %d not started: redis %s", p, type(exc).__name__)
            return False
        items = [Item(entry) for entry in entries]
        for item, n in zip(items, counts, strict=True):
            if n > MAX_ATTEMPTS:
                log.error("dead-lettered %s after %d attempts", describe(item.entry), MAX_ATTEMPTS)
                item.outcome, item.reason = PARK, "too many attempts"
        if not self._park(p, [item for item in items if item.outcome == PARK]):
            for item in items:
                item.outcome = FORGIVE if item.outcome is None else RETRY  # an over-limit one: parked next time
            return self._settle(p, items)
        groups: dict[str, list[Item]] = {}
        for item in items:
            if item.outcome is None:
                groups.setdefault(item.entry.user, []).append(item)
        try:
            self._prepare(list(groups.values()))
        except redis.RedisError as exc:  # nothing was sent: every turn is taken again later
            log.warning("batch of partition %d interrupted: redis %s", p, type(exc).__name__)
            for item in items:
                if item.outcome is None:
                    item.outcome = FORGIVE
        except Exception as exc:  # the edge: each event alone, where one that fails cannot take others with it
            log.error("batch of partition %d taken one by one: %s", p, type(exc).__name__,
                      exc_info=log.isEnabledFor(10))
            for item in items:
                if item.outcome is None:
                    item.slow, item.record = True, None
        pending = [group for group in ([i for i in g if i.outcome is None] for g in groups.values()) if group]
        if len(pending) == 1:
            self._run_user(p, pending[0])
        elif pending:
            self._run_users(p, pending)
        return self._settle(p, items)

    def _prepare(self, groups: list[list[Item]]) -> None:
        """Open every envelope, load every person's session and turn records in one round trip, take the
        turns in memory, save them in one round trip. A person whose turns need more than this (an unsend, a
        handoff ticket, an erasure, someone else writing first) is left to the one-by-one path (`item.slow`)."""
        fast: list[list[Item]] = []
        for group in groups:
            for n, item in enumerate(group):
                try:
                    item.env = Envelope.from_json(self.keyring.open(item.entry.payload))
                except Exception as exc:  # noqa: BLE001 - a poison event: retried, counted, parked in the end
                    log.error("failed %s: %s", describe(item.entry), type(exc).__name__)
                    item.outcome = RETRY
                    for later in group[n + 1:]:
                        later.outcome = FORGIVE  # held behind it: this person's order is kept
                    break
            opened = [item for item in group if item.env is not None]
            if any(item.env.kind == "unsend" for item in opened if item.env):
                for item in opened:
                    item.slow = True
            elif opened:
                fast.append(opened)
        if not fast:
            return
        users = [(group[0].entry.user, [cast(Envelope, i.env).event_id for i in group]) for group in fast]
        saves: list[tuple[list[Item], Save]] = []
        for group, loaded in zip(fast, self.sessions.load_batch(users), strict=True):
            save = self._step_group(group, loaded)
            if save is not None:
                saves.append((group, save))
        for (group, save), ok in zip(saves, self.sessions.save_batch([s for _, s in saves]), strict=True):
            if ok:
                self.counters.add("turns", len(save.turns))
                for item in group:
                    self.tally.count(item.noted)
            else:  # another worker got there first (a lease that lapsed): take these turns one by one
                for item in group:
                    item.slow, item.record = True, None

    def _step_group(self, group: list[Item], loaded: SessionLoad) -> Save | None:
        """One person's turns of the batch, in order, on their session in memory; what to save (None: nothing
        new, or this person goes the one-by-one way)."""
        user = group[0].entry.user
        try:
            session = self.sessions.open_session(loaded)
        except Exception as exc:  # noqa: BLE001 - a record that does not open: retried, counted, parked
            log.error("failed %s: %s", describe(group[0].entry), type(exc).__name__)
            group[0].outcome = RETRY
            for later in group[1:]:
                later.outcome = FORGIVE
            return None
        turns: list[tuple[str, Reply]] = []
        for item, record in zip(group, loaded.records, strict=True):
            env = cast(Envelope, item.env)
            if record is not None and not turns:  # taken by an earlier attempt, which may have sent some of it
                item.record = record
                continue
            if record is not None:  # a taken turn after one not taken: not how a stream fills; go carefully
                return self._all_slow(group)
            with log_context(user=user, event_id=env.event_id, request_id=env.request_id):
                watch = self.tally.watch(self.engine.step, env.incoming)
                reply = watch(session)
                item.noted = watch.noted
            if reply.ticket is not None or reply.erase:  # writes of the desk's, or an erasure: one by one
                return self._all_slow(group)
            item.record = TurnRecord(reply, 0)
            turns.append((env.event_id, reply))
        return Save(user, loaded.raw, session, turns) if turns else None

    @staticmethod
    def _all_slow(group: list[Item]) -> None:
        for item in group:
            item.slow, item.record = True, None
        return None

    def _run_users(self, p: int, groups: list[list[Item]]) -> None:
        """Users side by side; all of them finish (even when one raises) before the partition is let go,
        or whoever takes it next would read the same pending entries while we still work on them."""
        futures = [self._pool.submit(self._run_user, p, group) for group in groups]
        wait(futures)
        for future in futures:
            future.result()

    def _run_user(self, p: int, items: list[Item]) -> None:
        """One user's entries of a batch, in order; stop at the first that must be retried, or when stopping
        (the rest stay pending for whoever takes the partition next)."""
        for n, item in enumerate(items):
            with self._lock:
                lapsed = p not in self._held  # the lease lapsed: whoever holds it now goes on from here
            if self.stopping.is_set() or lapsed:
                item.outcome = FORGIVE
            else:
                with log_context(user=item.entry.user):
                    item.outcome, item.reason = self._attempt(item)
                if item.outcome == PARK and not self._park(p, [item]):
                    item.outcome = FORGIVE
            if item.outcome not in (DONE, PARK):
                for later in items[n + 1:]:
                    later.outcome = FORGIVE  # not tried: its attempt is taken back
                return

    def _attempt(self, item: Item) -> tuple[str, str]:
        """Send one turn (taking it first on the one-by-one path): DONE, PARK with a reason, or RETRY /
        FORGIVE to leave the entry pending (FORGIVE: the failure was not the event's own)."""
        entry, env = item.entry, cast(Envelope, item.env)
        try:
            with log_context(event_id=env.event_id, request_id=env.request_id):
                if item.slow or item.record is None:
                    self._turn(env, entry)
                else:
                    self._deliver(env, entry, item.record)
        except Undeliverable as exc:
            log.error("dead-lettered %s: %s", describe(entry), exc)
            return PARK, str(exc)
        except DeliveryFailed:  # LINE is struggling, likely not this event: retry without counting it, a while
            if age(entry) > DELIVERY_PATIENCE_S:
                log.error("dead-lettered %s: LINE kept failing for %d s", describe(entry), DELIVERY_PATIENCE_S)
                return PARK, "LINE kept failing"
            log.warning("delivery of %s deferred: LINE kept failing", describe(entry))
            return FORGIVE, ""
        except redis.RedisError as exc:  # Redis went away mid-turn: not the event's fault either
            log.warning("%s interrupted: redis %s", describe(entry), type(exc).__name__)
            return FORGIVE, ""
        except Exception as exc:  # the edge: log without message text, retry later
            log.error("failed %s: %s", describe(entry), type(exc).__name__, exc_info=log.isEnabledFor(10))
            return RETRY, ""
        return DONE, ""

    def _park(self, p: int, items: list[Item]) -> bool:
        """Copy to the dead letters at once (before the person's later events are answered); the entries are
        acknowledged with the batch."""
        if not items:
            return True
        try:
            self.queue.park(p, [(item.entry, item.reason) for item in items])
        except redis.RedisError as exc:
            log.warning("dead letters of partition %d not written: redis %s", p, type(exc).__name__)
            return False
        self.counters.add("deadletters", len(items))
        return True

    def _settle(self, p: int, items: list[Item]) -> bool:
        """One acknowledgement for the batch, and the attempts taken back."""
        try:
            self.queue.settle(p, [i.entry for i in items if i.outcome in (DONE, PARK)],
                              [i.entry for i in items if i.outcome == FORGIVE])
        except redis.RedisError as exc:  # the turns are recorded: a retry resends, LINE's keys stop doubles
            log.warning("batch of partition %d not acknowledged: redis %s", p, type(exc).__name__)
            return False
        return all(item.outcome in (DONE, PARK) for item in items)

    def _deliver(self, env: Envelope, entry: Entry, record: TurnRecord) -> None:
        """Send a turn the batch took (or an earlier attempt did: `resumed`)."""
        if record.resumed:
            env = replace(env, resumed=True)
        self._maybe_show_working(entry.user, env)
        if record.reply.ticket is not None:
            self.tickets.settle(entry.user, record.reply.ticket, self.clock())
        self._send(env, entry, record)
        log.info("handled an event (%s)", env.kind)

    def _send(self, env: Envelope, entry: Entry, record: TurnRecord) -> None:
        plan = record.reply.reminders  # written before the reply that confirms it goes out (a retry rewrites it)
        if record.reply.erase or (plan is not None and plan.cancel_all):
            self.reminders.cancel_all(entry.user)
        if plan is not None and plan.schedule:
            self.reminders.schedule(entry.user, env.chat_id, plan.schedule)
        if not record.reply.silent:  # the transport skips the parts already sent
            self.transport.send(env, record.reply, record.sent,
                                lambda n: self.sessions.mark_sent(entry.user, env.event_id, n))
        if record.reply.erase:
            self.tickets.forget_user(entry.user)
            self.sessions.erase(entry.user)

    def _maybe_show_working(self, user: str, env: Envelope) -> None:
        if env.kind in ("text", "postback") and self.clock() - env.timestamp / 1000 > WAITING_S:
            self._show_working(user, env)

    def _turn(self, env: Envelope, entry: Entry) -> None:
        """One by one: step the conversation once for this event (or find the turn already taken), then send."""
        if env.kind == "unsend" and env.text:
            self.tickets.forget_message(entry.user, env.text)
        self._maybe_show_working(entry.user, env)
        watch = self.tally.watch(self.engine.step, env.incoming)
        record = self.sessions.take_turn(entry.user, env.event_id, watch,
                                         also=lambda pipe, reply: self._note(pipe, entry.user, env, reply))
        if record.resumed:
            env = replace(env, resumed=True)
        else:
            self.counters.add("turns")
            self.tally.count(watch.noted)
        note = record.reply.ticket
        if note is not None:
            self.tickets.settle(entry.user, note, self.clock())
        self._send(env, entry, record)
        log.info("handled an event (%s)", env.kind)

    def _show_working(self, user: str, env: Envelope) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._loading_shown.get(user, -LOADING_EVERY_S) < LOADING_EVERY_S:
                return
            if len(self._loading_shown) > 10_000:
                self._loading_shown = {u: t for u, t in self._loading_shown.items() if now - t < LOADING_EVERY_S}
            self._loading_shown[user] = now
        self.transport.working(env)

    def _note(self, pipe: redis.client.Pipeline, user: str, env: Envelope, reply: Reply) -> None:
        if reply.ticket is not None:
            self.tickets.write_note(pipe, user, env.chat_id, reply.ticket)


def _yield_to_the_webhook() -> None:
    """Answering can wait a moment; acknowledging LINE cannot (2 seconds, or it redelivers). On a shared
    machine the web processes get the CPU first: this thread runs at a lower priority (Linux: per thread)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
