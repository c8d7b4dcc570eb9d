"""Logging set-up: one line per record, ids only — never message text, names or raw user ids.

`json` (one object per line on stdout, for a log collector) or `text` (for a person at a terminal). Every
record carries the ids of what is being handled — the webhook call's request id, the event id, the first
characters of the hashed user key — from a context the webhook and the worker set, so one message can be
followed from the webhook through the stream to the send without logging anything it said.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

FORMATS = ("json", "text")
IDS = ("request_id", "event_id", "user")
USER_PREFIX = 8  # characters of the user key (itself an HMAC of the LINE id) that logs show

_ids: ContextVar[dict[str, str]] = ContextVar("kakehashi_log_ids", default={})  # noqa: B039 - never mutated


@contextmanager
def log_context(**ids: str) -> Iterator[None]:
    """Records logged inside carry these ids (empty ones are left out). `user` is cut to its prefix."""
    if ids.get("user"):
        ids["user"] = ids["user"][:USER_PREFIX]
    token = _ids.set({**_ids.get(), **{k: v for k, v in ids.items() if v}})
    try:
        yield
    finally:
        _ids.reset(token)


class ContextIds(logging.Filter):
    """Copies the context's ids onto each record passing through a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _ids.get().items():
            setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({name: getattr(record, name) for name in IDS if getattr(record, name, None)})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(f"{name}={getattr(record, name)}" for name in IDS if getattr(record, name, None))
        return super().format(record) + (f" [{ids}]" if ids else "")


def pick_format(configured: str | None, service: bool) -> str:
    """What KAKEHASHI_LOG_FORMAT says; else JSON for a service whose output is collected (not a terminal)."""
    if configured:
        return configured
    return "json" if service and not sys.stdout.isatty() else "text"


def handler(fmt: str, stream: object = None) -> logging.Handler:
    out = logging.StreamHandler(stream or sys.stdout)  # type: ignore[arg-type]
    out.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    out.addFilter(ContextIds())
    return out


def setup_logging(fmt: str = "text") -> None:
    """Once per process; a no-op where logging is already configured (e.g. under pytest)."""
    level = os.environ.get("KAKEHASHI_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, handlers=[handler(fmt)])
    for noisy in ("urllib3", "werkzeug", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
