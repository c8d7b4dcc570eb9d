"""Handoff to a counselor, end to end: the real webhook, worker, Redis and SDK, and the counselors' desk.

States: bot → queued → with_counselor → closed → the bot resumes exactly where the person was.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime

import pytest

from bot.desk.desk import Desk, Sent
from bot.desk.records import DANGER, Ticket
from bot.desk.tickets import TicketStore, record_key
from bot.engine.replies import CLOSED, QUEUED, WITH_COUNSELOR
from bot.local_chat import LocalChat
from bot.store.keyring import resolve_keyring
from bot.stream.inbox import Inbox
from bot.wiring import build_worker
from tests import line_events as ev
from tests.harness import until
from tests.instants import JST, WEEKDAY_NOON

RISK_QUESTION = "これまでに、DVや子どもへの虐待"



def the_ticket(desk: Desk) -> Ticket:
    tickets = until(lambda: desk.tickets.waiting() + desk.tickets.held())
    assert isinstance(tickets, list) and len(tickets) == 1
    return tickets[0]


def lines(desk: Desk, ticket: Ticket) -> list[tuple[str, str]]:
    return [(line.who, line.text) for line in desk.tickets.transcript(ticket)]


def into_visitation(chat) -> None:  # noqa: ANN001
    chat.say("子どもに会えない")
    assert RISK_QUESTION in chat.tap("別居中").text


@pytest.mark.cluster
def test_full_handoff_and_the_bot_resumes_where_it_was(chat, desk, fake_line) -> None:  # noqa: ANN001
    into_visitation(chat)
    answer = chat.say("人と話したい")
    assert "相談員" in answer.text and "110" in answer.text and answer.labels == ["キャンセル"]
    ticket = the_ticket(desk)
    assert ticket.status == QUEUED and ticket.summary.topic.startswith("子どもに会えない")
    assert ("いまの状況を教えてください。", "別居中") in ticket.summary.answers

    # While queued the bot stays quiet: text, a stale button and a sticker go to the transcript.
    before = chat.delivered()
    chat.send(ev.text(chat.user, "夫と話し合いができません"), expect=0)
    chat.send(ev.postback(chat.user, "opt:visitation.risk.no"), expect=0)
    chat.send(ev.sticker(chat.user), expect=0)
    until(lambda: len(lines(desk, ticket)) == 3)
    assert lines(desk, ticket) == [("user", "夫と話し合いができません"), ("user", "（ボタンを押しました）ない"),
                                   ("user", "（スタンプ）")]
    assert chat.delivered() == before

    # The first counselor reply claims the ticket and reaches the person by push, with a retry key.
    assert desk.reply(ticket.id, "sato", "相談員の佐藤です。お話を聞かせてください。") is Sent.SENT
    chat.fake.wait_for(lambda f: len(f.messages_to(chat.user)) >= before + 2)
    push = chat.fake.deliveries()[-1]
    assert push.kind == "push" and push.retry_key
    assert [m["text"] for m in push.messages] == ["相談員が入りました。ここからは相談員がお返事します。",
                                                  "相談員：相談員の佐藤です。お話を聞かせてください。"]
    assert desk.tickets.get(ticket.id).status == WITH_COUNSELOR  # type: ignore[union-attr]

    chat.say("ありがとうございます", expect=0)
    until(lambda: ("user", "ありがとうございます") in lines(desk, ticket))

    # Closing hands the chat back to the bot, at the very question the person had reached.
    assert desk.close(ticket.id, "houterasu")
    chat.fake.wait_for(lambda f: len(f.messages_to(chat.user)) >= before + 4)
    resumed = chat.fake.messages_to(chat.user)[before + 2:]
    assert "相談員との会話が終わりました" in resumed[0]["text"] and RISK_QUESTION in resumed[-1]["text"]
    assert desk.tickets.get(ticket.id).outcome == "houterasu"  # type: ignore[union-attr]
    assert desk.tickets.waiting() == [] and desk.tickets.held() == []
    assert "子どもの年齢" in chat.say("ない").text  # the flow goes on with the bot again


def test_danger_during_a_handoff_still_answers_at_once_and_raises_the_ticket(chat, desk) -> None:  # noqa: ANN001
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    assert ticket.priority != DANGER
    answer = chat.say("殴られた")
    assert "110" in answer.text and "0120-279-889" in answer.text
    assert "相談員にも、危険があることを伝えました。" in answer.text
    assert answer.labels[:2] == ["110に電話", "DV相談＋に電話"] and "キャンセル" in answer.labels
    assert until(lambda: desk.tickets.get(ticket.id).priority == DANGER)  # type: ignore[union-attr]
    assert ("user", "殴られた") in lines(desk, ticket)


def test_danger_tickets_wait_ahead_of_older_ones(new_chat, desk) -> None:  # noqa: ANN001
    first, second = new_chat(1), new_chat(2)
    first.say("人と話したい")
    until(lambda: len(desk.tickets.waiting()) == 1)
    second.say("死にたい")
    second.say("人と話したい")
    until(lambda: len(desk.tickets.waiting()) == 2)
    waiting = desk.tickets.waiting()
    assert waiting[0].danger and waiting[0].summary.danger == ("suicide",) and not waiting[1].danger


def test_cancel_returns_to_the_bot_and_a_late_counselor_reply_is_not_sent(chat, desk) -> None:  # noqa: ANN001
    into_visitation(chat)
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    answer = chat.say("キャンセル")
    assert "取り消しました" in answer.text and RISK_QUESTION in answer.text
    assert until(lambda: desk.tickets.get(ticket.id).status == CLOSED)  # type: ignore[union-attr]
    assert desk.tickets.get(ticket.id).outcome == "cancel"  # type: ignore[union-attr]
    assert desk.tickets.waiting() == []
    before = chat.delivered()
    assert desk.reply(ticket.id, "sato", "遅れてすみません") is Sent.CLOSED
    time.sleep(0.5)
    assert chat.delivered() == before
    assert "取り消すものはありません" in chat.say("キャンセル").text


@pytest.mark.cluster
def test_a_queue_timeout_tells_the_person_honestly_and_returns_them(chat, desk, worker, clock) -> None:  # noqa: ANN001
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=JST))  # a Tuesday morning: counselors on duty
    asked = ev.text(chat.user, "人と話したい")
    chat.send(asked)
    ticket = the_ticket(desk)
    assert ticket.expires == asked["timestamp"] / 1000 + 30 * 60
    assert worker.desk.expire_due() == 0  # still waiting
    clock.advance(31 * 60)  # nobody came
    assert worker.desk.expire_due() == 1
    chat.fake.wait_for(lambda f: any("お返事できませんでした" in m["text"] for m in f.messages_to(chat.user)))
    told = "\n".join(m["text"] for m in chat.fake.messages_to(chat.user))
    assert "0570-078374" in told and "0120-279-889" in told and "110" in told
    assert desk.tickets.get(ticket.id).outcome == "timeout"  # type: ignore[union-attr]
    assert desk.reply(ticket.id, "sato", "こんにちは") is Sent.CLOSED  # too late to claim
    assert worker.desk.expire_due() == 0  # told once
    assert "どんなこと" in chat.say("メニュー").text  # the bot answers again


@pytest.mark.cluster
def test_only_one_of_two_counselors_claims_a_ticket(chat, desk) -> None:  # noqa: ANN001
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    results: list[Sent] = []
    gate = threading.Barrier(2)

    def answer(name: str) -> None:
        gate.wait()
        results.append(desk.reply(ticket.id, name, f"{name}です"))

    threads = [threading.Thread(target=answer, args=(n,)) for n in ("sato", "suzuki")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.value for r in results) == ["sent", "taken"]
    holder = desk.tickets.get(ticket.id).counselor  # type: ignore[union-attr]
    chat.fake.wait_for(lambda f: any(f"相談員：{holder}です" in m["text"] for m in f.messages_to(chat.user)))
    time.sleep(0.3)
    assert sum("相談員：" in m["text"] for m in chat.fake.messages_to(chat.user)) == 1


@pytest.mark.cluster
def test_a_handoff_survives_a_restart_of_the_worker(chat, desk, worker, settings, r, clock) -> None:  # noqa: ANN001
    into_visitation(chat)
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    worker.stop()
    chat.say("まだですか", expect=0)  # accepted while no worker runs
    restarted = build_worker(settings, r, clock=clock).start()
    try:
        until(lambda: ("user", "まだですか") in lines(desk, ticket))
        assert desk.reply(ticket.id, "sato", "お待たせしました") is Sent.SENT
        chat.fake.wait_for(lambda f: "相談員：お待たせしました" in f.messages_to(chat.user)[-1]["text"])
        desk.close(ticket.id, "resolved")
        chat.fake.wait_for(lambda f: RISK_QUESTION in f.messages_to(chat.user)[-1]["text"])
    finally:
        restarted.stop()


@pytest.mark.cluster
def test_erasing_data_mid_handoff_removes_the_ticket_everywhere(chat, desk, r) -> None:  # noqa: ANN001
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    chat.send(ev.text(chat.user, "夫のことで"), expect=0)
    assert "消します" in chat.say("データ削除").text
    assert "すべて消しました" in chat.say("はい").text
    until(lambda: desk.tickets.get(ticket.id) is None)
    assert desk.tickets.waiting() == [] and desk.tickets.owner(ticket.id) == ""
    until(lambda: not list(r.scan_iter(match=f"kh:{{{ticket.user}}}:*")))  # erased right after the answer is sent


def test_quick_exit_mid_handoff_ends_the_ticket_with_a_plain_line(chat, desk) -> None:  # noqa: ANN001
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    assert chat.say("とじる").texts == ["ご利用ありがとうございました。"]
    assert until(lambda: desk.tickets.get(ticket.id).outcome == "closed_chat")  # type: ignore[union-attr]


def test_counselor_messages_are_silent_when_the_person_chose_silence(chat, desk) -> None:  # noqa: ANN001
    chat.say("通知オフ")
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    desk.reply(ticket.id, "sato", "こんにちは")
    chat.fake.wait_for(lambda f: "相談員：こんにちは" in f.messages_to(chat.user)[-1]["text"])
    assert chat.fake.deliveries()[-1].notification_disabled


def test_every_result_offers_a_person(chat) -> None:  # noqa: ANN001
    into_visitation(chat)
    chat.tap("ない")
    chat.tap("10歳くらいまで")
    chat.say("1")
    card = chat.say("1")
    assert "親子交流" in card.text and "人と話したい" in card.labels and len(card.labels) <= 13


@pytest.mark.cluster
def test_a_terminal_chat_reaches_a_counselor_through_the_same_worker(settings, r, desk, worker, clock) -> None:  # noqa: ANN001
    keyring = resolve_keyring(settings)
    local = LocalChat(r, Inbox(r, settings.partitions, keyring), keyring, "terminal:test", clock)
    local.send("follow")
    assert local.receive(5) is not None
    local.send("text", "人と話したい")
    asked = local.receive(5)
    assert asked is not None and [c.label for c in asked.choices] == ["キャンセル"]
    ticket = the_ticket(desk)
    desk.reply(ticket.id, "sato", "ターミナルの方、こんにちは")
    arrived = local.receive(5)
    assert arrived is not None and "相談員：ターミナルの方、こんにちは" in arrived.messages[-1].text  # type: ignore[union-attr]


@pytest.mark.cluster
def test_closed_tickets_are_forgotten_after_the_retention_period(chat, desk, r, settings, clock) -> None:  # noqa: ANN001
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    desk.close(ticket.id, "resolved")
    until(lambda: desk.tickets.recently_closed())
    assert 0 < r.ttl(record_key(ticket.user, ticket.id)) <= 86400  # the content expires by itself too
    short = TicketStore(r, resolve_keyring(settings), 1, desk.tickets.organizations, clock=clock)
    assert short.purge_closed(clock()) == 0
    assert short.purge_closed(clock() + 2) == 1
    assert desk.tickets.get(ticket.id) is None and not r.exists(record_key(ticket.user, ticket.id))


def test_the_kakehashi_chat_command_hands_off(tmp_path) -> None:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "KAKEHASHI_DATA_KEY")}
    env.update(KAKEHASHI_DATA_DIR=str(tmp_path / "var"), KAKEHASHI_PINNED_NOW=WEEKDAY_NOON.isoformat())
    done = subprocess.run([sys.executable, "-m", "bot", "chat", "--name", "t"], input="人と話したい\nこんにちは\n",
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "どんなことでお困りですか" in done.stdout and "相談員" in done.stdout and "[1] キャンセル" in done.stdout
    assert "Traceback" not in done.stderr


def test_an_unsent_message_leaves_the_transcript(chat, desk) -> None:  # noqa: ANN001
    chat.say("人と話したい")
    ticket = the_ticket(desk)
    regret = ev.text(chat.user, "やっぱり書かなければよかった")
    keep = ev.text(chat.user, "夫と別居しています")
    chat.send(regret, expect=0)
    chat.send(keep, expect=0)
    until(lambda: len(lines(desk, ticket)) == 2)
    chat.send(ev.unsend(chat.user, regret["message"]["id"]), expect=0)
    until(lambda: lines(desk, ticket) == [("user", "夫と別居しています")])
