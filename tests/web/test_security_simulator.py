"""The simulator beside LINE (issue #17): a visitor opens a bounded number of counselor tickets, its cookie is
Secure whenever the console's is, and only a few long polls per process may hold a web thread."""

from __future__ import annotations

import threading
import time

from bot.store import keys
from bot.web.app import create_app
from bot.web.simulator.views import MAX_POLLERS, MAX_TICKETS, RETRY_S
from tests.web.test_simulator_api import poll


def test_a_visitor_opens_at_most_max_tickets(settings, r, worker) -> None:  # noqa: ANN001
    client = create_app(settings.with_(simulator=True), r).test_client()
    client.get("/simulator/")
    for _ in range(MAX_TICKETS):
        assert client.post("/simulator/api/events", json={"type": "text", "text": "人と話したい"}).status_code == 202
        poll(client, "キャンセル")
        assert client.post("/simulator/api/events", json={"type": "text", "text": "キャンセル"}).status_code == 202
        poll(client, "取り消しました")
    refused = client.post("/simulator/api/events", json={"type": "text", "text": "人と話したい"})
    assert refused.status_code == 429 and "new user" in refused.get_json()["error"]
    assert len(r.zrange(keys.handoff_index("kakehashi", "closed"), 0, -1)) == MAX_TICKETS  # the default organization
    client.post("/simulator/api/new")  # a new visitor may ask again
    assert client.post("/simulator/api/events", json={"type": "text", "text": "ヘルプ"}).status_code == 202


def test_the_visitor_cookie_is_secure_when_the_consoles_is(settings, r) -> None:  # noqa: ANN001
    plain = create_app(settings.with_(simulator=True), r).test_client()
    assert "Secure" not in plain.get("/simulator/").headers["Set-Cookie"]
    secure = create_app(settings.with_(simulator=True, console_secure_cookie=True), r).test_client()
    cookie = secure.get("/simulator/", base_url="https://localhost").headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie


def test_only_a_few_long_polls_wait_at_once_per_process(settings, r) -> None:  # noqa: ANN001
    app = create_app(settings.with_(simulator=True), r)
    clients = [app.test_client() for _ in range(MAX_POLLERS + 1)]
    for c in clients:
        c.get("/simulator/")
    waiting = [threading.Thread(target=c.get, args=("/simulator/api/messages?wait=3",)) for c in clients[:-1]]
    for t in waiting:
        t.start()
    time.sleep(0.5)  # every long poll of this process is taken
    started = time.monotonic()
    extra = clients[-1].get("/simulator/api/messages?wait=3").get_json()
    assert time.monotonic() - started < 1 and extra == {"entries": [], "retry": RETRY_S}  # not a thread held
    for t in waiting:
        t.join()
    assert "retry" not in clients[-1].get("/simulator/api/messages?wait=0.1").get_json()
