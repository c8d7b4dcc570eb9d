"""One queue per organization: a ticket is listed in its organization's index only, under that organization's
own hash tag, and a transfer moves it to another's in its place in time (on a server and on a Cluster)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from redis.crc import key_slot

from bot.clock import PinnedClock
from bot.desk.desk import Desk
from bot.engine.replies import QUEUED, WITH_COUNSELOR
from bot.engine.session import Session
from bot.settings import Settings
from bot.store import keys
from bot.store.keyring import resolve_keyring
from bot.wiring import build_engine
from tests import line_events as ev
from tests.console import desk_of, open_ticket
from tests.conversations.test_handoff import until
from tests.instants import WEEKDAY_NOON
from tests.organizations import multi_org_flows

ORGS = ("kakehashi", "tokyo", "hachioji", "osaka")


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_(flows_dir=multi_org_flows(tmp_path))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return build_engine(Settings(flows_dir=multi_org_flows(tmp_path_factory.mktemp("orgs"))))


def queues(desk: Desk) -> dict[str, list[str]]:
    return {org: [t.id for t in desk.tickets.waiting(org)] for org in ORGS}


@pytest.mark.cluster
def test_a_ticket_from_a_served_municipality_lands_in_that_organizations_queue_and_no_other(
        chat, desk, r, settings) -> None:  # noqa: ANN001
    keyring = resolve_keyring(settings)
    user = keyring.user_key(ev.user_id(1))
    lives = Session(fresh=False, place="13", city="八王子市")  # as the place questions leave it
    r.set(keys.session(user), keyring.seal(lives.to_json()), ex=settings.session_ttl)
    chat.say("人と話したい")
    assert "17:15まで" in chat.fake.messages_to(chat.user)[-1]["text"]  # 八王子市's hours, not the default's 17:00
    found = until(lambda: queues(desk)["hachioji"])
    assert queues(desk) == {"kakehashi": [], "tokyo": [], "hachioji": found, "osaka": []}
    ticket = desk.tickets.get(found[0])
    assert ticket is not None and ticket.org == "hachioji" and ticket.user == user
    index = [keys.handoff_index("hachioji", name) for name in keys.INDEXES]
    assert len({key_slot(k.encode()) for k in index}) == 1  # one organization's index: one slot, one transaction
    assert key_slot(keys.handoff_index("tokyo", "waiting").encode()) != key_slot(index[0].encode())
    assert not any(r.exists(keys.handoff_index(org, "waiting")) for org in ORGS if org != "hachioji")
    # the record stays under the person's tag
    assert key_slot(keys.ticket(user, ticket.id).encode()) == key_slot(keys.session(user).encode())
    assert desk.transfer(ticket.id, "tokyo", "市外に転居", "aoi")  # the person is told, through their stream
    chat.fake.wait_for(lambda f: "東京都相談窓口に引き継ぎました" in f.messages_to(chat.user)[-1]["text"])
    assert queues(desk) == {"kakehashi": [], "tokyo": found, "hachioji": [], "osaka": []}


@pytest.mark.cluster
def test_a_transfer_keeps_the_tickets_place_in_time(app, clock: PinnedClock) -> None:  # noqa: ANN001
    desk = desk_of(app)
    oldest = open_ticket(app, 1, age=600, org="tokyo")
    osaka = open_ticket(app, 2, age=300, org="osaka")
    newest = open_ticket(app, 3, age=60, org="tokyo")
    assert queues(desk)["tokyo"] == [oldest.id, newest.id] and queues(desk)["osaka"] == [osaka.id]
    assert desk.transfer(oldest.id, "osaka", "  大阪に転居されたそうです  ", "aoi")
    assert queues(desk)["tokyo"] == [newest.id] and queues(desk)["osaka"] == [oldest.id, osaka.id]
    moved = desk.tickets.get(oldest.id)
    assert moved is not None and moved.org == "osaka" and moved.created == oldest.created
    assert moved.expires == pytest.approx(clock() + desk.handoff_timeout, abs=5)  # Osaka: open on a weekday noon
    note = desk.tickets.transcript(moved)[-1]
    assert (note.who, note.by) == ("note", "aoi")
    assert note.text == "東京都相談窓口 → 大阪府相談窓口: 大阪に転居されたそうです"
    assert not desk.transfer(oldest.id, "osaka", "", "aoi")  # that organization's already
    assert not desk.transfer(oldest.id, "nowhere", "", "aoi")


@pytest.mark.cluster
def test_a_held_ticket_waits_again_in_the_other_queue_and_a_closed_one_stays(app, clock: PinnedClock) -> None:  # noqa: ANN001
    desk = desk_of(app)
    held = open_ticket(app, 1, org="tokyo")
    desk.reply(held.id, "aoi", "こんにちは")
    assert desk.tickets.held("tokyo")[0].status == WITH_COUNSELOR
    clock.set(WEEKDAY_NOON + timedelta(hours=5))  # Wednesday 17:00: the default organization has closed
    assert desk.transfer(held.id, "kakehashi", "", "aoi")
    moved = desk.tickets.get(held.id)
    assert moved is not None and (moved.status, moved.counselor, moved.org) == (QUEUED, "", "kakehashi")
    assert desk.tickets.held("tokyo") == [] and [t.id for t in desk.tickets.waiting()] == [held.id]
    thursday = (WEEKDAY_NOON + timedelta(hours=21)).timestamp()  # its next opening, Thursday 9:00
    assert moved.expires == thursday + desk.handoff_timeout
    assert desk.close(held.id, "resolved")
    assert not desk.transfer(held.id, "osaka", "", "aoi")
    assert [t.id for t in desk.tickets.recently_closed(org="kakehashi")] == [held.id]


@pytest.mark.cluster
def test_the_index_agrees_with_the_record_again_after_a_crash_and_erasure(app, r) -> None:  # noqa: ANN001
    desk = desk_of(app)
    ticket = open_ticket(app, 1, org="osaka")
    r.zadd(keys.handoff_index("tokyo", "waiting"), {ticket.id: 1})  # a transfer that crashed half-way
    desk.tickets.publish(ticket.user, ticket.id)
    assert queues(desk)["tokyo"] == [] and queues(desk)["osaka"] == [ticket.id]
    desk.tickets.forget_user(ticket.user)
    assert queues(desk)["osaka"] == [] and desk.tickets.owner(ticket.id) == ""


@pytest.mark.cluster
def test_tickets_from_before_organizations_join_the_default_queue(app, r) -> None:  # noqa: ANN001
    desk = desk_of(app)
    ticket = open_ticket(app, 1)
    desk.tickets.forget_user(ticket.user)  # as an old deployment left it: no org, listed in the one old queue
    r.hset(keys.HANDOFF_OWNERS, ticket.id, ticket.user)
    r.hdel(keys.ticket(ticket.user, ticket.id), "org")
    r.zadd(keys.LEGACY_HANDOFF[0], {ticket.id: ticket.created})
    assert desk.tickets.adopt_legacy() == 1 and desk.tickets.adopt_legacy() == 0
    assert [t.id for t in desk.tickets.waiting()] == [ticket.id] and not r.exists(keys.LEGACY_HANDOFF[0])
    adopted = desk.tickets.get(ticket.id)
    assert adopted is not None and adopted.org == "kakehashi"
    assert desk.tickets.figures()[0] == 1
