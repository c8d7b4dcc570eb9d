"""The simulator's calls: each browser is its own person, events go through the worker, LINE's messages come
back exactly as LINE would receive them."""

from __future__ import annotations

import pytest

from bot.store.connection import open_redis
from bot.store.embedded import EmbeddedRedis
from bot.web.app import create_app


@pytest.fixture
def sim(settings, r, clock):  # noqa: ANN001, ANN201
    app = create_app(settings.with_(simulator=True), r, clock)
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
def test_people_in_two_browsers_do_not_meet(settings, r, worker, clock) -> None:  # noqa: ANN001
    app = create_app(settings.with_(simulator=True), r, clock)
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


def test_the_rich_menu_is_the_one_line_is_sent_with_its_picture(sim) -> None:  # noqa: ANN001
    menu = sim.get("/simulator/api/richmenu").get_json()
    assert menu["chatBarText"] == "メニュー・相談先" and menu["size"] == {"width": 2500, "height": 843}
    assert [a["action"]["data"] for a in menu["areas"]] == \
        ["cmd:menu", "cmd:windows", "cmd:human", "cmd:emergency", "cmd:close"]
    assert menu["areas"][2]["action"]["displayText"] == "人と話したい"
    picture = sim.get(menu["image"])
    assert picture.mimetype == "image/png" and picture.data.startswith(b"\x89PNG")


def test_the_page_runs_only_its_own_scripts(sim) -> None:  # noqa: ANN001
    page = sim.get("/simulator/")
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Cache-Control"] == "no-store"
    assert b"<script>" not in page.data and b"onclick=" not in page.data  # no inline script


def test_the_simulator_is_off_with_line_credentials(client) -> None:  # noqa: ANN001
    assert client.get("/simulator/").status_code == 404


def test_a_long_poll_answers_in_time_however_long_it_waits(settings, redis_url, clock) -> None:  # noqa: ANN001
    """wait=0 returns at once (BLPOP 0 would block forever); a wait beyond the Redis client's socket timeout
    ends empty when nothing came, not in a client error."""
    import time

    import redis

    impatient = redis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=1.5)
    client = create_app(settings.with_(simulator=True), impatient, clock).test_client()
    client.get("/simulator/")
    started = time.monotonic()
    assert client.get("/simulator/api/messages?wait=0").get_json() == {"entries": []}
    assert client.get("/simulator/api/messages").get_json() == {"entries": []}
    assert time.monotonic() - started < 1
    waited = client.get("/simulator/api/messages?wait=2.5")
    assert waited.status_code == 200 and waited.get_json() == {"entries": []}
    assert 2.4 < time.monotonic() - started < 4
    impatient.close()


def test_redis_going_away_mid_poll_is_a_503_to_retry_not_a_500(settings, tmp_path, clock) -> None:  # noqa: ANN001
    """A restart of Redis (or the end of a test run) while a browser polls: a clean 503 the page retries."""
    server = EmbeddedRedis(tmp_path / "own-redis").start()
    try:
        client = create_app(settings.with_(simulator=True, redis_url=server.url), open_redis(server.url),
                            clock).test_client()
        assert client.get("/simulator/").status_code == 200
    finally:
        server.stop()
    answer = client.get("/simulator/api/messages?wait=1")
    assert answer.status_code == 503 and answer.get_json()["retry"] >= 1 and answer.headers["Retry-After"]
