"""Console hardening (issue #17): a line break in `next`, a reply over LINE's length, HSTS behind HTTPS, the
per-address limit and its release when the password was never checked, the client address behind a proxy."""

from __future__ import annotations

from bot.desk.desk import MAX_MESSAGE
from bot.web.app import create_app
from bot.web.console.logins import MAX_ADDRESS_FAILURES, MAX_FAILURES, Logins, address_key, failures_key
from tests.console import PASSWORD, TOKEN, add_operator, delivered, login, open_ticket
from tests.harness import until
from tests.web.test_console_tickets import flash, reply


def test_a_line_break_in_next_is_a_clean_redirect_to_the_queue(app, client) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    for sneaky in ("/console/\r\nSet-Cookie: x=1", "/console/%0d%0a", "/console/ audit", "/console/\\evil"):
        fresh = app.test_client()
        response = login(fresh, "aoi", next_page=sneaky)
        assert response.status_code == 302, sneaky
        assert response.headers["Location"] in ("/console/", sneaky) and "\n" not in response.headers["Location"]
    assert app.test_client().get("/console/login?next=/console/%0d%0aX:1").status_code == 200


def test_a_reply_over_the_limit_is_refused_not_cut(app, counselor) -> None:  # noqa: ANN001
    t = open_ticket(app, 1)
    assert reply(counselor, t.id, "あ" * (MAX_MESSAGE + 1)).status_code == 302
    assert flash(counselor).startswith(f"error: メッセージは{MAX_MESSAGE}文字まで")
    assert delivered(app, t) == []
    assert reply(counselor, t.id, "あ" * MAX_MESSAGE).status_code == 302
    assert [len(e.text) for e in delivered(app, t)] == [MAX_MESSAGE]


def test_hsts_only_when_the_cookies_are_secure(settings, r, client) -> None:  # noqa: ANN001
    assert "Strict-Transport-Security" not in client.get("/console/login").headers
    secure = create_app(settings.with_(console_secure_cookie=True), r).test_client()
    for path in ("/console/login", "/healthz"):
        assert secure.get(path, base_url="https://localhost").headers["Strict-Transport-Security"].startswith(
            "max-age=")


def test_an_address_is_limited_across_names(app, r) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    names = [f"guess{n}" for n in range(MAX_ADDRESS_FAILURES // MAX_FAILURES)]
    for name in names:
        for i in range(MAX_FAILURES):
            login(app.test_client(), name, f"wrong password {i}")
    assert int(r.get(address_key("127.0.0.1"))) == MAX_ADDRESS_FAILURES
    refused = login(app.test_client(), "aoi", PASSWORD)  # this address has used up its attempts
    assert refused.status_code == 429 and not r.exists(failures_key("aoi"))
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert login(other, "aoi").status_code == 302  # a counselor elsewhere is not locked out


def test_a_success_or_an_unchecked_attempt_is_not_held_against_anyone(app, r) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    logins = Logins(r)
    assert logins.reserve("aoi", "192.0.2.1") and int(r.get(failures_key("aoi"))) == 1
    logins.release("aoi", "192.0.2.1")
    assert int(r.get(failures_key("aoi"))) == 0 and int(r.get(address_key("192.0.2.1"))) == 0
    logins.release("aoi", "192.0.2.1")  # never below zero
    assert int(r.get(address_key("192.0.2.1"))) == 0
    assert login(app.test_client(), "aoi").status_code == 302
    assert int(r.get(address_key("127.0.0.1"))) == 0


def test_behind_a_proxy_the_limit_sees_the_client(settings, r) -> None:  # noqa: ANN001
    app = create_app(settings.with_(proxies=1), r)
    add_operator(app, "aoi")
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    page = browser.get("/console/login").get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    browser.post("/console/login", data={"username": "aoi", "password": "not it at all", "csrf_token": token},
                 headers={"X-Forwarded-For": "198.51.100.9"})
    assert r.get(address_key("198.51.100.9")) == "1" and not r.exists(address_key("10.0.0.1"))


def test_a_login_while_the_password_pool_is_full_is_busy_and_costs_no_attempt(app, r) -> None:  # noqa: ANN001
    import threading

    from bot.web.console.verifying import RUNNING, WAITING

    add_operator(app, "aoi")
    pool = app.extensions["kakehashi.console"].verifier
    hold = threading.Event()
    holders = [threading.Thread(target=pool.run, args=(hold.wait,)) for _ in range(RUNNING + WAITING)]
    for t in holders:
        t.start()
    until(lambda: pool._slots._value == 0)  # every slot is taken before we try
    try:
        busy = login(app.test_client(), "aoi")
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "2"
        assert "混み合って" in busy.get_data(as_text=True)
        assert int(r.get(failures_key("aoi")) or 0) == 0 and int(r.get(address_key("127.0.0.1")) or 0) == 0
    finally:
        hold.set()
        for t in holders:
            t.join()
    assert login(app.test_client(), "aoi").status_code == 302
