"""Sending a turn's messages to LINE: the reply token first, else push with a retry key.

Every SDK call has a timeout. Pushes carry an `X-Line-Retry-Key` derived from the event id, so a retry
after a timeout or a crash can never deliver twice (LINE answers 409 to a key it already accepted).
A reply has no such key; its token can be spent once, so after an attempt whose fate is unknown (a timeout,
a 5xx, a crash before the send was recorded) LINE refusing the token means that attempt got through.
Each request's outcome is counted for /metrics (`count`: reply, push, retry, failed, quota).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    ShowLoadingAnimationRequest,
)

from bot.clock import Clock, system_clock
from bot.line.render import Message
from bot.stream.envelope import DeliveryFailed, Envelope, Undeliverable

log = logging.getLogger(__name__)

MAX_PER_REQUEST = 5
REPLY_TOKEN_LIFETIME_MS = 50_000  # LINE allows about a minute; keep a margin
RETRY_NAMESPACE = uuid.UUID("6f1c2a52-4b7e-4d43-9a51-4b61a3c0e7d2")
LOADING_S = 5  # LINE shows it for a multiple of 5 seconds, or until our message arrives


def retry_key(event_id: str, part: int) -> str:
    return str(uuid.uuid5(RETRY_NAMESPACE, f"{event_id}:{part}"))


def batches(messages: Sequence[Message]) -> list[list[Message]]:
    return [list(messages[i : i + MAX_PER_REQUEST]) for i in range(0, len(messages), MAX_PER_REQUEST)]


class LineSender:
    """One per process: the SDK's ApiClient keeps a connection pool shared by the worker threads."""

    def __init__(
        self,
        base_url: str,
        access_token: str,
        timeout: float,
        attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        count: Callable[[str], None] = lambda outcome: None,
        clock: Clock = system_clock,
    ) -> None:
        config = Configuration(host=base_url, access_token=access_token)
        config.retries = urllib3.Retry(total=0, raise_on_status=False)  # we retry, with the same key
        config.connection_pool_maxsize = 64
        self.api = MessagingApi(ApiClient(config))
        self.client = self.api.api_client
        self.timeout, self.attempts, self.sleep, self.count, self.clock = timeout, attempts, sleep, count, clock

    def deliver(self, env: Envelope, messages: Sequence[Message], done: int, mark: Callable[[int], None],
                quiet: bool = False) -> None:
        """Send the parts not yet sent (`done` of them were); `mark(n)` records progress between parts.

        After the last part nothing is marked: the worker acknowledges the event right after, and an
        acknowledged event is never tried again (one Redis round trip fewer for almost every answer).

        `quiet` delivers without sound or vibration (LINE's notificationDisabled), when the person chose so.
        """
        parts = batches(messages)
        for part, batch in enumerate(parts):
            if part < done:
                continue
            if part == 0 and self._token_usable(env) and self._reply(env, batch, quiet):
                self.count("reply")
            else:
                self._push(env.chat_id, batch, retry_key(env.event_id, part), quiet)
                self.count("push")
            if part + 1 < len(parts):
                mark(part + 1)

    def show_loading(self, chat_id: str, seconds: int = LOADING_S) -> None:
        """Best effort "…" in a one-to-one chat while the answer is on its way; never worth a retry."""
        try:
            self.api.show_loading_animation(ShowLoadingAnimationRequest(chatId=chat_id, loadingSeconds=seconds),
                                            _request_timeout=self.timeout)
        except (ApiException, urllib3.exceptions.HTTPError) as exc:
            log.info("loading animation not shown (%s)", type(exc).__name__)

    def leave_chat(self, kind: str, chat_id: str, text: str, reply_token: str | None) -> None:
        """Say `text` once (with the event's reply token, never a push: a group is not worth a message of the
        quota) and leave the group or room. Best effort with a few tries: a later event from the same group
        tries again, and LINE refusing (already left, token spent) ends it."""
        if reply_token:
            self._best_effort("/v2/bot/message/reply", {"replyToken": reply_token,
                                                         "messages": [{"type": "text", "text": text}]})
        self._best_effort(f"/v2/bot/{kind}/{chat_id}/leave", None)

    def _best_effort(self, path: str, body: dict[str, Any] | None) -> None:
        delay = 0.5
        for _ in range(min(self.attempts, 3)):
            try:
                self.client.call_api(path, "POST", header_params={"Content-Type": "application/json"}, body=body,
                                     auth_settings=["Bearer"], response_types_map={},
                                     _request_timeout=self.timeout)
                self.count("leave" if path.endswith("/leave") else "reply")
                return
            except ApiException as exc:
                if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                    log.info("LINE refused a %s call (status %s)", path.rsplit("/", 1)[-1], exc.status)
                    return
            except urllib3.exceptions.HTTPError:
                pass
            self.sleep(delay)
            delay *= 2
        log.warning("gave up a %s call after several tries", path.rsplit("/", 1)[-1])

    def _token_usable(self, env: Envelope, within_ms: float = 0) -> bool:
        age = self.clock() * 1000 - env.timestamp + within_ms
        return bool(env.reply_token) and not env.redelivery and age < REPLY_TOKEN_LIFETIME_MS

    def _post(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """The SDK's own client (auth, connection pool, ApiException on errors) with a body render() built:
        the SDK's typed request models would validate and serialise it again, at more CPU than a turn."""
        self.client.call_api(path, "POST", header_params={"Content-Type": "application/json", **(headers or {})},
                             body=body, auth_settings=["Bearer"], response_types_map={},
                             _request_timeout=self.timeout)

    def _reply(self, env: Envelope, batch: list[Message], quiet: bool) -> bool:
        """True when the reply went out; False when the token is no good and we should push instead."""
        request = {"replyToken": env.reply_token, "messages": batch, "notificationDisabled": quiet}
        unsure = env.resumed  # whether an earlier try may have spent the token
        delay = 0.5
        for _ in range(self.attempts):
            wait = delay
            try:
                self._post("/v2/bot/message/reply", request)
                return True
            except ApiException as exc:
                if exc.status == 400:
                    return unsure
                if exc.status == 429:
                    wait = _retry_after(exc) or delay
                elif exc.status is not None and 400 <= exc.status < 500:
                    self._refused(exc.status, "reply")
                else:
                    unsure = True
                log.warning("reply failed (status %s); trying again in %.1fs", exc.status, wait)
            except urllib3.exceptions.HTTPError:
                unsure = True
                log.warning("reply timed out or lost its connection; trying again in %.1fs", wait)
            self.count("retry")
            if not self._token_usable(env, within_ms=wait * 1000):
                break
            self.sleep(min(wait, 30.0))
            delay = min(delay * 2, 8.0)
        if unsure and self._token_usable(env):
            self.count("failed")
            raise DeliveryFailed("reply kept failing")  # tried again later: a refused token then tells
        if unsure:
            log.warning("a reply may have gone out, but its token has expired: pushing so nothing is lost")
        return False

    def _push(self, to: str, batch: list[Message], key: str, quiet: bool) -> None:
        request = {"to": to, "messages": batch, "notificationDisabled": quiet}
        delay = 0.5
        for _ in range(self.attempts):
            try:
                self._post("/v2/bot/message/push", request, {"X-Line-Retry-Key": key})
                return
            except ApiException as exc:
                if exc.status == 409:
                    return  # this retry key was already accepted: the message is out
                if exc.status == 429:
                    if "monthly limit" in str(exc.body or ""):  # the SDK hands the body over decoded
                        log.error("LINE monthly message quota reached: push refused, event parked")
                        self.count("quota")
                        self.count("failed")
                        raise Undeliverable("monthly quota") from None
                    wait = _retry_after(exc) or delay
                    log.warning("LINE rate limit (429); waiting %.1fs", wait)
                    self.sleep(min(wait, 30.0))
                elif exc.status is not None and 400 <= exc.status < 500:
                    self._refused(exc.status, "push")
                else:
                    log.warning("push failed (status %s); retrying with the same key", exc.status)
                    self.sleep(delay)
            except urllib3.exceptions.HTTPError:
                log.warning("push timed out or lost its connection; retrying with the same key")
                self.sleep(delay)
            self.count("retry")
            delay = min(delay * 2, 8.0)
        self.count("failed")
        raise DeliveryFailed("push kept failing")

    def _refused(self, status: int, what: str) -> NoReturn:
        """A 4xx other than 409/429: asking again cannot help, so the event is parked, not retried."""
        log.error("LINE refused a %s (status %s); not retried", what, status)
        self.count("failed")
        raise Undeliverable(f"status {status}") from None


def _retry_after(exc: ApiException) -> float | None:
    headers = {k.lower(): v for k, v in dict(exc.headers or {}).items()}
    try:
        return float(headers["retry-after"])
    except (KeyError, ValueError):
        return None
