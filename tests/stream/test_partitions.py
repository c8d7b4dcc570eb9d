"""Reading a partition keeps arrival order, also when a worker holds more pending entries than one batch."""

from __future__ import annotations

from bot.store import keys
from bot.stream.partitions import GROUP, PartitionQueue


def test_pending_entries_beyond_one_batch_come_before_new_ones(r) -> None:  # noqa: ANN001
    """Its own leftovers and a dead worker's reclaimed entries: 120 pending, read as 100 then 20, then new."""
    p = 0
    me = PartitionQueue(r, 4, "me")
    me.ensure_groups()
    ids = [r.xadd(keys.stream(p), {"u": f"user{n % 7}", "e": "x"}) for n in range(130)]
    r.xreadgroup(GROUP, "me", {keys.stream(p): ">"}, count=60)  # read before, not finished: pending for me
    r.xreadgroup(GROUP, "dead", {keys.stream(p): ">"}, count=60)  # a worker that died holding these
    me.reclaim(p)
    first, from_pending = me.read_from(p, count=100, pending=True)
    assert from_pending and [e.id for e in first] == ids[:100]
    for entry in first:  # the batch is settled
        me.done(p, entry)
    second, from_pending = me.read_from(p, count=100, pending=from_pending)  # more pending: read them first
    assert from_pending and [e.id for e in second] == ids[100:120]
    for entry in second:
        me.done(p, entry)
    third, from_pending = me.read_from(p, count=100, pending=from_pending)
    assert not from_pending and [e.id for e in third] == ids[120:]
