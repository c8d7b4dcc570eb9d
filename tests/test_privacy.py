"""Nothing readable about a user at rest or in logs: a scripted set of conversations, then a scan of all of
Redis and of every log line for what users typed and for their LINE ids."""

from __future__ import annotations

import logging

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


def test_redis_and_logs_hold_nothing_readable_about_users(new_chat, r, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    users = [new_chat(n) for n in (11, 12)]
    for chat in users:
        chat.send(ev.follow(chat.user))
        for text in SAID:
            chat.say(text)
    assert "範囲内" in users[0].last.text  # the conversation really ran, to its result
    stored = "\n".join(every_value(r))
    logs = caplog.text
    for chat in users:
        assert chat.user not in stored and chat.user not in logs
        assert chat.user[1:9] not in stored  # not even a fragment of the id
    for text in ["秘密の相談", "殴られた", "213456", "213,456", "1234567", "1,234,567", "東京23区", "弁護士費用"]:
        assert text not in stored, text
        assert text not in logs, text
