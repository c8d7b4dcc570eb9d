"""Nothing readable about a user at rest or in logs: a scripted set of conversations, then a scan of all of
Redis and of every log line for what users typed and for their LINE ids."""

from __future__ import annotations

import logging

import pytest

from tests import line_events as ev

SAID = ["弁護士費用が心配", "いいえ", "3人", "東京23区", "213456", "65432", "1234567", "はい",
        "夫に殴られた", "秘密の相談です"]


def every_value(r) -> list[str]:  # noqa: ANN001
    out = []
    for key in r.scan_iter("*"):
        out.append(key)
        kind = r.type(key)
        if kind == "string":
            out.append(r.get(key))
        elif kind == "hash":
            out += [f"{k}={v}" for k, v in r.hgetall(key).items()]
        elif kind == "stream":
            out += [f"{k}={v}" for _, fields in r.xrange(key) for k, v in fields.items()]
        elif kind == "list":
            out += r.lrange(key, 0, -1)
        elif kind == "zset":
            out += r.zrange(key, 0, -1)
    return out


@pytest.mark.cluster
def test_redis_and_logs_hold_nothing_readable_about_users(new_chat, r, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    users = [new_chat(n) for n in (11, 12)]
    for chat in users:
        chat.send(ev.follow(chat.user))
        for text in SAID:
            chat.say(text)
    assert "「法テラス無料相談の目安」の結果" in users[0].last.text  # the conversation really ran, to its result
    stored = "\n".join(every_value(r))
    logs = caplog.text
    for chat in users:
        assert chat.user not in stored and chat.user not in logs
        assert chat.user[1:9] not in stored  # not even a fragment of the id
    for text in ["秘密の相談", "殴られた", "213456", "213,456", "1234567", "1,234,567", "東京23区", "弁護士費用"]:
        assert text not in stored, text
        assert text not in logs, text


def user_traces(r, user_key: str) -> list[str]:  # noqa: ANN001
    return [v for v in every_value(r) if user_key in v]


@pytest.mark.cluster
def test_delete_my_data_asks_first_then_leaves_no_trace(chat, r) -> None:  # noqa: ANN001
    import base64

    from bot.store.keyring import Keyring
    from tests.conftest import DATA_KEY

    user = Keyring((base64.urlsafe_b64decode(DATA_KEY),)).user_key(chat.user)
    chat.send(ev.follow(chat.user))
    chat.say("弁護士費用")
    chat.say("いいえ")
    assert user_traces(r, user)
    confirm = chat.say("データ削除")
    assert "よろしいですか" in confirm.text and confirm.labels == ["削除する", "続ける"]
    assert "何人" in chat.tap("続ける").text  # not confirmed: nothing erased, back to the question
    chat.say("データ削除")
    done = chat.tap("削除する")
    assert "消しました" in done.text
    deadline = __import__("time").time() + 5
    while user_traces(r, user) and __import__("time").time() < deadline:
        __import__("time").sleep(0.05)
    assert user_traces(r, user) == []
    assert "どんなことでお困り" in chat.say("こんにちは").text  # a new conversation, as if first met


def test_typed_yes_confirms_and_anything_else_cancels(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.say("データを消して")
    assert "やめました" in chat.say("メニュー").text
    chat.say("データ削除")
    assert "消しました" in chat.say("はい").text


def test_quick_exit_leaves_a_neutral_last_message_and_ends_the_session(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    assert "とじる" in chat.last.labels  # on the menu
    chat.tap("弁護士費用が心配")
    chat.tap("いいえ")
    closed = chat.say("とじる")
    assert closed.texts == ["ご利用ありがとうございました。"] and closed.actions == []
    assert "どんなことでお困り" in chat.say("続ける").text  # the flow was ended, not paused


def test_first_contact_says_what_is_kept_and_how_to_erase(chat) -> None:  # noqa: ANN001
    answer = chat.send(ev.follow(chat.user))
    notice = answer.texts[1]
    assert "暗号化" in notice and "7日間" in notice and "データ削除" in notice


def test_staying_safe_help(chat) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    tips = chat.say("安全に使うには").texts[0]
    assert "削除" in tips and "不自然" in tips and "とじる" in tips


def test_silent_notifications_are_a_choice_that_sticks(chat, fake_line) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.say("通知オフ")
    chat.say("弁護士費用")
    chat.send(ev.redelivered(ev.text(chat.user, "いいえ")))  # answered by push
    chat.say("通知オン")
    chat.say("2")
    flags = [d.notification_disabled for d in fake_line.deliveries()]
    kinds = [d.kind for d in fake_line.deliveries()]
    assert flags == [False, True, True, True, False, False]
    assert kinds[3] == "push"
