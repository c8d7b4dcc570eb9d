"""`kakehashi serve` answers with worker processes, one per core unless KAKEHASHI_WORKER_PROCESSES says
otherwise; one that dies is replaced, and SIGTERM stops them all with serve."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.serve import worker_processes
from bot.settings import SettingsError, load_settings
from bot.store import keys
from tests import line_events as ev
from tests.cli.test_serve import SECRET, post
from tests.conftest import DATA_KEY
from tests.fake_line import FakeLineApi
from tests.harness import until
from tests.processes import free_port, pinned_now, start_serve


def children(pid: int) -> list[int]:
    """The pids whose parent is `pid`, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def workers_of(pid: int) -> list[int]:
    return [c for c in children(pid) if b"bot\0worker" in Path(f"/proc/{c}/cmdline").read_bytes()]


def test_worker_processes_follow_the_cores_unless_set() -> None:
    assert load_settings({}).worker_processes is None
    assert worker_processes(load_settings({})) == len(os.sched_getaffinity(0))
    assert worker_processes(load_settings({"KAKEHASHI_WORKER_PROCESSES": "3"})) == 3
    assert worker_processes(load_settings({"KAKEHASHI_WORKER_PROCESSES": "0"})) == 0  # threads inside serve
    with pytest.raises(SettingsError, match="KAKEHASHI_WORKER_PROCESSES"):
        load_settings({"KAKEHASHI_WORKER_PROCESSES": "-1"})


@pytest.fixture
def served(tmp_path: Path, fake_line: FakeLineApi, redis_url: str, r,  # noqa: ANN001
           clock) -> Iterator[tuple[str, subprocess.Popen[str]]]:  # noqa: ANN001
    port = free_port()
    env = {**os.environ, "PORT": str(port), "LINE_CHANNEL_SECRET": SECRET, "REDIS_URL": redis_url,
           "LINE_CHANNEL_ACCESS_TOKEN": fake_line.access_token, "LINE_API_BASE_URL": fake_line.url,
           "KAKEHASHI_DATA_DIR": str(tmp_path / "var"), "KAKEHASHI_DATA_KEY": DATA_KEY, "WEB_CONCURRENCY": "1",
           "KAKEHASHI_WORKER_PROCESSES": "2", "KAKEHASHI_PINNED_NOW": pinned_now(clock)}
    base, process = start_serve(env, port)
    yield base, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_serve_runs_its_worker_processes_and_replaces_one_that_dies(served, fake_line, r) -> None:  # noqa: ANN001
    base, process = served
    until(lambda: len(workers_of(process.pid)) == 2 and r.zcard(keys.WORKERS) == 2, timeout=20)
    os.kill(workers_of(process.pid)[0], signal.SIGKILL)
    until(lambda: r.zcard(keys.WORKERS) == 3, timeout=20)  # a new worker (a new name) is heartbeating
    assert len(workers_of(process.pid)) == 2
    user = ev.user_id("processes")
    events = [ev.text(user, "ヘルプ") for _ in range(5)]
    for event in events:
        fake_line.register_reply_token(event["replyToken"], user)
    assert post(base, *events) == 200
    fake_line.wait_for(lambda f: len(f.deliveries()) == 5, timeout=30)
    assert [d.reply_token for d in fake_line.deliveries()] == [e["replyToken"] for e in events]
    running = workers_of(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    assert all(_state(pid) != "alive" for pid in running)  # stopped with serve
    assert "Traceback" not in (process.stdout.read() if process.stdout else "")


def _state(pid: int) -> str:
    try:
        return "zombie" if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z" else "alive"
    except OSError:
        return "gone"
