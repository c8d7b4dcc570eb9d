"""Reports from real conversations: the webhook, the worker, the engine, the desk and Redis (a single server and a
3-master cluster), at pinned instants; then the month as `kakehashi report` prints it, small cells hidden."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import pytest
import redis

from bot.cli import main
from bot.desk.desk import Desk
from bot.engine.session import Session
from bot.reports.month import read_month
from bot.settings import Settings
from bot.store import keys
from bot.store.counters import flush_all
from bot.store.keyring import Keyring
from bot.wiring import build_worker
from tests import line_events as ev
from tests.conftest import DATA_KEY, SECRET
from tests.harness import Chat, until
from tests.instants import JST, SATURDAY_NIGHT, WEEKDAY_NOON

VISITATION_TO_CARD = ("別居中", "ない", "10歳くらいまで", "いいえ・わからない", "何も決まっていない")


def in_osaka(session: Session) -> str:
    """Which organization serves a place (organizations.yaml ships one, `kakehashi`); here, Osaka has its own."""
    return "osaka" if session.place == "27" else "kakehashi"


@pytest.fixture
def worker(settings: Settings, r: redis.Redis, clock, engine) -> Iterator:  # noqa: ANN001
    running = build_worker(settings, r, engine, clock=clock, org_of=in_osaka).start()
    yield running
    running.stop()


def person(client, fake_line, n: int, r: redis.Redis, place: str = "") -> Chat:  # noqa: ANN001
    """A LINE user; with `place`, one whose session already knows where they live (as #18's question leaves it)."""
    chat = Chat(client, fake_line, SECRET, ev.user_id(n))
    if place:
        keyring = Keyring((base64.urlsafe_b64decode(DATA_KEY),))
        r.set(keys.session(keyring.user_key(chat.user)), keyring.seal(Session(place=place).to_json()))
    return chat


def totals(r: redis.Redis, org: str, month: str = "2026-11") -> tuple[Counter[str], Counter[str]]:
    """What was counted: by `metric:detail` over the month, and by `metric:detail:place`."""
    by_detail: Counter[str] = Counter()
    by_place: Counter[str] = Counter()
    for counts in read_month(r, org, month).values():
        for name, n in counts.items():
            by_place[name] += n
            by_detail[name.rsplit(":", 1)[0]] += n
    return by_detail, by_place


def pushed(chat: Chat, words: str) -> None:
    chat.fake.wait_for(lambda f: any(words in m.get("text", "") for m in f.messages_to(chat.user)))


@pytest.mark.cluster
def test_a_month_of_conversations_is_counted_per_organization_and_shown_with_small_cells_hidden(
        client, fake_line, worker, desk: Desk, r: redis.Redis, clock, monkeypatch, capsys, backend) -> None:  # noqa: ANN001
    assert datetime.fromtimestamp(clock(), JST).date() == WEEKDAY_NOON.date()  # a Wednesday
    people = [person(client, fake_line, n, r, place="13") for n in range(1, 7)]  # six in 東京都
    for chat in people:
        chat.send(ev.follow(chat.user))
    for chat in people[:4]:  # four walk the visitation flow to its card on a Wednesday at noon
        chat.say("子どもに会えない")
        for answer in VISITATION_TO_CARD:
            chat.say(answer)
    people[5].send(ev.unfollow(people[5].user), expect=0)

    alarmed = people[0].say("夫に殴られた")  # danger, after the card
    assert "110" in alarmed.text

    people[1].say("人と話したい")  # a handoff, answered after 6 minutes 40 seconds and closed: 法テラス
    ticket = until(lambda: desk.tickets.waiting())[0]  # type: ignore[index]
    clock.advance(400)
    desk.reply(ticket.id, "sato", "担当の佐藤です。")
    pushed(people[1], "担当の佐藤です。")
    assert desk.close(ticket.id, "houterasu")
    until(lambda: not desk.tickets.held() and not desk.tickets.waiting())

    people[2].say("人と話したい")  # a handoff the person cancels
    people[2].say("キャンセル")

    clock.set(SATURDAY_NIGHT)  # the fifth writes first on a Saturday night
    people[4].say("子どもに会えない")
    osaka = person(client, fake_line, 7, r, place="27")  # someone in 大阪府: another organization's
    osaka.send(ev.follow(osaka.user))
    osaka.say("子どもに会えない")
    flush_all()

    counted, by_place = totals(r, "kakehashi")
    assert counted["friends:added"] == 6 and counted["friends:blocked"] == 1
    assert counted["started:visitation"] == 5 and counted["finished:visitation"] == 4
    assert counted["language:ja"] == 5 and counted["danger:violence"] == 1
    assert by_place["first:12:13"] == 4 and by_place["first:23:13"] == 1  # Wednesday noon; Saturday 23:30
    assert counted["handoff:requested"] == 2 and counted["handoff:answered"] == 1
    assert counted["handoff:withdrawn"] == 1 and counted["handoff:timed_out"] == 0
    assert counted["wait:600"] == 1  # 400 s: in the "up to 10 minutes" bucket
    assert counted["outcome:houterasu"] == 1
    assert counted["referral:general"] == 4  # no danger, no DV, no means test before the cards
    assert set(by_place) == {name for name in by_place if name.endswith(":13")}  # all of them in 東京都
    osaka_counted, _ = totals(r, "osaka")
    assert osaka_counted == {"friends:added": 1, "first:23": 1, "language:ja": 1, "started:visitation": 1}
    days = read_month(r, "kakehashi", "2026-11")
    assert {d.isoformat() for d, c in days.items() if c} == {"2026-11-25", "2026-11-28"}

    # `kakehashi report`, as an organization hands it in: the same numbers, under 5 shown as "<5".
    monkeypatch.setenv("REDIS_URL", backend.url)
    monkeypatch.setenv("KAKEHASHI_DATA_KEY", DATA_KEY)
    monkeypatch.setenv("KAKEHASHI_REDIS_CLUSTER", "1" if backend.cluster else "0")
    assert main(["report", "--org", "kakehashi", "--month", "2026-11", "--format", "json", "--lang", "en"]) == 0
    shown = json.loads(capsys.readouterr().out)
    summary = {row["id"]: row["cells"][0] for row in shown["tables"][0]["rows"]}
    assert summary == {"friends_added": "6", "friends_blocked": "<5", "first": "5", "started": "5",
                       "finished": "<5", "danger": "<5", "handoff_requested": "<5", "handoff_answered": "<5",
                       "handoff_timed_out": "0", "handoff_withdrawn": "<5"}
    hours = next(t for t in shown["tables"] if t["id"] == "hours")
    wednesday, saturday = hours["rows"][2]["cells"], hours["rows"][5]["cells"]
    assert wednesday[12] == "<5" and saturday[23] == "<5" and hours["grand_total"] == "5"
    assert shown["reply_wait"] == {"median": None, "p90": None, "unit": "bucket upper bound, seconds"}
    assert "佐藤" not in json.dumps(shown) and "殴" not in json.dumps(shown)  # counts only

    assert main(["report", "--org", "kakehashi", "--month", "2026-11", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    value = {(row["table"], row["row"], row["column"]): row["value"] for row in rows}
    assert value["topics", "visitation", "started"] == "5" and value["topics", "visitation", "finished"] == "<5"
    assert value["places", "13", "first"] == "5" and value["language", "ja", "count"] == "5"
    assert value["days", "2026-11-25", "added"] == "6" and value["days", "2026-11-28", "first"] == "<5"
    assert value["days", "2026-11-25", "first"] == "<5" and value["days", "total", "first"] == "5"  # 4 + 1
    assert all(v in ("<5", "x") or int(v) == 0 or int(v) >= 5 for v in value.values() if v)

    assert main(["report", "--org", "kakehashi", "--month", "2026-11"]) == 0
    table = capsys.readouterr().out
    assert "■ 相談の話題" in table and "子どもに会えない（親子交流）" in table and "<5" in table
    assert main(["report", "--org", "kakehashi", "--month", "2026-13"]) == 2
    assert main(["report", "--org", "{x}", "--month", "2026-11"]) == 2


def test_a_ticket_nobody_took_in_time_counts_as_timed_out(client, fake_line, worker, desk: Desk, r: redis.Redis,
                                                          clock) -> None:  # noqa: ANN001
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=JST))  # a Tuesday morning: counselors on duty
    chat = person(client, fake_line, 1, r)
    chat.say("人と話したい")
    until(lambda: desk.tickets.waiting())
    clock.advance(31 * 60)
    assert worker.desk.expire_due() == 1
    pushed(chat, "お返事できませんでした")
    flush_all()
    counted, by_place = totals(r, "kakehashi")
    assert counted["handoff:requested"] == 1 and counted["handoff:timed_out"] == 1
    assert counted["handoff:answered"] == 0 and by_place["first:10:unknown"] == 1  # where they live: not said


def test_the_worker_counts_each_person_under_the_organization_serving_where_they_live(
        settings: Settings, r: redis.Redis, engine, tmp_path) -> None:  # noqa: ANN001
    from tests.organizations import multi_org_flows

    worker = build_worker(settings.with_(flows_dir=multi_org_flows(tmp_path)), r, engine)
    org_of = worker.tally.org_of
    assert org_of(Session(place="27")) == "osaka"
    assert org_of(Session(place="13", city="八王子市")) == "hachioji"
    assert org_of(Session(place="13", city="新宿区")) == "tokyo"
    assert org_of(Session(place="-")) == org_of(Session()) == "kakehashi"
