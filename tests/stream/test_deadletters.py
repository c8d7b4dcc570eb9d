"""`kakehashi deadletters list|replay|drop`: parked events shown without their text, sent round again once."""

from __future__ import annotations

import time

import pytest

from bot.cli import main
from bot.line.sender import retry_key
from bot.store import keys
from bot.store.keyring import resolve_keyring
from bot.stream.partitions import Entry, PartitionQueue
from tests import line_events as ev
from tests.conftest import DATA_KEY
from tests.harness import until

PUSH = "/v2/bot/message/push"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, backend, settings) -> None:  # noqa: ANN001
    monkeypatch.setenv("REDIS_URL", backend.url)
    monkeypatch.setenv("KAKEHASHI_REDIS_CLUSTER", "1" if backend.cluster else "0")
    monkeypatch.setenv("KAKEHASHI_DATA_KEY", DATA_KEY)
    monkeypatch.setenv("KAKEHASHI_PARTITIONS", str(settings.partitions))


@pytest.fixture
def parked(chat, fake_line, r, settings) -> dict[str, str]:  # noqa: ANN001
    """Two parked events: LINE refused one answer (403), the other cannot even be opened."""
    refused = ev.redelivered(ev.text(chat.user, "メニュー"))
    fake_line.fail_next(403, path=PUSH)
    chat.post(refused)
    until(lambda: r.xlen(keys.DEADLETTERS) == 1)
    user = resolve_keyring(settings).user_key(ev.user_id("poison"))
    p = keys.partition_of(user, settings.partitions)
    poison = Entry(str(r.xadd(keys.stream(p), {"u": user, "e": "not an envelope"})), user, "not an envelope")
    PartitionQueue(r, settings.partitions, "a worker").dead_letter(p, poison, "too many attempts")  # as if tried
    (refused_id, _), (poison_id, _) = r.xrange(keys.DEADLETTERS)
    return {"refused": refused_id, "poison": poison_id, "event": refused["webhookEventId"], "user": user}


@pytest.mark.errors_expected  # it provokes the errors it is about
@pytest.mark.cluster
def test_list_shows_ids_times_reasons_and_no_text(cli_env, parked, chat, settings, capsys) -> None:  # noqa: ANN001
    assert main(["deadletters", "list"]) == 0
    out = capsys.readouterr()
    rows = [line.split("\t") for line in out.out.splitlines()]
    assert [row[0] for row in rows] == [parked["refused"], parked["poison"]]
    assert [row[4] for row in rows] == ["status 403", "too many attempts"]
    assert rows[1][2] == f"partition {keys.partition_of(parked['user'], settings.partitions)}"
    assert rows[1][3] == f"user {parked['user'][:8]}"
    assert abs(time.mktime(time.strptime(rows[0][1], "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(time.gmtime())) < 60
    assert "2 of 2 parked" in out.err
    assert "メニュー" not in out.out and chat.user not in out.out and "not an envelope" not in out.out


@pytest.mark.errors_expected  # it provokes the errors it is about
@pytest.mark.cluster
def test_replay_delivers_once_with_the_same_retry_key(cli_env, parked, fake_line, r, capsys) -> None:  # noqa: ANN001
    assert main(["deadletters", "replay", parked["refused"]]) == 0
    fake_line.wait_for(lambda f: len(f.deliveries()) == 1)
    (delivery,) = fake_line.deliveries()
    assert delivery.kind == "push" and delivery.retry_key == retry_key(parked["event"], 0)
    pushes = [q for q in fake_line.requests if q.path == PUSH]
    assert [q.status for q in pushes] == [403, 200]
    assert len({q.headers["x-line-retry-key"] for q in pushes}) == 1
    assert [eid for eid, _ in r.xrange(keys.DEADLETTERS)] == [parked["poison"]]
    assert main(["deadletters", "replay", parked["refused"]]) == 1  # gone from the dead letters
    assert "no parked event" in capsys.readouterr().err
    time.sleep(0.3)
    assert len(fake_line.deliveries()) == 1


@pytest.mark.errors_expected  # it provokes the errors it is about
def test_replaying_a_poison_event_parks_it_again(cli_env, parked, r) -> None:  # noqa: ANN001
    assert main(["deadletters", "replay", "--all"]) == 0
    until(lambda: [f["reason"] for _, f in r.xrange(keys.DEADLETTERS)] == ["too many attempts"], timeout=15)


@pytest.mark.errors_expected  # it provokes the errors it is about
def test_drop_by_id_and_all(cli_env, parked, r, capsys) -> None:  # noqa: ANN001
    assert main(["deadletters", "drop"]) == 2  # nothing named: refuse rather than guess
    assert main(["deadletters", "drop", parked["poison"], "0-1"]) == 1  # one unknown id
    assert "no parked event 0-1" in capsys.readouterr().err
    assert [eid for eid, _ in r.xrange(keys.DEADLETTERS)] == [parked["refused"]]
    assert main(["deadletters", "drop", "--all"]) == 0
    assert r.xlen(keys.DEADLETTERS) == 0
