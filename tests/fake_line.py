"""A fake LINE Messaging API (and data API, for rich-menu pictures) on 127.0.0.1: records every request and
enforces LINE's limits.

The real line-bot-sdk talks to it over HTTP (LINE_API_BASE_URL), so tests exercise the real client code:
timeouts, headers, retry keys, error statuses. It can be told to fail (400, 429, 500) or to answer slowly.
"""

from __future__ import annotations

import fnmatch
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_line_richmenu import RichMenus

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
MESSAGE_TYPES = {"text", "sticker", "image", "video", "audio", "location", "imagemap", "template", "flex"}
LEAVE_RE = re.compile(r"^/v2/bot/(group|room)/([A-Za-z0-9]+)/leave$")
DEFAULT_MESSAGES = {400: "Invalid reply token", 429: "Too Many Requests", 500: "Internal Server Error"}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0
    at: float = field(default_factory=time.time)
    data_api: bool = False  # sent to LINE_DATA_API_BASE_URL (pictures), not LINE_API_BASE_URL


@dataclass
class Delivery:
    kind: str  # "reply" | "push"
    to: str | None
    reply_token: str | None
    retry_key: str | None
    messages: list[dict[str, Any]]
    notification_disabled: bool


@dataclass
class Fault:
    status: int
    times: int
    path: str | None
    retry_after: int | None
    message: str | None


def _action_errors(action: Any, where: str) -> list[tuple[str, str]]:
    if not isinstance(action, dict):
        return [(f"{where}", "must be an object")]
    errors = []
    label = action.get("label")
    if label is not None and not (1 <= len(label) <= 20):
        errors.append((f"{where}.label", "Length must be between 1 and 20"))
    kind = action.get("type")
    if kind == "postback":
        if len(str(action.get("data", "")).encode()) > 300 or not action.get("data"):
            errors.append((f"{where}.data", "Length must be between 1 and 300"))
        if len(str(action.get("displayText", ""))) > 300:
            errors.append((f"{where}.displayText", "Length must be between 0 and 300"))
    elif kind == "datetimepicker":
        if not action.get("data") or action.get("mode") not in ("date", "time", "datetime"):
            errors.append((f"{where}", "data and a mode of date, time or datetime are required"))
    elif kind == "uri":
        if not action.get("uri"):
            errors.append((f"{where}.uri", "must not be empty"))
    elif kind == "message":
        if not (1 <= len(str(action.get("text", ""))) <= 300):
            errors.append((f"{where}.text", "Length must be between 1 and 300"))
    elif kind not in ("camera", "cameraRoll", "location", "clipboard", "richmenuswitch"):
        errors.append((f"{where}.type", "unknown action type"))
    return errors


FLEX_COMPONENTS = {"box", "text", "button", "separator", "image", "icon", "span", "filler"}


def _flex_errors(node: Any, where: str) -> list[tuple[str, str]]:
    """A flex bubble (or carousel) as LINE checks it: known components, texts not empty, actions valid."""
    if not isinstance(node, dict):
        return [(where, "must be an object")]
    kind = node.get("type")
    if kind == "carousel":
        bubbles = node.get("contents")
        if not isinstance(bubbles, list) or not 1 <= len(bubbles) <= 12:
            return [(f"{where}.contents", "Size must be between 1 and 12")]
        return [e for i, b in enumerate(bubbles) for e in _flex_errors(b, f"{where}.contents[{i}]")]
    if kind == "bubble":
        if len(json.dumps(node, ensure_ascii=False).encode()) > 30_000:
            return [(where, "A bubble must be 30 KB or less")]
        return [e for part in ("header", "hero", "body", "footer") if part in node
                for e in _flex_errors(node[part], f"{where}.{part}")]
    if kind not in FLEX_COMPONENTS:
        return [(f"{where}.type", "unknown flex component")]
    errors: list[tuple[str, str]] = []
    if kind == "box":
        layout_ok = node.get("layout") in ("vertical", "horizontal", "baseline")
        if not layout_ok or not isinstance(node.get("contents"), list):
            errors.append((where, "a box needs a layout and contents"))
        for i, child in enumerate(node.get("contents") or []):
            errors += _flex_errors(child, f"{where}.contents[{i}]")
    elif kind == "text" and not str(node.get("text") or ""):
        errors.append((f"{where}.text", "must not be empty"))
    elif kind == "button":
        errors += _action_errors(node.get("action"), f"{where}.action")
    return errors


