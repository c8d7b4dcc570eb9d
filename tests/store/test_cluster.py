"""The key layout a Redis Cluster needs, checked on a real 3-master one (tests marked `cluster` elsewhere run the
product's paths there): partitions spread over the masters, every key tagged, one person's keys in one slot."""

from __future__ import annotations

import itertools
import re

import pytest
from redis.crc import key_slot

from bot.settings import Settings
from bot.store import keys
from bot.store.keyring import resolve_keyring
from bot.store.sessions import SessionStore
from bot.stream.partitions import LEASE_MS, PartitionQueue
from tests.conversations.test_handoff import the_ticket

ON_CLUSTER = pytest.mark.parametrize("backend", ["cluster"], indirect=True)
TAGGED = re.compile(r"kh:\{[^{}]+\}:.+")


@ON_CLUSTER
def test_the_default_partitions_reach_every_master(r) -> None:  # noqa: ANN001
    partitions = Settings().partitions
    masters = {node.name for node in r.get_primaries()}
    assert len(masters) == 3
    assert {r.get_node_from_key(keys.stream(p)).name for p in range(partitions)} == masters
    for p in range(partitions):  # what a partition's scripts and pipelines touch together shares its slot
        assert len({r.keyslot(k) for k in (keys.stream(p), keys.seen(p, "e"), keys.lease(p), keys.attempts(p))}) == 1


@ON_CLUSTER
def test_every_key_is_tagged_and_a_persons_keys_share_one_slot(chat, desk, counselor, r) -> None:  # noqa: ANN001
    chat.say("子どもに会えない")
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    desk.reply(ticket.id, "aoi", "こんにちは")
    chat.fake.wait_for(lambda f: "相談員：こんにちは" in f.messages_to(chat.user)[-1]["text"])
    stored = list(r.scan_iter("*"))  # every key of every master
    assert [k for k in stored if not TAGGED.fullmatch(k)] == []
    theirs = [k for k in stored if k.startswith(f"kh:{{{ticket.user}}}:")]
    assert len(theirs) >= 5  # session, turn records, ticket, transcript, their tickets
    assert {r.keyslot(k) for k in theirs} == {r.keyslot(keys.session(ticket.user))}
    assert {k.split("}")[0] for k in stored} >= {"kh:{handoff", "kh:{console", "kh:{p0", "kh:{workers"}


@ON_CLUSTER
def test_leases_on_every_master_are_renewed_and_released_in_one_pipeline(r) -> None:  # noqa: ANN001
    queue = PartitionQueue(r, 16, "me")
    held = list(range(16))
    assert all(queue.acquire(p) for p in held)
    r.pexpire(keys.lease(3), 100)
    r.set(keys.lease(5), "someone-else")
    assert queue.renew(held) == [5]
    assert r.pttl(keys.lease(3)) > LEASE_MS - 5000
    queue.release(5)
    queue.release(3)
    assert r.get(keys.lease(5)) == "someone-else" and not r.exists(keys.lease(3))


@pytest.mark.cluster
def test_erasing_a_person_spares_a_neighbour_in_the_same_slot(r, settings) -> None:  # noqa: ANN001
    store = SessionStore(r, 60, resolve_keyring(settings))
    person = "0" * 32
    neighbour = next(u for u in (f"{n:032x}" for n in itertools.count(1))
                     if key_slot(u.encode()) == key_slot(person.encode()))
    for user in (person, neighbour):
        r.set(keys.session(user), "sealed")
        r.hset(keys.turn(user, "event"), "sent", 0)
    assert store.erase(person) == 2
    assert not r.exists(keys.session(person)) and not r.exists(keys.turn(person, "event"))
    assert r.exists(keys.session(neighbour)) and r.exists(keys.turn(neighbour, "event"))
