"""A reminder the simulator's person asked for shows up in the simulator, at the time the pinned clock reaches."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.instants import JST
from tests.web.test_simulator_api import poll, sim  # noqa: F401 - the fixture


def text(client, body: str) -> None:  # noqa: ANN001
    assert client.post("/simulator/api/events", json={"type": "text", "text": body}).status_code == 202


def tap(client, data: str) -> None:  # noqa: ANN001
    assert client.post("/simulator/api/events", json={"type": "postback", "data": data}).status_code == 202


@pytest.mark.cluster
def test_a_due_reminder_appears_in_the_simulator(sim, worker, clock) -> None:  # noqa: ANN001, F811
    sim.post("/simulator/api/new")
    poll(sim, "かけはし")
    text(sim, "慰謝料")
    poll(sim, "浮気・不倫")
    tap(sim, "opt:consolation.ground.affair")
    poll(sim, "もう離婚した")
    text(sim, "もう離婚した")
    poll(sim, "日付を選ぶ")
    text(sim, "2025/6/1")  # learned of the affair
    poll(sim, "日付を選ぶ")
    text(sim, "2025/7/1")  # divorced
    poll(sim, "期限の前に知らせる")
    tap(sim, "cmd:remind")
    poll(sim, "このスマホのLINEに届きます")
    tap(sim, "cmd:remind_late")
    poll(sim, "音なしで")
    tap(sim, "cmd:remind_silent")
    poll(sim, "確認はいらない")
    tap(sim, "cmd:remind_no_check")
    poll(sim, "お知らせを予約しました")
    clock.set(datetime(2028, 5, 25, 10, 0, tzinfo=JST))  # 7 days before 2028年6月1日
    worker.scheduler.run_due()
    [arrived] = poll(sim, "かけはしからのお知らせです")
    assert "あと7日" in str(arrived)
