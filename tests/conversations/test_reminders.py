"""Reminders, only when asked: a result card with a deadline ahead offers 「期限の前に知らせる」; the person hears
first that a message will reach this phone later, chooses when, sound and a check; the scheduler, stepped with the
pinned clock, pushes each once at its time, discreetly; リマインド停止, データ削除 and blocking the bot cancel them."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from bot.store import keys
from tests import line_events as ev
from tests.harness import until
from tests.instants import JST

FIRST_DUE = datetime(2028, 5, 2, 10, 0, tzinfo=JST)  # 30 days before 2028年6月1日 (3 years from learning)
SECOND_DUE = datetime(2028, 6, 1, 10, 0, tzinfo=JST)  # 30 days before 2028年7月1日 (3 years from the divorce)


def walk_to_card(chat):  # noqa: ANN001, ANN201
    chat.say("慰謝料")
    chat.tap("浮気・不倫")
    dates = iter(["2025/6/1", "2025/7/1", "2025/7/1"])  # learned of the affair, the divorce
    card = chat.tap("もう離婚した")
    while "日付を選ぶ" in card.labels:
        card = chat.say(next(dates))
    return card


def book(chat, when: str = "30日前に", sound: str = "音なしで", check: str = "確認もほしい"):  # noqa: ANN001, ANN201
    offer = chat.tap("期限の前に知らせる")
    assert "このスマホのLINEに届きます" in offer.text and "ほかの人に見られるかもしれません" in offer.text
    assert "相談の内容（悩みの種類や相手のこと）は書きません" in offer.text
    chat.tap(when)
    chat.tap(sound)
    return chat.tap(check)


def pushes(fake_line, chat):  # noqa: ANN001, ANN201
    return [d for d in fake_line.deliveries() if d.kind == "push" and d.to == chat.user]


def test_a_booked_reminder_arrives_once_at_its_time_silently_and_discreetly(chat, fake_line, worker, clock, r) -> None:  # noqa: ANN001, E501
    card = walk_to_card(chat)
    assert "期限の前に知らせる" in card.labels  # offered, never set unasked
    assert r.zcard(keys.REMINDERS_DUE) == 0
    booked = book(chat)
    assert "2028年6月1日" in booked.text and "2028年5月2日にお知らせ（30日前）" in booked.text
    assert "2028年7月1日" in booked.text and "2028年6月1日にお知らせ（30日前）" in booked.text
    assert "リマインド停止" in booked.text
    assert r.zcard(keys.REMINDERS_DUE) == 4  # two deadlines, each a reminder and its check

    clock.set(FIRST_DUE.replace(hour=9))
    worker.scheduler.run_due()
    assert pushes(fake_line, chat) == []  # not before its time
    clock.set(FIRST_DUE)
    worker.scheduler.run_due()
    until(lambda: pushes(fake_line, chat))
    worker.scheduler.run_due()  # run again (and the heartbeat's own runs): nothing more is due
    [push] = pushes(fake_line, chat)
    text = push.messages[0]["text"]
    assert text.split("\n")[0] == "かけはしからのお知らせです。"  # the preview names no topic
    assert "2028年6月1日" in text and "あと30日" in text
    for topic in ("慰謝料", "不倫", "浮気", "離婚", "時効", "請求"):
        assert topic not in text
    assert push.notification_disabled  # the person chose 音なしで
    user = next(iter(r.scan_iter("kh:{*}:reminders")), None)
    assert push.retry_key is not None and user is not None
    assert r.zcard(keys.REMINDERS_DUE) == 3

    clock.set(datetime(2028, 5, 3, 10, 0, tzinfo=JST))  # the day after: the one check they asked for
    worker.scheduler.run_due()
    until(lambda: len(pushes(fake_line, chat)) == 2)
    check = pushes(fake_line, chat)[1].messages[0]["text"]
    assert check.startswith("かけはしからの確認です。") and "届いていましたか" in check
    clock.set(SECOND_DUE)
    worker.scheduler.run_due()
    until(lambda: len(pushes(fake_line, chat)) == 3)
    assert len({d.retry_key for d in pushes(fake_line, chat)}) == 3


def test_stop_reminders_cancels_them_all(chat, fake_line, worker, clock, r) -> None:  # noqa: ANN001
    walk_to_card(chat)
    book(chat, when="7日前に", sound="音ありで", check="確認はいらない")
    assert r.zcard(keys.REMINDERS_DUE) == 2
    stopped = chat.say("リマインド停止")
    assert "すべて取り消しました" in stopped.text
    assert r.zcard(keys.REMINDERS_DUE) == 0 and not list(r.scan_iter("kh:{*}:reminders"))
    clock.set(datetime(2028, 7, 1, 10, 0, tzinfo=JST))
    worker.scheduler.run_due()
    assert pushes(fake_line, chat) == []


def test_erasing_the_data_cancels_them(chat, fake_line, worker, clock, r) -> None:  # noqa: ANN001
    walk_to_card(chat)
    book(chat)
    chat.say("データ削除")
    chat.tap("削除する")
    assert r.zcard(keys.REMINDERS_DUE) == 0 and not list(r.scan_iter("kh:{*}:reminders"))
    clock.set(datetime(2028, 7, 1, 10, 0, tzinfo=JST))
    worker.scheduler.run_due()
    assert pushes(fake_line, chat) == []


def test_blocking_the_bot_cancels_them(chat, fake_line, worker, clock, r) -> None:  # noqa: ANN001
    walk_to_card(chat)
    book(chat)
    chat.send(ev.unfollow(chat.user), expect=0)
    until(lambda: r.zcard(keys.REMINDERS_DUE) == 0)
    assert not list(r.scan_iter("kh:{*}:reminders"))


def test_in_english_and_on_a_card_without_a_deadline(chat, fake_line, worker, clock) -> None:  # noqa: ANN001
    chat.say("English")
    assert "no computed deadline" in chat.say("remind me").text
    chat.say("menu")
    chat.say("consolation money")
    chat.tap("Affair")
    dates = iter(["2025/6/1", "2025/7/1", "2025/7/1"])
    card = chat.tap("Already divorced")
    while "Pick a date" in card.labels:
        card = chat.say(next(dates))
    offer = chat.tap("Remind me before")
    assert "arrive later in LINE on this phone" in offer.text
    chat.tap("7 days before")
    chat.tap("With sound")
    booked = chat.tap("No check")
    assert "reminder on 25 May 2028" in booked.text and "stop reminders" in booked.text
    clock.set(datetime(2028, 5, 25, 10, 0, tzinfo=JST))
    worker.scheduler.run_due()
    until(lambda: pushes(fake_line, chat))
    [push] = pushes(fake_line, chat)
    assert push.messages[0]["text"].startswith("A note from Kakehashi.") and not push.notification_disabled


@pytest.mark.parametrize("level", [logging.DEBUG])
def test_no_reminder_text_or_deadline_reaches_the_logs(chat, fake_line, worker, clock, caplog, level) -> None:  # noqa: ANN001
    caplog.set_level(level)
    walk_to_card(chat)
    book(chat)
    clock.set(FIRST_DUE)
    worker.scheduler.run_due()
    until(lambda: pushes(fake_line, chat))
    logged = caplog.text
    assert "queued 1 due reminders" in logged or "handled an event (reminder)" in logged
    due = str(int(FIRST_DUE.timestamp()))
    for secret in ("2028", "かけはしからのお知らせ", "あと30日", "2028-06-01", chat.user, due):
        assert secret not in logged


def test_a_court_date_of_their_own_picked_in_line_is_reminded_of(chat, fake_line, worker, clock) -> None:  # noqa: ANN001
    asked = chat.say("期日を知らせて")
    [picker] = [a for a in asked.actions if a["type"] == "datetimepicker"]
    assert picker["min"] == "2026-11-26" and picker["mode"] == "date"
    offer = chat.send(ev.postback(chat.user, picker["data"], {"date": "2027-03-01"}))
    assert "このスマホのLINEに届きます" in offer.text
    chat.tap("7日前に")
    chat.tap("音なしで")
    booked = chat.tap("確認はいらない")
    assert "ご自分で入力した日付（2027年3月1日）→ 2027年2月22日にお知らせ（7日前）" in booked.text
    clock.set(datetime(2027, 2, 22, 10, 0, tzinfo=JST))
    worker.scheduler.run_due()
    until(lambda: pushes(fake_line, chat))
    [push] = pushes(fake_line, chat)
    assert "2027年3月1日" in push.messages[0]["text"] and "あと7日" in push.messages[0]["text"]


def test_queued_again_after_a_crash_it_is_not_pushed_twice(chat, fake_line, worker, clock, r) -> None:  # noqa: ANN001
    """As if a worker died after LINE took the push and before the entry was acknowledged, and the inbox forgot
    the event: the same reminder comes round again with the same id, its push carries the same retry key, and
    LINE answers 409 (already sent)."""
    walk_to_card(chat)
    book(chat, check="確認はいらない")
    records = {member: score for member, score in r.zrange(keys.REMINDERS_DUE, 0, -1, withscores=True)}
    user = next(iter(records)).split(":")[0]
    sealed = r.hgetall(keys.reminders(user))
    clock.set(FIRST_DUE)
    worker.scheduler.run_due()
    until(lambda: pushes(fake_line, chat))
    r.delete(*r.keys("kh:{p*}:seen:reminder-*"))  # the inbox's memory of it, gone
    r.hset(keys.reminders(user), mapping=sealed)  # and the reminder back in the schedule
    r.zadd(keys.REMINDERS_DUE, records)
    worker.scheduler.run_due()
    until(lambda: any(q.status == 409 for q in fake_line.requests))
    assert len(pushes(fake_line, chat)) == 1
