"""`kakehashi operators …` through bot.cli.main, against the test Redis; the password from stdin or a TTY."""

from __future__ import annotations

import io
import sys

import pytest

from bot.cli import main
from bot.web.console.operators import Operators
from tests.conftest import DATA_KEY
from tests.console import login


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, redis_url: str, r) -> None:  # noqa: ANN001
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("KAKEHASHI_DATA_KEY", DATA_KEY)
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["operators", *argv])


def test_add_from_stdin_then_log_in(cli_env, monkeypatch, app, client, r, capsys) -> None:  # noqa: ANN001
    assert run(monkeypatch, "add", "aoi", stdin="a long enough secret\n") == 0
    assert run(monkeypatch, "add", "mori", "--admin", stdin="another long secret\n") == 0
    assert run(monkeypatch, "list") == 0
    assert capsys.readouterr().out.splitlines()[-2:] == ["aoi\tcounselor\tkakehashi", "mori\tadmin\tkakehashi"]
    assert login(client, "aoi", "a long enough secret").status_code == 302
    assert "secret" not in str(r.hgetall("kh:{console}:operators"))  # only the argon2 hash is kept


def test_add_refuses_duplicates_short_passwords_and_bad_names(cli_env, monkeypatch, r, capsys) -> None:  # noqa: ANN001
    assert run(monkeypatch, "add", "aoi", stdin="a long enough secret\n") == 0
    assert run(monkeypatch, "add", "aoi", stdin="a different secret\n") == 1
    assert run(monkeypatch, "add", "kai", stdin="short\n") == 1
    assert run(monkeypatch, "add", "Bad Name", stdin="a long enough secret\n") == 1
    err = capsys.readouterr().err
    assert "exists already" in err and "at least 10 characters" in err and "lower-case" in err
    assert [op.name for op in Operators(r).all()] == ["aoi"]


def test_passwd_and_remove(cli_env, monkeypatch, app, client, r) -> None:  # noqa: ANN001
    run(monkeypatch, "add", "aoi", stdin="a long enough secret\n")
    assert run(monkeypatch, "passwd", "aoi", stdin="the new long secret\n") == 0
    assert login(client, "aoi", "a long enough secret").status_code == 401
    assert login(client, "aoi", "the new long secret").status_code == 302
    assert run(monkeypatch, "remove", "aoi") == 0
    assert client.get("/console/").status_code == 302  # the live login ended with the account
    assert run(monkeypatch, "remove", "aoi") == 1


def test_at_a_terminal_the_password_is_asked_twice(cli_env, monkeypatch, r) -> None:  # noqa: ANN001
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", terminal)
    typed = iter(["typed at the terminal", "typed at the terminal", "first attempt here", "second differs"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["operators", "add", "aoi"]) == 0
    assert Operators(r).verify("aoi", "typed at the terminal") is not None
    assert main(["operators", "add", "kai"]) == 1
    assert Operators(r).get("kai") is None
