"""Sending a turn's messages to LINE (DESIGN §7): the reply token first, else push with a retry key.

Every SDK call has a timeout. Pushes carry an `X-Line-Retry-Key` derived from the event id, so a retry
after a timeout or a crash can never deliver twice (LINE answers 409 to a key it already accepted).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    ShowLoadingAnimationRequest,
)

from bot.envelope import Envelope, Undeliverable
from bot.line.render import Message

log = logging.getLogger(__name__)

MAX_PER_REQUEST = 5
REPLY_TOKEN_LIFETIME_MS = 50_000  # LINE allows about a minute; keep a margin
RETRY_NAMESPACE = uuid.UUID("6f1c2a52-4b7e-4d43-9a51-4b61a3c0e7d2")
LOADING_S = 5  # LINE shows it for a multiple of 5 seconds, or until our message arrives


class DeliveryFailed(Exception):
    """LINE kept failing (5xx, 429, timeouts) after our retries: try the event again later."""


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
    ) -> None:
        config = Configuration(host=base_url, access_token=access_token)
        config.retries = urllib3.Retry(total=0, raise_on_status=False)  # we retry, with the same key
        config.connection_pool_maxsize = 64
        self.api = MessagingApi(ApiClient(config))
        self.client = self.api.api_client
        self.timeout, self.attempts, self.sleep = timeout, attempts, sleep

    def deliver(self, env: Envelope, messages: Sequence[Message], done: int, mark: Callable[[int], None],
                quiet: bool = False) -> None:
        """Send the parts not yet sent (`done` of them were); `mark(n)` records progress after each part.

        `quiet` delivers without sound or vibration (LINE's notificationDisabled), when the person chose so.
        """
        for part, batch in enumerate(batches(messages)):
            if part < done:
                continue
            if not (part == 0 and self._token_usable(env) and self._reply(env, batch, quiet)):
                self._push(env.chat_id, batch, retry_key(env.event_id, part), quiet)
            mark(part + 1)

    def show_loading(self, chat_id: str, seconds: int = LOADING_S) -> None:
        """Best effort "…" in a one-to-one chat while the answer is on its way; never worth a retry."""
        try:
            self.api.show_loading_animation(ShowLoadingAnimationRequest(chatId=chat_id, loadingSeconds=seconds),
                                            _request_timeout=self.timeout)
        except (ApiException, urllib3.exceptions.HTTPError) as exc:
            log.info("loading animation not shown (%s)", type(exc).__name__)

    @staticmethod
    def _token_usable(env: Envelope) -> bool:
        age = time.time() * 1000 - env.timestamp
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
        for attempt in range(2):
            try:
                self._post("/v2/bot/message/reply", request)
                return True
            except ApiException as exc:
                if exc.status == 400:
                    # After an ambiguous first attempt, a spent token means that attempt got through.
                    return attempt > 0
                log.warning("reply failed (status %s); trying again", exc.status)
            except urllib3.exceptions.HTTPError:
                log.warning("reply timed out or lost its connection; trying again")
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
                        log.error("LINE monthly message quota reached: push refused")
                        raise Undeliverable("monthly quota") from None
                    wait = _retry_after(exc) or delay
                    log.warning("LINE rate limit (429); waiting %.1fs", wait)
                    self.sleep(min(wait, 30.0))
                elif exc.status is not None and 400 <= exc.status < 500:
                    log.error("LINE refused a push (status %s); not retried", exc.status)
                    raise Undeliverable(f"status {exc.status}") from None
                else:
                    log.warning("push failed (status %s); retrying with the same key", exc.status)
                    self.sleep(delay)
            except urllib3.exceptions.HTTPError:
                log.warning("push timed out or lost its connection; retrying with the same key")
                self.sleep(delay)
            delay = min(delay * 2, 8.0)
        raise DeliveryFailed("push kept failing")


def _retry_after(exc: ApiException) -> float | None:
    headers = {k.lower(): v for k, v in dict(exc.headers or {}).items()}
    try:
        return float(headers["retry-after"])
    except (KeyError, ValueError):
        return None
