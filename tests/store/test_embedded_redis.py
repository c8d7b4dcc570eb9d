"""The embedded Redis lives and dies with the `kakehashi` process that started it, and keeps its files private."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from bot.store.embedded import EmbeddedRedis
from tests.cli.test_serve import get
from tests.processes import free_port


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"  # a zombie has died too


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    data = tmp_path / "var"
    old = os.umask(0o022)
    try:
        server = EmbeddedRedis(data).start()
        try:
            server_client = redis.Redis(unix_socket_path=str(server.socket))
            server_client.set("k", "v")
            server_client.bgrewriteaof()
            time.sleep(0.5)
        finally:
            server.stop()
    finally:
        os.umask(old)
    assert data.stat().st_mode & 0o777 == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"redis.conf", "redis.log"} and any("aof" in p.name for p in files)
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {p.name: "0o600" for p in files}


def test_an_owner_that_dies_without_stopping_takes_its_server_along(tmp_path: Path) -> None:
    """The kernel's parent-death signal: no redis-server outlives the process that started it."""
    data = tmp_path / "var"
    owner = subprocess.Popen([sys.executable, "-c", "import os, sys; from pathlib import Path; "
                              "from bot.store.embedded import EmbeddedRedis; "
                              "s = EmbeddedRedis(Path(sys.argv[1])).start(); print(s.process.pid, flush=True); "
                              "os._exit(1)", str(data)], stdout=subprocess.PIPE, text=True)
    assert owner.stdout is not None
    server_pid = int(owner.stdout.readline())
    owner.wait()
    assert gone_within(server_pid, 10)
    server = EmbeddedRedis(data).start()  # the next run starts its own, cleaning up what was left
    try:
        assert server.process is not None and (data / "redis.owner").read_text() == str(os.getpid())
    finally:
        server.stop()


def test_a_lingering_server_whose_owner_died_is_stopped_with_a_log_line(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    """A redis-server that outlived its owner (no parent-death signal there): stopped, never reused."""
    data = tmp_path / "var"
    first = EmbeddedRedis(data).start()
    assert first.process is not None
    lingering = first.process.pid
    first.process = None  # forget it, as a dead owner would
    (data / "redis.owner").write_text("999999999")  # an owner that no longer exists
    caplog.set_level(logging.INFO, logger="bot.store.embedded")
    second = EmbeddedRedis(data).start()
    try:
        assert second.process is not None and second.process.pid != lingering
        assert gone_within(lingering, 10)
        assert any("left running by a kakehashi process that is gone" in r.getMessage() for r in caplog.records)
    finally:
        second.stop()


def test_a_second_kakehashi_process_uses_the_live_owners_server(tmp_path: Path) -> None:
    """`kakehashi chat` beside `serve`: one server for the data dir, stopped only by its owner."""
    owner = EmbeddedRedis(tmp_path / "var").start()
    try:
        guest = EmbeddedRedis(tmp_path / "var").start()
        assert guest.process is None and guest.url == owner.url
        guest.stop()
        assert owner.process is not None and owner.process.poll() is None
    finally:
        owner.stop()


def test_serve_killed_takes_its_redis_and_web_server_with_it(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAKEHASHI_", "LINE_", "REDIS_"))}
    env.update(PORT=str(port), KAKEHASHI_DATA_DIR=str(tmp_path / "var"), WEB_CONCURRENCY="1")
    serve = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while get(f"http://127.0.0.1:{port}/readyz") != 200:
            assert serve.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        redis_pid = int((tmp_path / "var" / "redis.pid").read_text())
        children = [int(p) for p in Path(f"/proc/{serve.pid}/task/{serve.pid}/children").read_text().split()]
        workers = len(os.sched_getaffinity(0))  # serve's worker processes: one per core by default
        assert redis_pid in children and len(children) == 2 + workers  # redis-server, gunicorn and the workers
        serve.send_signal(signal.SIGKILL)
        serve.wait()
        assert all(gone_within(pid, 15) for pid in children)
        assert get(f"http://127.0.0.1:{port}/healthz") == 0
    finally:
        if serve.poll() is None:
            serve.kill()
