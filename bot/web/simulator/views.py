"""The simulator's page and its two calls: send what the person did, and poll for what arrived.

Each browser is a person of its own (a random id in a cookie; "new user" draws another). Events go through
`LocalChat` into the same stream, worker and engine as LINE's, and come back as the LINE messages the bot
would send, so the page draws exactly what a phone would show.

Beside LINE (`KAKEHASHI_SIMULATOR=1`) anyone who can reach it can talk to it, so it is bounded: a visitor id
is minted and signed by the server (a made-up cookie is refused), each address gets a few new visitors an
hour and a number of events a minute, and a visitor who has opened MAX_TICKETS counselor tickets is told to
stop, so the counselors' queue cannot be flooded. Long polls hold a web thread each: only MAX_POLLERS per
process may wait at once, the others are answered at once and told when to ask again, so the webhook always
finds a free thread.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any, cast

import redis
from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request, url_for
from itsdangerous import BadSignature, Signer

from bot.clock import Clock
from bot.desk.tickets import record_key, tickets_of_key
from bot.engine.replies import CLOSED, MAX_TEXT
from bot.line import richmenu
from bot.local_chat import LocalChat
from bot.store import keys
from bot.store.keyring import Keyring
from bot.stream.inbox import Inbox
from bot.web.console.web import HEADERS

simulator = Blueprint("simulator", __name__, template_folder="templates", static_folder="static")
COOKIE = "kh_sim"
KINDS = ("text", "postback", "sticker", "follow", "media", "location")
MAX_WAIT_S = 10.0  # a long poll holds one web thread: keep it short
MAX_POLLERS = 4  # long polls waiting at once per web process (gunicorn gives each 8 threads)
RETRY_S = 1  # when no long poll is free, ask again after this long
NEW_VISITORS_PER_HOUR = 30  # per client address
EVENTS_PER_MINUTE = 120  # per client address: a person taps far less
MAX_TICKETS = 3  # counselor tickets one visitor may open (while its tickets are kept)
_COUNT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"


def init_simulator(app: Flask, r: redis.Redis, inbox: Inbox, keyring: Keyring, clock: Clock) -> None:
    app.extensions["kakehashi.simulator"] = (r, inbox, keyring, clock)
    # The app's own long-poll slots: shared by its threads, never by another app in the same process (the suite
    # runs many, and a browser's polls still open in one must not leave the next without a slot).
    app.extensions["kakehashi.simulator.pollers"] = threading.BoundedSemaphore(MAX_POLLERS)


def _chat(person: str) -> LocalChat:
    r, inbox, keyring, clock = current_app.extensions["kakehashi.simulator"]
    return LocalChat(r, inbox, keyring, f"sim:{person}", clock)


def _signer() -> Signer:
    return Signer(current_app.secret_key or "", salt="kakehashi-simulator-visitor")


def _cookie_person() -> str | None:
    try:
        person = _signer().unsign(request.cookies.get(COOKIE, "")).decode()
    except BadSignature:
        return None
    return person if len(person) == 32 else None


def _person() -> str:
    person = _cookie_person()
    if person is None:
        abort(400, "no simulator id: load /simulator/ first")
    return person


def _within(what: str, limit: int, window: int) -> bool:
    """Count one more `what` from this client address in a fixed window; False once past `limit`."""
    r = current_app.extensions["kakehashi.simulator"][0]
    key = keys.simulator_limit(what, request.remote_addr or "?")
    return int(r.eval(_COUNT, 1, key, window)) <= limit


def _new_person() -> str | None:
    return secrets.token_hex(16) if _within("visitors", NEW_VISITORS_PER_HOUR, 3600) else None


def _with_cookie(response: Response, person: str) -> Response:
    response.set_cookie(COOKIE, _signer().sign(person).decode(), httponly=True, samesite="Strict",
                        max_age=7 * 86400, secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _tickets_spent(user: str) -> bool:
    """MAX_TICKETS opened and all of them over: this visitor is done asking (while one is open, it may
    still talk, and cancel)."""
    r = current_app.extensions["kakehashi.simulator"][0]
    tickets = cast(set[str], r.smembers(tickets_of_key(user)))
    if len(tickets) < MAX_TICKETS:
        return False
    pipe = r.pipeline(transaction=False)
    for ticket in tickets:
        pipe.hget(record_key(user, ticket), "status")  # the record, not an organization's index: any queue
    return all(status in (CLOSED, None) for status in pipe.execute())


def _too_many(what: str) -> tuple[Response, int]:
    return jsonify(error=f"too many {what} from this address: try again later"), 429


@simulator.errorhandler(redis.RedisError)
def redis_away(_: redis.RedisError) -> tuple[Response, int]:
    """Redis restarting (or gone as a test ends) is not a bug: the page says it is retrying, and asks again."""
    response = jsonify(error="the bot's store is not reachable; retrying", retry=RETRY_S)
    response.headers["Retry-After"] = str(RETRY_S)
    return response, 503


@simulator.after_request
def protect(response: Response) -> Response:
    """The console's headers: scripts and styles only from our own files, no framing, nothing cached."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@simulator.get("/")
def page() -> Response | tuple[str, int]:
    person = _cookie_person() or _new_person()
    if person is None:
        return "too many new simulator users from this address: try again in an hour\n", 429
    return _with_cookie(Response(render_template("simulator.html")), person)


@simulator.post("/api/new")
def new_person() -> Response | tuple[Response, int]:
    """A new user: a fresh id, so the bot greets them as if they had just added it as a friend."""
    person = _new_person()
    if person is None:
        return _too_many("new users")
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
    chat = _chat(_person())
    if _tickets_spent(chat.user):
        return jsonify(error=f"this simulator user has asked for a counselor {MAX_TICKETS} times: "
                             "start a new user to go on"), 429
    if not _within("events", EVENTS_PER_MINUTE, 60):
        return _too_many("events")
    chat.send(event["type"], text, {str(k): v[:100] for k, v in params.items()})
    return jsonify(ok=True), 202


@simulator.get("/api/messages")
def messages() -> Response:
    """Long poll: what the bot sent since the last call ({"line": [...]} or {"loading": seconds})."""
    try:
        wait = min(max(float(request.args.get("wait", "0")), 0.0), MAX_WAIT_S)
    except ValueError:
        wait = 0.0
    chat = _chat(_person())
    pollers: threading.BoundedSemaphore = current_app.extensions["kakehashi.simulator.pollers"]
    if wait and not pollers.acquire(blocking=False):  # every long poll of this process is taken
        entries = chat.entries(0)
        return jsonify(entries=[{k: v for k, v in e.items() if k != "reply"} for e in entries], retry=RETRY_S)
    try:
        entries = chat.entries(wait)
    finally:
        if wait:
            pollers.release()
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