def message_errors(messages: Any) -> list[tuple[str, str]]:
    """LINE's validation of a messages array, as (property, message) pairs."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return [("messages", "Size must be between 1 and 5")]
    errors: list[tuple[str, str]] = []
    for i, m in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(m, dict) or m.get("type") not in MESSAGE_TYPES:
            errors.append((f"{where}.type", "unknown message type"))
            continue
        if m["type"] == "text" and not (1 <= len(str(m.get("text", ""))) <= 5000):
            errors.append((f"{where}.text", "Length must be between 1 and 5000"))
        if m["type"] == "flex" and (not (1 <= len(str(m.get("altText", ""))) <= 1500) or not m.get("contents")):
            errors.append((f"{where}.altText", "altText (1-1500) and contents are required"))
        if m["type"] == "flex":
            errors += _flex_errors(m.get("contents"), f"{where}.contents")
        items = (m.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            errors.append((f"{where}.quickReply.items", "Size must be between 0 and 13"))
        for j, item in enumerate(items):
            errors += _action_errors(item.get("action"), f"{where}.quickReply.items[{j}].action")
    return errors


class FakeLineApi(RichMenus):
    """The Messaging API at `url`, the data API (rich-menu pictures) at `data_url`, sharing one state."""

    action_errors = staticmethod(_action_errors)

    def __init__(self, access_token: str = "test-access-token") -> None:
        self.access_token = access_token
        self.delay = 0.0
        self.arrived = 0  # requests that reached us, counted before the delay (`requests` records them after)
        self.requests: list[Recorded] = []
        self._deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._spent: set[str] = set()
        self._expired: set[str] = set()
        self._token_chat: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._faults: list[Fault] = []
        self.refusals: list[list[tuple[str, str]]] = []  # every request LINE would have refused as invalid
        self.left: list[tuple[str, str]] = []  # (group | room, id) the bot left, in order
        self._members: set[tuple[str, str]] = set()  # groups and rooms the bot is in (join_group)
        self._servers: list[ThreadingHTTPServer] = []
        self._rich_menu_reset()
        self.url = self.data_url = ""

    # ── life cycle ────────────────────────────────────────────────────────────
    def start(self) -> FakeLineApi:
        self.url, self.data_url = self._serve(data_api=False), self._serve(data_api=True)
        return self

    def _serve(self, data_api: bool) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                fake._handle(self, data_api)

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self, data_api)

            def do_DELETE(self) -> None:  # noqa: N802
                fake._handle(self, data_api)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        # a short poll: stop() waits for it, once per server and test
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> FakeLineApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ── what tests read and control ───────────────────────────────────────────
    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)

    def messages_to(self, chat_id: str) -> list[dict[str, Any]]:
        return [m for d in self.deliveries() if d.to == chat_id for m in d.messages]

    def wait_for(self, predicate: Callable[[FakeLineApi], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                summary = [(d.kind, d.to, [m.get("text", m.get("type"))[:40] for m in d.messages])
                           for d in self.deliveries()[-5:]]
                raise AssertionError(f"fake LINE API: condition not met in {timeout}s; last deliveries {summary}")
            time.sleep(0.01)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._deliveries.clear()
            self._spent.clear()
            self._expired.clear()
            self._token_chat.clear()
            self._keys.clear()
            self._faults.clear()
            self.left.clear()
            self._members.clear()
            self._rich_menu_reset()
            self.delay = 0.0
            self.arrived = 0

    def fail_next(self, status: int, *, times: int = 1, path: str | None = None, retry_after: int | None = None,
                  message: str | None = None) -> None:
        with self._lock:
            self._faults.append(Fault(status, times, path, retry_after, message))

    def expire_reply_token(self, token: str) -> None:
        with self._lock:
            self._expired.add(token)

    def register_reply_token(self, token: str, chat_id: str) -> None:
        with self._lock:
            self._token_chat[token] = chat_id

    def join_group(self, kind: str, chat_id: str) -> None:
        """The bot is a member of this group or room: leaving it answers 200 once, then 400 as LINE does."""
        with self._lock:
            self._members.add((kind, chat_id))

    # ── serving ───────────────────────────────────────────────────────────────
    def _handle(self, h: BaseHTTPRequestHandler, data_api: bool) -> None:
        with self._lock:
            self.arrived += 1
        if self.delay:
            time.sleep(self.delay)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in h.headers.items()}
        try:
            body = json.loads(raw) if raw else None
            parsed = True
        except ValueError:
            body, parsed = None, False
        record = Recorded(h.command, h.path.split("?")[0], headers, body, data_api=data_api)
        with self._lock:
            self.requests.append(record)
            status, payload, extra = self._answer(record, parsed, raw)
            record.status = status
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.send_header("x-line-request-id", str(uuid.uuid4()))
        for name, value in extra.items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(data)

    def _answer(self, q: Recorded, parsed: bool, raw: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Decide the answer under the lock: auth, faults, validation, tokens, retry keys."""
        if q.headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, {"message": "Authentication failed. Confirm that the access token in the authorization "
                                    "header is valid."}, {}
        for fault in self._faults:
            if fault.path is None or fnmatch.fnmatchcase(q.path, fault.path):  # "/v2/bot/richmenu/*/content"
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                message = fault.message or DEFAULT_MESSAGES.get(fault.status, "Error")
                return fault.status, {"message": message}, extra
        if q.data_api or q.path.startswith(("/v2/bot/richmenu", "/v2/bot/user/all/richmenu")):
            return self._rich_menu_answer(q.method, q.path, q.body, raw, q.headers.get("content-type", ""),
                                          q.data_api)
        leave = LEAVE_RE.match(q.path)
        if leave and q.method == "POST":
            return self._leave(leave.group(1), leave.group(2))
        routes = {"/v2/bot/message/reply": self._reply, "/v2/bot/message/push": self._push,
                  "/v2/bot/chat/loading/start": self._loading}
        if q.method != "POST" or q.path not in routes:
            return 404, {"message": "Not found"}, {}
        if not parsed or not isinstance(q.body, dict):
            return 400, {"message": "The request body could not be parsed as JSON"}, {}
        return routes[q.path](q)

    def _invalid(self, errors: list[tuple[str, str]]) -> tuple[int, dict[str, Any], dict[str, str]]:
        self.refusals.append(errors)
        details = [{"message": m, "property": p} for p, m in errors]
        return 400, {"message": f"The request body has {len(errors)} error(s)", "details": details}, {}

    def _accepted(self, q: Recorded, kind: str, to: str | None, token: str | None, key: str | None):  # noqa: ANN202
        messages = q.body["messages"]
        self._deliveries.append(Delivery(kind, to, token, key, messages, bool(q.body.get("notificationDisabled"))))
        sent = [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in messages]
        return 200, {"sentMessages": sent}, {}

    def _reply(self, q: Recorded):  # noqa: ANN202
        errors = message_errors(q.body.get("messages"))
        if errors:
            return self._invalid(errors)
        token = q.body.get("replyToken")
        if not token or token in self._spent or token in self._expired:
            return 400, {"message": "Invalid reply token"}, {}
        self._spent.add(token)
        return self._accepted(q, "reply", self._token_chat.get(token), token, None)

    def _push(self, q: Recorded):  # noqa: ANN202
        errors = message_errors(q.body.get("messages"))
        if not q.body.get("to"):
            errors.append(("to", "must not be empty"))
        if errors:
            return self._invalid(errors)
        key = q.headers.get("x-line-retry-key")
        if key is not None:
            if not UUID_RE.match(key):
                return 400, {"message": "The retry key must be UUID"}, {}
            if key in self._keys:
                return 409, {"message": "The retry key is already accepted"}, {
                    "x-line-accepted-request-id": self._keys[key]}
            self._keys[key] = str(uuid.uuid4())
        return self._accepted(q, "push", q.body["to"], None, key)

    def _leave(self, kind: str, chat_id: str):  # noqa: ANN202
        if (kind, chat_id) not in self._members:
            return 400, {"message": f"The bot is not a member of this {kind}"}, {}
        self._members.discard((kind, chat_id))
        self.left.append((kind, chat_id))
        return 200, {}, {}

    def _loading(self, q: Recorded):  # noqa: ANN202
        seconds = q.body.get("loadingSeconds", 20)
        if not q.body.get("chatId") or not isinstance(seconds, int) or not (5 <= seconds <= 60) or seconds % 5:
            return self._invalid([("loadingSeconds", "must be a multiple of 5 between 5 and 60")])
        return 202, {}, {}
