"""The reminders' engine side, pure: offered only for a deadline ahead, booked in three taps, one per deadline and
kind, due at the plan's hour in KAKEHASHI_TZ, never for a day already past; the due message names no topic."""

from __future__ import annotations

from datetime import datetime

from bot.engine.inputs import Incoming
from bot.engine.replies import Reply
from bot.engine.session import Session
from bot.settings import Settings
from bot.wiring import build_engine
from tests.instants import JST

ENGINE = build_engine(Settings())
AT = datetime(2026, 11, 25, 12, 0, tzinfo=JST).timestamp()


def walk(*said: str, at: float = AT) -> tuple[Session, Reply]:
    s = Session()
    reply = Reply()
    for text in said:
        kind = "postback" if text.startswith("cmd:") else "text"
        reply = ENGINE.step(s, Incoming(kind, text, {}, at))
    return s, reply


CARD = ("慰謝料", "浮気", "もう離婚した", "2025/6/1", "2025/7/1")


def test_booking_gives_one_reminder_per_deadline_at_ten_in_tokyo() -> None:
    _, reply = walk(*CARD, "cmd:remind", "cmd:remind_late", "cmd:remind_sound", "cmd:remind_no_check")
    assert reply.reminders is not None and not reply.reminders.cancel_all
    due = sorted((r.day, datetime.fromtimestamp(r.due, JST)) for r in reply.reminders.schedule)
    assert due == [("2028-06-01", datetime(2028, 5, 25, 10, 0, tzinfo=JST)),
                   ("2028-07-01", datetime(2028, 6, 24, 10, 0, tzinfo=JST))]
    assert {r.kind for r in reply.reminders.schedule} == {"before"}
    assert not any(r.quiet for r in reply.reminders.schedule)


def test_booking_again_gives_the_same_ids_so_it_replaces_rather_than_adds() -> None:
    _, first = walk(*CARD, "cmd:remind", "cmd:remind_early", "cmd:remind_silent", "cmd:remind_check")
    _, again = walk(*CARD, "cmd:remind", "cmd:remind_late", "cmd:remind_silent", "cmd:remind_check")
    assert first.reminders and again.reminders
    assert {r.id for r in first.reminders.schedule} == {r.id for r in again.reminders.schedule}
    assert len(first.reminders.schedule) == 4  # two deadlines, each with its one check


def test_no_offer_without_a_deadline_ahead_and_none_too_close() -> None:
    _, card = walk("慰謝料", "性格の不一致")
    assert "期限の前に知らせる" not in [c.label for c in card.choices]
    _, reply = walk("慰謝料", "性格の不一致", "期限の前に知らせる")
    assert "計算した期限がありません" in reply.messages[0].text and reply.reminders is None
    near = datetime(2028, 5, 28, 12, 0, tzinfo=JST).timestamp()  # 4 days before 2028年6月1日: 7 days is past
    _, reply = walk("慰謝料", "浮気", "離婚はしない", "2025/6/1", "cmd:remind", at=near)
    assert "期限が近いため" in reply.messages[0].text


def test_a_step_out_of_order_books_nothing() -> None:
    _, reply = walk(*CARD, "cmd:remind_check")
    assert "途中で終わっています" in reply.messages[0].text and reply.reminders is None


def test_stop_cancels_everything_even_mid_booking() -> None:
    s, reply = walk(*CARD, "cmd:remind", "リマインド停止")
    assert reply.reminders is not None and reply.reminders.cancel_all
    assert "_remind" not in s.answers


def test_the_due_message_is_discreet_in_the_language_it_was_booked_in() -> None:
    s = Session(lang="ja", quiet=True)
    params = {"kind": "before", "day": "2028-06-01", "days": "7", "lang": "en", "quiet": "0"}
    reply = ENGINE.step(s, Incoming("reminder", "", params, AT))
    text = reply.messages[0].text
    assert text.startswith("A note from Kakehashi.") and "1 June 2028" in text and "7 days" in text
    assert reply.quiet  # the person's 通知オフ holds for reminders too
    for word in ("consolation", "affair", "divorce", "claim"):
        assert word not in text.lower()


def test_a_date_of_their_own_typed_with_its_year_or_picked() -> None:
    s, reply = walk("期日を知らせて")
    picker = next(c for c in reply.choices if c.picker == "date")
    assert (picker.data, picker.earliest, picker.latest) == ("cmd:remind_on", "2026-11-26", "2029-12-31")
    _, again = walk("期日を知らせて", "1月15日")  # no year: this January or next? asked again
    assert "年から送ってください" in again.messages[0].text
    _, past = walk("期日を知らせて", "2026/11/1")
    assert "明日以降の日付" in past.messages[0].text
    _, offered = walk("期日を知らせて", "2027/1/15")
    assert "このスマホのLINEに届きます" in offered.messages[0].text
    _, booked = walk("期日を知らせて", "2027/1/15", "cmd:remind_late", "cmd:remind_silent", "cmd:remind_no_check")
    assert booked.reminders is not None
    [reminder] = booked.reminders.schedule
    assert reminder.day == "2027-01-15" and datetime.fromtimestamp(reminder.due, JST) == datetime(2027, 1, 8, 10,
                                                                                                 tzinfo=JST)
    assert "ご自分で入力した日付（2027年1月15日）" in booked.messages[0].text
    s = Session()
    ENGINE.step(s, Incoming("text", "期日を知らせて", {}, AT))
    picked = ENGINE.step(s, Incoming("postback", "cmd:remind_on", {"date": "2027-03-01"}, AT))
    assert "このスマホのLINEに届きます" in picked.messages[0].text and s.answers["_remind_date"] == "2027-03-01"


def test_a_command_instead_of_the_date_drops_the_question() -> None:
    s, reply = walk("期日を知らせて", "ヘルプ")
    assert "使い方" in reply.messages[0].text and "_remind_awaiting" not in s.answers


def test_a_card_without_a_deadline_offers_a_date_of_their_own() -> None:
    _, reply = walk("慰謝料", "性格の不一致", "期限の前に知らせる")
    assert "日付を知らせてもらう" in [c.label for c in reply.choices]
