"""The reminder scheduler on a pinned clock, on one server and on the 3-master cluster: a due reminder is queued
once into its person's stream, however many schedulers race for it, whether one died holding it, or queued it
and died before marking it done; a stopped reminder is never queued."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from redis.crc import key_slot

from bot.clock import PinnedClock
from bot.engine.reminders import as_params
from bot.engine.replies import Reminder
from bot.scheduler import ReminderScheduler, event_id
from bot.settings import Settings
from bot.store import keys
from bot.store.reminders import CLAIM_LEASE_S, ReminderStore
from bot.stream.envelope import Envelope
from bot.wiring import shared
from tests.instants import JST

DUE = datetime(2027, 1, 8, 10, 0, tzinfo=JST)


def reminder(n: int, due: datetime = DUE) -> Reminder:
    return Reminder(f"r{n:04d}", "before", due.timestamp(), "2027-02-07", 30, "ja", True)


def parts(settings: Settings, r, clock: PinnedClock) -> tuple[ReminderStore, ReminderScheduler]:  # noqa: ANN001
    common = shared(settings, r, clock)
    store = ReminderStore(r, common.keyring)
    return store, ReminderScheduler(store, common.inbox, clock)


def queued(r, settings: Settings) -> list[str]:  # noqa: ANN001
    """Every event in every partition's stream (sealed; counted, not opened)."""
    return [eid for p in range(settings.partitions) for eid, _ in r.xrange(keys.stream(p))]


def user(n: int) -> str:
    return f"{n:08x}" + "a" * 24


@pytest.mark.cluster
def test_due_is_queued_once_and_not_before(settings, r, clock) -> None:  # noqa: ANN001
    store, scheduler = parts(settings, r, clock)
    store.schedule(user(1), "U" + "1" * 32, [reminder(1)])
    clock.set(DUE.replace(hour=9, minute=59))
    assert scheduler.run_due() == 0
    clock.set(DUE)
    assert scheduler.run_due() == 1
    assert scheduler.run_due() == 0
    assert len(queued(r, settings)) == 1 and store.pending(user(1)) == 0
    assert r.zcard(keys.REMINDERS_DUE) == 0


@pytest.mark.cluster
def test_two_schedulers_racing_queue_each_reminder_once(settings, r, clock) -> None:  # noqa: ANN001
    store, first = parts(settings, r, clock)
    _, second = parts(settings, r, clock)
    for n in range(60):
        store.schedule(user(n), f"U{n:032d}", [reminder(n)])
    clock.set(DUE)
    counts: list[int] = []
    threads = [threading.Thread(target=lambda s=s: counts.append(sum(s.run_due() for _ in range(3))))
               for s in (first, second, first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 60
    assert len(queued(r, settings)) == 60


@pytest.mark.cluster
def test_a_scheduler_that_died_holding_a_claim_lets_another_queue_it_after_the_lease(settings, r, clock) -> None:  # noqa: ANN001
    store, scheduler = parts(settings, r, clock)
    store.schedule(user(2), "U" + "2" * 32, [reminder(2)])
    clock.set(DUE)
    assert len(store.claim(clock())) == 1  # claimed, then the process died
    assert scheduler.run_due() == 0  # another scheduler: not yet, the claim holds
    clock.advance(CLAIM_LEASE_S + 1)
    assert scheduler.run_due() == 1
    assert len(queued(r, settings)) == 1


@pytest.mark.cluster
def test_queued_then_died_before_done_is_not_queued_twice(settings, r, clock) -> None:  # noqa: ANN001
    store, scheduler = parts(settings, r, clock)
    store.schedule(user(3), "U" + "3" * 32, [reminder(3)])
    clock.set(DUE)
    [(who, rid, _)] = store.claim(clock())
    common = shared(settings, r, clock)
    record = store.record(who, rid)
    assert record is not None and record.pop("chat") == "U" + "3" * 32
    rem = Reminder(**record)
    common.inbox.enqueue(who, Envelope(event_id(who, rem), "U" + "3" * 32, "reminder", params=as_params(rem)))
    clock.advance(CLAIM_LEASE_S + 1)  # the restarted scheduler claims it again
    scheduler.run_due()
    assert len(queued(r, settings)) == 1  # the inbox knew the event id


@pytest.mark.cluster
def test_stopped_reminders_are_never_queued_and_a_rebooked_one_replaces_the_old(settings, r, clock) -> None:  # noqa: ANN001
    store, scheduler = parts(settings, r, clock)
    store.schedule(user(4), "U" + "4" * 32, [reminder(4), reminder(5)])
    store.cancel_all(user(4))
    store.schedule(user(6), "U" + "6" * 32, [reminder(6)])
    store.schedule(user(6), "U" + "6" * 32, [reminder(6, DUE.replace(day=20))])  # asked again: one reminder
    assert r.zcard(keys.REMINDERS_DUE) == 1
    clock.set(DUE)
    assert scheduler.run_due() == 0
    clock.set(DUE.replace(day=20))
    assert scheduler.run_due() == 1


def test_a_persons_reminders_sit_in_their_slot_and_the_schedule_in_its_own() -> None:
    assert key_slot(keys.reminders(user(7)).encode()) == key_slot(keys.session(user(7)).encode())
    assert keys.REMINDERS_DUE.startswith("kh:{reminders}:")
