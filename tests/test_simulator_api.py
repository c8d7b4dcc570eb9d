"""The simulator's calls: each browser is its own person, events go through the worker, LINE's messages come
back exactly as LINE would receive them."""

from __future__ import annotations

import pytest

from bot.app import create_app


@pytest.fixture
def sim(settings, r):  # noqa: ANN001, ANN201
    app = create_app(settings.with_(simulator=True), r)
    client = app.test_client()
    assert client.get("/simulator/").status_code == 200
    return client


def poll(client, until: str = "", tries: int = 20) -> list[dict]:  # noqa: ANN001
    got: list[dict] = []
    for _ in range(tries):
        got += client.get("/simulator/api/messages?wait=1").get_json()["entries"]
        if until in str(got) and got:
            return got
    raise AssertionError(f"{until!r} never arrived: {got}")


@pytest.mark.cluster
def test_a_new_user_is_greeted_and_taps_through_line_messages(sim, worker) -> None:  # noqa: ANN001
    assert sim.post("/simulator/api/new").status_code == 200
    [greeting] = poll(sim, "かけはし")
    messages = greeting["line"]
    assert messages[-1]["quickReply"]["items"][0]["action"]["data"] == "opt:menu.start.visitation"
    tapped = sim.post("/simulator/api/events", json={"type": "postback", "data": "opt:menu.start.visitation"})
    assert tapped.status_code == 202
    [asked] = poll(sim, "いまの状況")
    assert asked["line"][0]["type"] == "text"


@pytest.mark.cluster
def test_people_in_two_browsers_do_not_meet(settings, r, worker) -> None:  # noqa: ANN001
    app = create_app(settings.with_(simulator=True), r)
    one, two = app.test_client(), app.test_client()
    one.get("/simulator/")
    two.get("/simulator/")
    one.post("/simulator/api/events", json={"type": "text", "text": "ヘルプ"})
    poll(one, "使い方")
    assert two.get("/simulator/api/messages?wait=0.5").get_json()["entries"] == []


def test_bad_calls_are_refused_clearly(sim) -> None:  # noqa: ANN001
    assert sim.post("/simulator/api/events", json={"type": "unfollow"}).status_code == 400
    assert sim.post("/simulator/api/events", data="type=text", content_type="application/x-www-form-urlencoded") \
        .status_code == 400
    assert sim.post("/simulator/api/events", json={"type": "postback", "params": {"date": 5}}).status_code == 400
    fresh = sim.application.test_client()
    assert fresh.get("/simulator/api/messages").status_code == 400  # no id: the page was never loaded


def test_the_simulator_is_off_with_line_credentials(client) -> None:  # noqa: ANN001
    assert client.get("/simulator/").status_code == 404
