"""Console access: login, lockout, logout that really ends a login, CSRF on every form, cookie flags."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings
from bot.store.keyring import resolve_keyring
from bot.web.app import create_app
from bot.web.console.audit import Audit
from bot.web.console.logins import LOCK_SECONDS, MAX_FAILURES, failures_key
from bot.web.console.operators import Operators
from tests import line_events as ev
from tests.conftest import SECRET
from tests.console import PASSWORD, TOKEN, add_operator, csrf, login, post_form


def actions(r) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(e.operator, e.action) for e in reversed(Audit(r).recent())]


@pytest.mark.cluster
def test_login_opens_the_queue_and_is_audited(app, client, r) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    response = login(client, "aoi")
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    page = client.get("/console/").get_data(as_text=True)
    assert 'id="operator-name">aoi<' in page and 'id="waiting"' in page
    assert actions(r) == [("aoi", "login")]


def page_of(response, name: str) -> str:  # noqa: ANN001
    """The page without the typed name and the CSRF token (it carries a timestamp, so it may differ)."""
    return TOKEN.sub("", response.get_data(as_text=True).replace(name, "X"))


def test_wrong_password_and_unknown_name_get_the_same_answer(app, client, r) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    wrong = login(client, "aoi", "not the password")
    unknown = login(client, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert page_of(wrong, "aoi") == page_of(unknown, "nobody")
    assert client.get("/console/").status_code == 302
    assert actions(r) == [("aoi", "login_failed"), ("?", "login_failed")]  # a typed-in non-name is not kept


@pytest.mark.cluster
def test_five_failures_lock_a_name_even_with_the_right_password_and_unknown_names_alike(app, client, r) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    codes = [login(client, "aoi", f"guess number {i}").status_code for i in range(MAX_FAILURES)]
    assert codes == [401] * (MAX_FAILURES - 1) + [429]
    locked = login(client, "aoi", PASSWORD)
    assert locked.status_code == 429 and 'id="login-error"' in locked.get_data(as_text=True)
    assert 0 < r.ttl(failures_key("aoi")) <= LOCK_SECONDS
    ghost = [login(client, "ghost", f"guess number {i}").status_code for i in range(MAX_FAILURES + 1)]
    assert ghost == codes + [429]
    r.delete(failures_key("aoi"))  # the lock's time is over
    assert login(client, "aoi", PASSWORD).status_code == 302


def test_success_clears_earlier_failures(app, client, r) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    for _ in range(MAX_FAILURES - 1):
        login(client, "aoi", "nearly right password")
    assert login(client, "aoi").status_code == 302
    assert not r.exists(failures_key("aoi"))


@pytest.mark.cluster
def test_logout_ends_the_login_on_the_server_too(app, client, r) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    login(client, "aoi")
    cookie = client.get_cookie("session")
    assert cookie is not None
    response = post_form(client, "/console/", "/console/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/console/login"
    assert client.get("/console/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie.value, path="/")  # a copied cookie is worth nothing after logout
    assert replay.get("/console/").status_code == 302
    assert actions(r)[-1] == ("aoi", "logout")


def test_removing_an_operator_ends_their_login(app, counselor, r) -> None:  # noqa: ANN001
    assert counselor.get("/console/").status_code == 200
    Operators(r).remove("aoi")
    assert counselor.get("/console/").status_code == 302


@pytest.mark.parametrize("page", ["/console/", "/console/t/0123456789abcdef", "/console/audit", "/console/canned"])
def test_pages_need_a_login(client, page: str) -> None:  # noqa: ANN001
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


def test_live_updates_answer_401_so_the_page_reloads_to_the_login(client) -> None:  # noqa: ANN001
    assert client.get("/console/queue").status_code == 401
    assert client.get("/console/t/0123456789abcdef/lines").status_code == 401


def test_login_returns_to_the_page_asked_for_but_never_elsewhere(app, client) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    assert login(client, "aoi", next_page="/console/audit").headers["Location"] == "/console/audit"
    other = app.test_client()
    assert login(other, "aoi", next_page="https://evil.example/").headers["Location"] == "/console/"
    third = app.test_client()
    assert login(third, "aoi", next_page="//evil.example/console/").headers["Location"] == "/console/"


def test_forms_without_a_valid_csrf_token_are_refused(app, client, counselor) -> None:  # noqa: ANN001
    add_operator(app, "kai")
    assert client.post("/console/login", data={"username": "kai", "password": PASSWORD}).status_code == 400
    bad = {"username": "kai", "password": PASSWORD, "csrf_token": "forged"}
    assert client.post("/console/login", data=bad).status_code == 400
    assert client.get("/console/").status_code == 302  # not logged in
    assert counselor.post("/console/logout").status_code == 400
    assert counselor.get("/console/").status_code == 200  # still logged in


def test_a_token_from_another_browser_is_refused(app, counselor) -> None:  # noqa: ANN001
    stranger = app.test_client()
    token = csrf(stranger)
    assert counselor.post("/console/logout", data={"csrf_token": token}).status_code == 400


def test_the_line_webhook_needs_no_csrf_token(client) -> None:  # noqa: ANN001
    body = ev.body(ev.text(ev.user_id(1), "こんにちは"))
    response = client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body, SECRET),
                                                            "Content-Type": "application/json"})
    assert response.status_code == 200


def test_session_cookie_is_httponly_lax_and_limited_in_time(app, client) -> None:  # noqa: ANN001
    add_operator(app, "aoi")
    cookie = login(client, "aoi").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # plain HTTP in development: the setting is off


def test_secure_cookie_behind_https(settings, r, clock) -> None:  # noqa: ANN001
    app = create_app(settings.with_(console_secure_cookie=True), r, clock)
    add_operator(app, "aoi")
    client = app.test_client()
    page = client.get("/console/login", base_url="https://localhost").get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    response = client.post("/console/login", base_url="https://localhost", data={
        "username": "aoi", "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/console/login"})  # Flask-WTF checks it over HTTPS
    assert response.status_code == 302 and "; Secure" in response.headers["Set-Cookie"]
    assert client.get("/console/", base_url="https://localhost").status_code == 200


def test_session_key_is_derived_from_the_data_key(app, settings) -> None:  # noqa: ANN001
    keyring = resolve_keyring(settings)
    assert app.secret_key == keyring.console_secret
    assert keyring.console_secret not in (keyring.user_secret, *keyring.keys)


def test_pages_forbid_framing_and_caching(counselor) -> None:  # noqa: ANN001
    headers = counselor.get("/console/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"


def test_secure_cookie_defaults_to_on_where_line_needs_https_anyway() -> None:
    creds = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}
    assert load_settings({}).console_secure_cookie is False
    assert load_settings(creds).console_secure_cookie is True
    assert load_settings({**creds, "KAKEHASHI_CONSOLE_SECURE_COOKIE": "0"}).console_secure_cookie is False
    with pytest.raises(SettingsError, match="KAKEHASHI_CONSOLE_SECURE_COOKIE"):
        load_settings({"KAKEHASHI_CONSOLE_SECURE_COOKIE": "maybe"})
