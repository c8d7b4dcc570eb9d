"""Handoff in the engine alone (no Redis, no LINE): honest hours, the summary, and what passes through."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.settings import Settings
from bot.wiring import build_engine

ENGINE = build_engine(Settings())
TZ = ZoneInfo("Asia/Tokyo")


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=TZ).timestamp()


@pytest.mark.parametrize(
    ("when", "says", "starts"),
    [
        ("2026-11-24 10:00", "いま受付中（17:00まで）", "2026-11-24 10:00"),  # Tuesday, on duty
        ("2026-11-24 16:59", "いま受付中（17:00まで）", "2026-11-24 16:59"),
        ("2026-11-24 17:00", "受付は水曜 9:00から", "2026-11-25 09:00"),
        ("2026-11-28 10:00", "受付は月曜 9:00から", "2026-11-30 09:00"),  # Saturday
        ("2026-11-23 10:00", "受付は火曜 9:00から", "2026-11-24 09:00"),  # a national holiday (Monday)
        ("2026-11-22 23:00", "受付は火曜 9:00から", "2026-11-24 09:00"),  # Sunday night, Monday a holiday
        ("2026-12-30 10:00", "受付は月曜 9:00から", "2027-01-04 09:00"),  # New Year closure
    ],
)
def test_a_person_is_told_honestly_when_a_counselor_will_read(when: str, says: str, starts: str) -> None:
    s = Session(fresh=False)
    reply = ENGINE.step(s, Incoming("text", "人と話したい", at=at(when)))
    text = reply.messages[0].text  # type: ignore[union-attr]
    note = reply.ticket
    assert note is not None and note.action == "open" and s.handoff == "queued" and s.ticket == note.ticket
    assert says in text
    assert note.expires == at(starts) + ENGINE.handoff_timeout
    assert "110" in text and "0120-279-889" in text


def test_the_summary_reads_like_the_conversation() -> None:
    s = Session(fresh=False)
    for said in ("弁護士費用が心配", "はい、相手は配偶者", "2", "東京23区", "25万"):
        ENGINE.step(s, Incoming("text", said))
    note = ENGINE.step(s, Incoming("text", "相談員と話したい")).ticket
    assert note is not None and note.summary is not None
    answers = dict(note.summary["answers"])
    assert note.summary["topic"].startswith("弁護士費用")
    assert "東京23区" in answers.values() and "25万円" in answers.values()  # as the bot writes money
    assert any("何人" in q for q in answers)


def test_english_speakers_get_english_and_counselors_a_japanese_summary() -> None:
    s = Session(fresh=False, lang="en")
    reply = ENGINE.step(s, Incoming("text", "talk to a person", at=at("2026-11-28 10:00")))
    assert "opens Monday 9:00" in reply.messages[0].text  # type: ignore[union-attr]
    assert reply.ticket is not None and reply.ticket.summary is not None
    assert reply.ticket.summary["lang"] == "en" and reply.ticket.summary["topic"] == "メニュー"


def test_while_queued_only_safety_and_the_ways_out_are_the_bots() -> None:
    s = Session(fresh=False)
    on_duty = at("2026-11-24 10:00")  # within the counselors' hours: nothing to acknowledge
    ENGINE.step(s, Incoming("text", "人と話したい", at=on_duty))
    for said in ("メニュー", "戻る", "English", "子どもに会えない", "1"):
        reply = ENGINE.step(s, Incoming("text", said, at=on_duty))
        assert reply.silent and reply.ticket is not None and reply.ticket.lines == (("user", said),)
    assert s.lang == "ja" and s.flow == "menu"
    quiet = ENGINE.step(s, Incoming("text", "通知オフ", at=on_duty))
    assert s.quiet and not quiet.silent and quiet.ticket is None
    assert [c.label for c in quiet.choices] == []  # no menu offered while a person has the chat
    again = ENGINE.step(s, Incoming("text", "人と話したい", at=on_duty))
    assert again.silent  # relayed: asking again is part of the conversation with the counselor


def test_desk_events_for_another_ticket_are_dropped() -> None:
    s = Session(fresh=False)
    ENGINE.step(s, Incoming("text", "人と話したい"))
    stale = ENGINE.step(s, Incoming("counselor", "hello", {"ticket": "someone-else"}))
    assert stale.silent and s.handoff == "queued"
    ended = ENGINE.step(s, Incoming("handoff_end", "", {"ticket": "someone-else", "why": "closed"}))
    assert ended.silent and s.handoff == "queued"


def test_emergency_numbers_shown_mid_handoff_are_noted_for_the_counselor() -> None:
    s = Session(fresh=False)
    ENGINE.step(s, Incoming("text", "人と話したい"))
    reply = ENGINE.step(s, Incoming("postback", "cmd:emergency"))
    assert "110" in "\n".join(getattr(m, "title", "") + str(getattr(m, "sections", "")) + getattr(m, "text", "")
                              for m in reply.messages)
    assert reply.ticket is not None and reply.ticket.ticket == s.ticket
    assert reply.ticket.lines == (("bot", "（相談者がメニューから「緊急」を開き、ボットが緊急連絡先を案内しました）"),)
    assert ENGINE.step(s, Incoming("postback", "cmd:quiet_on")).ticket is None  # other ways out: nothing to note


def test_outside_hours_the_first_message_of_a_wait_is_acknowledged_once() -> None:
    s = Session(fresh=False)
    night = at("2026-11-28 03:00")  # Saturday night: counselors from Monday 9:00
    ENGINE.step(s, Incoming("text", "人と話したい", at=night))
    first = ENGINE.step(s, Incoming("text", "夫のことで相談したいです", at=night))
    assert not first.silent and first.ticket is not None
    assert first.ticket.lines == (("user", "夫のことで相談したいです"),)  # still in the transcript
    text = first.messages[0].text  # type: ignore[union-attr]
    assert text.startswith("受け取りました") and "月曜 9:00" in text and "110" in text
    second = ENGINE.step(s, Incoming("text", "よろしくお願いします", at=night))
    assert second.silent and second.ticket is not None  # then quiet, as before
    ENGINE.step(s, Incoming("text", "キャンセル", at=night))
    ENGINE.step(s, Incoming("text", "人と話したい", at=night))
    again = ENGINE.step(s, Incoming("text", "やっぱり相談したい", at=night))
    assert not again.silent  # a new waiting period is acknowledged once more
