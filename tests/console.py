"""Helpers for console tests: operators, logging in through the real form (CSRF token and all), tickets made
directly through TicketStore, and reading what reached a person's event stream."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from bot.desk.desk import Desk
from bot.desk.records import DANGER, NORMAL, Line, Summary, Ticket
from bot.engine.handoff import new_ticket_id
from bot.store import keys
from bot.stream.envelope import Envelope
from bot.web.console.operators import ADMIN, COUNSELOR, SYSTEM, Operators
from tests import line_events as ev

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def desk_of(app: Flask) -> Desk:
    found: Desk = app.extensions["kakehashi.desk"]
    return found


def add_operator(app: Flask, name: str, admin: bool = False, password: str = PASSWORD, org: str = "",
                 system: bool = False) -> None:
    role = SYSTEM if system else ADMIN if admin else COUNSELOR
    Operators(app.extensions["kakehashi.redis"]).add(name, password, role, org)


def csrf(client: FlaskClient, page: str = "/console/login") -> str:
    """The token a real browser would find in the page's form."""
    found = TOKEN.search(client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def login(client: FlaskClient, name: str, password: str = PASSWORD, next_page: str = ""):  # noqa: ANN201
    data = {"username": name, "password": password, "csrf_token": csrf(client), "next": next_page}
    return client.post("/console/login", data=data)


def logged_in(app: Flask, name: str, admin: bool = False, org: str = "", system: bool = False) -> FlaskClient:
    """A new browser (its own cookies) with `name` created and logged in (of organization `org`)."""
    add_operator(app, name, admin, org=org, system=system)
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def post_form(client: FlaskClient, page: str, url: str, /, **data: str):  # noqa: ANN201
    """Submit a form found on `page` to `url` the way a browser does: with that page's CSRF token."""
    return client.post(url, data={"csrf_token": csrf(client, page), **data})


def open_ticket(app: Flask, n: int = 1, *, danger: bool = False, age: float = 60, lang: str = "ja",
                topic: str = "親子交流（面会交流）", said: str = "子どもに会わせてもらえません",
                org: str = "") -> Ticket:
    """A waiting ticket as the engine would open it (for organization `org`, "" the default one): record,
    first transcript line, then the index."""
    store = desk_of(app).tickets
    chat_id = ev.user_id(n)
    user, ticket = store.keyring.user_key(chat_id), new_ticket_id()
    created = desk_of(app).clock() - age
    summary = Summary(topic, (("別居していますか？", "はい"), ("お子さんは何歳ですか？", "5歳")),
                      ("violence",) if danger else (), lang)
    pipe = store.redis.pipeline(transaction=True)
    store.write_open(pipe, user, ticket, chat_id, summary, DANGER if danger else NORMAL, created, created + 3600,
                     org)
    store.write_lines(pipe, user, ticket, [Line("user", said, created), Line("bot", "相談員に伝えました", created)])
    pipe.execute()
    store.publish(user, ticket)
    opened = store.get(ticket)
    assert opened is not None
    return opened


def delivered(app: Flask, ticket: Ticket) -> list[Envelope]:
    """Events waiting in the person's stream (no worker runs in these tests), opened with the data key."""
    store = desk_of(app).tickets
    partitions = app.extensions["kakehashi.settings"].partitions
    entries = store.redis.xrange(keys.stream(keys.partition_of(ticket.user, partitions)))
    return [Envelope.from_json(store.keyring.open(f["e"])) for _, f in entries if f["u"] == ticket.user]
