"""The simulator's page and its two calls: send what the person did, and poll for what arrived.

Each browser is a person of its own (a random id in a cookie; "new user" draws another). Events go through
`LocalChat` into the same stream, worker and engine as LINE's, and come back as the LINE messages the bot
would send, so the page draws exactly what a phone would show.
"""

from __future__ import annotations

import secrets
from typing import Any

import redis
from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request, url_for

from bot.clock import Clock
from bot.line import richmenu
from bot.local_chat import LocalChat
from bot.store.keyring import Keyring
from bot.stream.inbox import Inbox
from bot.web.console.web import HEADERS

simulator = Blueprint("simulator", __name__, template_folder="templates", static_folder="static")
COOKIE = "kh_sim"
KINDS = ("text", "postback", "sticker", "follow", "media", "location")
MAX_TEXT = 5000
MAX_WAIT_S = 10.0  # a long poll holds one web thread: keep it short


def init_simulator(app: Flask, r: redis.Redis, inbox: Inbox, keyring: Keyring, clock: Clock) -> None:
    app.extensions["kakehashi.simulator"] = (r, inbox, keyring, clock)


def _chat(person: str) -> LocalChat:
    r, inbox, keyring, clock = current_app.extensions["kakehashi.simulator"]
    return LocalChat(r, inbox, keyring, f"sim:{person}", clock)


def _person() -> str:
    person = request.cookies.get(COOKIE, "")
    if not (len(person) == 32 and all(c in "0123456789abcdef" for c in person)):
        abort(400, "no simulator id: load /simulator/ first")
    return person


def _with_cookie(response: Response, person: str) -> Response:
    response.set_cookie(COOKIE, person, httponly=True, samesite="Strict", max_age=7 * 86400)
    return response


@simulator.after_request
def protect(response: Response) -> Response:
    """The console's headers: scripts and styles only from our own files, no framing, nothing cached."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@simulator.get("/")
def page() -> Response:
    person = request.cookies.get(COOKIE) or secrets.token_hex(16)
    return _with_cookie(Response(render_template("simulator.html")), person)


@simulator.post("/api/new")
def new_person() -> Response:
    """A new user: a fresh id, so the bot greets them as if they had just added it as a friend."""
    person = secrets.token_hex(16)
    _chat(person).send("follow")
    return _with_cookie(jsonify(ok=True), person)


@simulator.post("/api/events")
def send() -> Response | tuple[Response, int]:
    """JSON only: a cross-site form cannot post it without the browser asking first (no CSRF token needed)."""
    event: Any = request.get_json(silent=True)
    if not isinstance(event, dict) or event.get("type") not in KINDS:
        return jsonify(error=f"type must be one of {', '.join(KINDS)}"), 400
    text = str(event.get("text") or event.get("data") or "")[:MAX_TEXT]
    params = event.get("params") or {}
    if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
        return jsonify(error="params must map names to strings"), 400
    _chat(_person()).send(event["type"], text, {str(k): v[:100] for k, v in params.items()})
    return jsonify(ok=True), 202


@simulator.get("/api/messages")
def messages() -> Response:
    """Long poll: what the bot sent since the last call ({"line": [...]} or {"loading": seconds})."""
    try:
        wait = min(max(float(request.args.get("wait", "0")), 0.0), MAX_WAIT_S)
    except ValueError:
        wait = 0.0
    entries = _chat(_person()).entries(wait)
    return jsonify(entries=[{k: v for k, v in e.items() if k != "reply"} for e in entries])


def _menu() -> richmenu.RichMenuSpec:
    """Read at each call, so a changed flows/richmenu.yaml shows on the next reload."""
    try:
        return richmenu.load_richmenu(current_app.extensions["kakehashi.settings"])
    except richmenu.RichMenuError as exc:
        abort(404, str(exc))


@simulator.get("/api/richmenu")
def richmenu_definition() -> Response:
    """The rich menu object LINE is sent (areas with postbacks `cmd:<command>`, the chat bar), and its picture."""
    return jsonify({**richmenu.request(_menu()), "image": url_for("simulator.richmenu_picture")})


@simulator.get("/richmenu.png")
def richmenu_picture() -> Response:
    data = richmenu.image_bytes(_menu())
    return Response(data, mimetype=richmenu.image_info(data)[0])
