"""Stream workers: take each partition's events in order, run the turn, send, then acknowledge.

Threads inside `kakehashi serve`, or their own process with `kakehashi worker`. A heartbeat thread keeps
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
from dataclasses import replace

import redis

from bot.clock import Clock
from bot.desk.desk import Desk
from bot.desk.tickets import TicketStore
from bot.engine.engine import Engine
from bot.engine.replies import Reply
from bot.logs import log_context
from bot.store.counters import Counters
from bot.store.keyring import Keyring
from bot.store.sessions import SessionStore
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


class Worker:
    def __init__(self, r: redis.Redis, engine: Engine, transport: Transport, *, keyring: Keyring,
                 tickets: TicketStore, desk: Desk, counters: Counters, clock: Clock, partitions: int, threads: int,
                 session_ttl: int, lease_ms: int = LEASE_MS, name: str | None = None) -> None:
        """Every part comes from bot.wiring; the worker builds none of its own."""
        self.name = name or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.queue = PartitionQueue(r, partitions, self.name, lease_ms)
        self.beat = min(HEARTBEAT_S, lease_ms / 4000)  # renew well within the lease
        self.counters = counters
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
        self.counters.flush()

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
            while not failed and not self.stopping.is_set():
                entries = self.queue.read(p, count=100)
                if not entries:
                    break
                by_user: dict[str, list[Entry]] = {}
                for entry in entries:
                    by_user.setdefault(entry.user, []).append(entry)
                groups = list(by_user.values())
                done = [self._run_user(p, groups[0])] if len(groups) == 1 else self._run_users(p, groups)
                failed = not all(done)
        finally:
            with self._lock:
                self._held.discard(p)
                if failed:
                    self._resting[p] = time.monotonic() + 1.0
            self.queue.release(p)
            if not failed and self.queue.has_work(p):  # arrived after our last read: don't strand it
                self.queue.ring(p)

    def _run_users(self, p: int, groups: list[list[Entry]]) -> list[bool]:
        """Users side by side; all of them finish (even when one raises) before the partition is let go,
        or whoever takes it next would read the same pending entries while we still work on them."""
        futures = [self._pool.submit(self._run_user, p, group) for group in groups]
        wait(futures)
        return [future.result() for future in futures]

    def _run_user(self, p: int, entries: list[Entry]) -> bool:
        """One user's entries of a batch, in order; stop at the first that must be retried, or when stopping
        (the rest stay pending for whoever takes the partition next)."""
        for entry in entries:
            if self.stopping.is_set():
                return False
            with self._lock:
                if p not in self._held:  # the lease lapsed: whoever holds it now goes on from here
                    return False
            if not self._handle(p, entry):
                return False
        return True

    def _handle(self, p: int, entry: Entry) -> bool:
        """True when the entry is finished with (answered, or dead-lettered); False to retry it later."""
        with log_context(user=entry.user):
            return self._attempt(p, entry)

    def _attempt(self, p: int, entry: Entry) -> bool:
        if self.queue.attempt(p, entry) > MAX_ATTEMPTS:
            log.error("dead-lettered %s after %d attempts", describe(entry), MAX_ATTEMPTS)
            self._dead_letter(p, entry, "too many attempts")
            return True
        try:
            env = Envelope.from_json(self.keyring.open(entry.payload))
            with log_context(event_id=env.event_id, request_id=env.request_id):
                self._turn(env, entry)
        except Undeliverable as exc:
            log.error("dead-lettered %s: %s", describe(entry), exc)
            self._dead_letter(p, entry, str(exc))
            return True
        except DeliveryFailed:  # LINE is struggling, likely not this event: retry without counting it, a while
            if age(entry) > DELIVERY_PATIENCE_S:
                log.error("dead-lettered %s: LINE kept failing for %d s", describe(entry), DELIVERY_PATIENCE_S)
                self._dead_letter(p, entry, "LINE kept failing")
                return True
            log.warning("delivery of %s deferred: LINE kept failing", describe(entry))
            self.queue.forgive(p, entry)
            return False
        except redis.RedisError as exc:  # Redis went away mid-turn: not the event's fault either
            log.warning("%s interrupted: redis %s", describe(entry), type(exc).__name__)
            with contextlib.suppress(redis.RedisError):
                self.queue.forgive(p, entry)
            return False
        except Exception as exc:  # the edge: log without message text, retry later
            log.error("failed %s: %s", describe(entry), type(exc).__name__, exc_info=log.isEnabledFor(10))
            return False
        self.queue.done(p, entry)
        return True

    def _turn(self, env: Envelope, entry: Entry) -> None:
        """Step the conversation once for this event (or find the turn already taken), then send it."""
        if env.kind == "unsend" and env.text:
            self.tickets.forget_message(entry.user, env.text)
        if env.kind in ("text", "postback") and self.clock() - env.timestamp / 1000 > WAITING_S:
            self._show_working(entry.user, env)
        record = self.sessions.take_turn(entry.user, env.event_id, lambda s: self.engine.step(s, env.incoming),
                                         also=lambda pipe, reply: self._note(pipe, entry.user, env, reply))
        if record.resumed:
            env = replace(env, resumed=True)
        else:
            self.counters.add("turns")
        note = record.reply.ticket
        if note is not None:
            self.tickets.settle(entry.user, note, self.clock())
        if not record.reply.silent:  # the transport skips the parts already sent
            self.transport.send(env, record.reply, record.sent,
                                lambda n: self.sessions.mark_sent(entry.user, env.event_id, n))
        if record.reply.erase:
            self.tickets.forget_user(entry.user)
            self.sessions.erase(entry.user)
        log.info("handled an event (%s)", env.kind)

    def _dead_letter(self, p: int, entry: Entry, reason: str) -> None:
        self.queue.dead_letter(p, entry, reason)
        self.counters.add("deadletters")

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
