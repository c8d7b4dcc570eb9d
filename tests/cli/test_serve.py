"""`kakehashi serve` as a deployer runs it: a real process, gunicorn, embedded Redis, HTTP on a port.

A harness outside the app signs events with LINE_CHANNEL_SECRET and serves the fake LINE API at
LINE_API_BASE_URL — exactly what README command 1 must support.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from bot.clock import Clock
from tests import line_events as ev
from tests.conftest import DATA_KEY, Backend
from tests.fake_line import FakeLineApi
from tests.processes import free_port, pinned_now, signed_post, start_serve, status_of

SECRET = "serve-test-secret"


def get(url: str) -> int:
    return status_of(url, timeout=2)


def post(base: str, *events: dict) -> int:
    return signed_post(base, ev.body(*events), SECRET, timeout=5)


@pytest.fixture
def served(tmp_path: Path, fake_line: FakeLineApi, backend: Backend, request: pytest.FixtureRequest,  # noqa: ANN201
           clock: Clock):
    """On one server: the embedded one serve starts itself. On a cluster: REDIS_URL, the flag and a data key."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "KAKEHASHI_DATA_KEY")}
    env.update(PORT=str(port), LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN=fake_line.access_token,
               LINE_API_BASE_URL=fake_line.url, KAKEHASHI_DATA_DIR=str(tmp_path / "var"), WEB_CONCURRENCY="2",
               KAKEHASHI_PINNED_NOW=pinned_now(clock))
    if backend.cluster:
        request.getfixturevalue("r")  # flushed: nothing an earlier test left for this worker to answer
        env.update(REDIS_URL=backend.url, KAKEHASHI_REDIS_CLUSTER="1", KAKEHASHI_DATA_KEY=DATA_KEY)
    base, process = start_serve(env, port)
    yield base, process
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.cluster
def test_serve_answers_a_harness_and_stops_cleanly_on_sigterm(served, fake_line: FakeLineApi) -> None:  # noqa: ANN001
    base, process = served
    user = ev.user_id("serve")
    follow = ev.follow(user)
    fake_line.register_reply_token(follow["replyToken"], user)
    assert post(base, follow) == 200
    fake_line.wait_for(lambda f: len(f.messages_to(user)) >= 2)
    assert "かけはし" in fake_line.messages_to(user)[0]["text"]
    burst = [ev.text(user, "ヘルプ") for _ in range(20)]
    for e in burst:
        fake_line.register_reply_token(e["replyToken"], user)
    assert post(base, *burst) == 200
    assert post(base, *burst) == 200  # LINE redelivering the whole batch: answered once
    fake_line.wait_for(lambda f: len(f.deliveries()) >= 21)
    time.sleep(0.5)
    assert [d.reply_token for d in fake_line.deliveries()[1:]] == [e["replyToken"] for e in burst]
    assert post(base, ev.text(user, "x")) == 200 and get(f"{base}/healthz") == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    output = process.stdout.read() if process.stdout else ""
    assert f"http://127.0.0.1:{base.rsplit(':', 1)[1]}" in output
    assert "Traceback" not in output
