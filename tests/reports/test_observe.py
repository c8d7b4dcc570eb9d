"""What a turn counts, read from the session before and after it: the engine's real turns, no Redis."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import redis

from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.reports.observe import Before, Fact, facts
from bot.reports.tally import Tally
from bot.store.counters import Counters
from tests.instants import WEEKDAY_NOON

AT = WEEKDAY_NOON.timestamp()


def turn(engine, s: Session, text: str, kind: str = "text", **params: str) -> tuple[Fact, ...]:  # noqa: ANN001
    before = Before.of(s)
    reply = engine.step(s, Incoming(kind, text, dict(params), AT))  # type: ignore[arg-type]
    return facts(before, s, Incoming(kind, text, dict(params), AT), reply, engine.flows,  # type: ignore[arg-type]
                 engine.safety.detect)


def test_a_first_message_starts_a_topic_and_its_last_answer_finishes_it(engine) -> None:  # noqa: ANN001
    s = Session()
    assert turn(engine, s, "子どもに会えない") == (Fact("first", "hour"), Fact("language", "ja"),
                                                Fact("started", "visitation"))
    for answer in ("別居中", "ない", "10歳くらいまで", "いいえ・わからない"):
        assert turn(engine, s, answer) == ()
    assert turn(engine, s, "何も決まっていない") == (Fact("finished", "visitation"), Fact("referral", "general"))
    assert turn(engine, s, "cmd:again", "postback") == ()  # the same card again is not a second finish


def test_back_is_not_a_start_and_choosing_the_same_topic_again_is(engine) -> None:  # noqa: ANN001
    s = Session()
    turn(engine, s, "子どもに会えない")
    turn(engine, s, "別居中")
    assert turn(engine, s, "戻る") == ()
    assert turn(engine, s, "最初から") == ()  # back at the menu
    assert turn(engine, s, "子どもに会えない") == (Fact("started", "visitation"),)


def test_a_long_history_that_lost_its_oldest_entries_still_shows_what_was_added(engine) -> None:  # noqa: ANN001
    s = Session()
    turn(engine, s, "子どもに会えない")
    s.history = [["visitation", "stage"]] * 29 + s.history[-1:]  # 30 kept, as after a long conversation
    assert turn(engine, s, "別居中") == ()
    assert len(s.history) == 30


def test_danger_is_counted_per_category_each_time_it_is_shown(engine) -> None:  # noqa: ANN001
    s = Session()
    turn(engine, s, "子どもに会えない")
    assert Fact("danger", "violence") in turn(engine, s, "夫に殴られた")
    assert Fact("danger", "violence") in turn(engine, s, "また殴られた")  # the second alarm counts again


def test_a_handoff_is_requested_withdrawn_and_the_desk_s_events_carry_the_rest(engine) -> None:  # noqa: ANN001
    s = Session()
    turn(engine, s, "こんにちは")
    assert turn(engine, s, "人と話したい") == (Fact("handoff", "requested"),)
    ticket = s.ticket
    assert turn(engine, s, "担当です", "counselor", ticket=ticket, waited="420") == (
        Fact("handoff", "answered", ticket=True), Fact("wait", "600", ticket=True))
    assert turn(engine, s, "", "handoff_end", ticket=ticket, why="closed", outcome="police") == (
        Fact("outcome", "police", ticket=True),)
    turn(engine, s, "人と話したい")
    assert turn(engine, s, "キャンセル") == (Fact("handoff", "withdrawn"),)
    timed_out = turn(engine, s, "", "handoff_end", ticket="old", why="timeout")
    assert timed_out == (Fact("handoff", "timed_out", ticket=True),)


def test_friends_added_and_blocked(engine) -> None:  # noqa: ANN001
    assert turn(engine, Session(), "", "follow") == (Fact("friends", "added"),)
    assert turn(engine, Session(), "", "unfollow") == (Fact("friends", "blocked"),)


def test_the_tally_counts_a_ticket_s_facts_under_the_ticket_s_organization(engine, r: redis.Redis) -> None:  # noqa: ANN001
    counters = Counters(r)
    tally = Tally(counters, ZoneInfo("Asia/Tokyo"), engine.flows, engine.safety.detect,
                  org_of=lambda s: "kyoto" if s.place == "26" else "default")
    s = Session(place="26")
    engine.step(s, Incoming("text", "人と話したい", {}, AT))
    late = datetime(2026, 11, 30, 23, 59, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()
    claimed = {"ticket": s.ticket, "waited": "30", "ticket_org": "osaka"}
    watch = tally.watch(engine.step, Incoming("counselor", "はい", claimed, late))
    watch(s)
    tally.count(watch.noted)
    hello = tally.watch(engine.step, Incoming("text", "こんにちは", {}, late))
    hello(s)
    tally.count(hello.noted)
    counters.flush()
    assert r.hgetall("kh:{report:osaka}:day:2026-11-30") == {"handoff:answered:26": "1", "wait:60:26": "1"}
    assert r.hgetall("kh:{report:kyoto}:day:2026-11-30") == {}  # not fresh: not a first message; nothing else
    assert 0 < r.ttl("kh:{report:osaka}:day:2026-11-30") <= 400 * 86400


def test_where_a_card_points_first_follows_what_the_conversation_showed() -> None:
    from bot.reports.observe import referral_of

    def card(flow: str = "visitation", **answers: object) -> str:
        return referral_of(Session(flow=flow, state="result", answers=dict(answers)))

    assert card() == "general"
    assert card(danger=["suicide"], dv_risk=True) == "emergency"  # danger before DV
    assert card(dv_risk=True) == "dv_centre" and card("protection_order") == "dv_centre"
    assert card("legal_aid", means={"outcome": "likely_eligible"}) == "houterasu"
    assert card("legal_aid", means={"outcome": "unlikely"}) == "lawyer"
