"""Every setting, read from the environment in one place.

A bad value stops start-up with a message naming the variable; secrets have no defaults.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The reviewed content shipped in the package (flows/ and locales/ at the top of the repository, linked into
# bot/defaults/ so that a wheel carries them); KAKEHASHI_CONTENT_DIR points at an organization's own copy.
DEFAULT_CONTENT = Path(str(files("bot.defaults")))


class SettingsError(ValueError):
    """A variable has a value we cannot use; the message names it and what would be valid."""


@dataclass(frozen=True)
class Settings:
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"
    line_timeout: float = 10.0
    redis_url: str | None = None
    redis_cluster: bool = False
    data_dir: Path = Path("var")
    session_ttl: int = 7 * 24 * 3600
    tz: str = "Asia/Tokyo"
    port: int = 8000
    web_concurrency: int = 2
    worker_threads: int = 8
    worker_processes: int | None = None  # `serve`'s worker processes; None: one per CPU core, 0: threads in serve
    partitions: int = 16
    simulator: bool = False
    console_secure_cookie: bool = False
    handoff_timeout: int = 30 * 60
    ticket_retention_days: int = 30
    worker_lease: int = 20  # seconds before a dead worker's partitions pass to another
    event_window: int = 24 * 3600  # seconds: events older than this are not answered, and dedup lasts as long
    proxies: int = 0  # reverse proxies in front that set X-Forwarded-For/-Proto (the client's address for limits)
    log_format: str | None = None  # json | text; None: the command decides (bot.logs.pick_format)
    data_key: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    flows_dir: Path = DEFAULT_CONTENT / "flows"
    locales_dir: Path = DEFAULT_CONTENT / "locales"
    pinned_now: datetime | None = None  # tests and demos only: the instant the clock starts at

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise SettingsError(f"{name}={raw!r} must be at least {minimum}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name}={raw!r} must be 1/0, true/false, yes/no or on/off")


def _url(env: Mapping[str, str], name: str, default: str | None, schemes: tuple[str, ...]) -> str | None:
    raw = env.get(name) or default
    if raw is None:
        return None
    if not raw.startswith(tuple(s + "://" for s in schemes)):
        raise SettingsError(f"{name}={raw!r} must start with one of {', '.join(s + '://' for s in schemes)}")
    return raw.rstrip("/")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    raw = (env.get(name) or "").strip().lower()
    if raw and raw not in choices:
        raise SettingsError(f"{name}={raw!r} must be one of {', '.join(choices)}")
    return raw or None


def _data_key(env: Mapping[str, str]) -> str | None:
    raw = env.get("KAKEHASHI_DATA_KEY") or None
    if raw is None:
        return None
    for key in raw.split(","):
        try:
            ok = len(base64.urlsafe_b64decode(key.strip().encode())) == 32
        except (ValueError, binascii.Error):
            ok = False
        if not ok:
            raise SettingsError("KAKEHASHI_DATA_KEY must be 32 random bytes in URL-safe base64 (44 characters), "
                                "or several such keys separated by commas (newest first)")
    return ",".join(k.strip() for k in raw.split(","))


def _cluster(env: Mapping[str, str], redis_url: str | None) -> bool:
    """A cluster is reached over TCP through any of its nodes; the embedded server is never one."""
    if not _flag(env, "KAKEHASHI_REDIS_CLUSTER"):
        return False
    if not redis_url or redis_url.startswith("unix://"):
        raise SettingsError("KAKEHASHI_REDIS_CLUSTER=1 needs REDIS_URL=redis://<host>:<port> (or rediss://) naming "
                            "a node of the cluster")
    return True


def _content_dir(env: Mapping[str, str]) -> Path:
    raw = env.get("KAKEHASHI_CONTENT_DIR")
    if not raw:
        return DEFAULT_CONTENT
    path = Path(raw).expanduser()
    if not (path / "flows").is_dir() or not (path / "locales").is_dir():
        raise SettingsError(f"KAKEHASHI_CONTENT_DIR={raw!r} must be a directory holding flows/ and locales/")
    return path


def _pinned_now(env: Mapping[str, str], line_api: str | None) -> datetime | None:
    """A pinned clock is for tests and demos. It is refused whenever the bot could talk to the real LINE (LINE
    credentials with an API that is not on this machine), so production can never run on it by accident."""
    raw = env.get("KAKEHASHI_PINNED_NOW")
    if not raw:
        return None
    if line_api and urlsplit(line_api).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SettingsError("KAKEHASHI_PINNED_NOW is for tests and demos: it cannot be set while LINE credentials "
                            f"point the bot at {line_api}")
    try:
        instant = datetime.fromisoformat(raw)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise SettingsError(f"KAKEHASHI_PINNED_NOW={raw!r} must be an ISO 8601 instant with its offset, "
                            "e.g. 2026-11-28T23:30+09:00")
    return instant


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from the environment, failing fast on the first bad value."""
    env = os.environ if env is None else env
    tz = env.get("KAKEHASHI_TZ") or "Asia/Tokyo"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"KAKEHASHI_TZ={tz!r} is not a known time zone (e.g. Asia/Tokyo)") from None
    secret = env.get("LINE_CHANNEL_SECRET") or None
    token = env.get("LINE_CHANNEL_ACCESS_TOKEN") or None
    simulator_raw = env.get("KAKEHASHI_SIMULATOR")
    simulator = _flag(env, "KAKEHASHI_SIMULATOR") if simulator_raw else not (secret and token)
    redis_url = _url(env, "REDIS_URL", None, ("redis", "rediss", "unix"))
    # LINE only calls HTTPS webhooks, so with credentials set an HTTPS front exists: Secure cookies by default
    secure_raw = env.get("KAKEHASHI_CONSOLE_SECURE_COOKIE")
    secure_cookie = _flag(env, "KAKEHASHI_CONSOLE_SECURE_COOKIE") if secure_raw else bool(secret and token)
    # Without LINE there is nothing outside to answer, and the simulator has no login: stay on this machine.
    host = env.get("HOST") or ("0.0.0.0" if secret and token else "127.0.0.1")
    content = _content_dir(env)
    line_api = _url(env, "LINE_API_BASE_URL", "https://api.line.me", ("http", "https")) or ""
    return Settings(
        line_channel_secret=secret,
        line_channel_access_token=token,
        line_api_base_url=line_api,
        line_data_api_base_url=_url(
            env, "LINE_DATA_API_BASE_URL", "https://api-data.line.me", ("http", "https")
        )
        or "",
        line_timeout=float(_int(env, "KAKEHASHI_LINE_TIMEOUT", 10)),
        redis_url=redis_url,
        redis_cluster=_cluster(env, redis_url),
        data_dir=Path(env.get("KAKEHASHI_DATA_DIR") or "var"),
        session_ttl=_int(env, "KAKEHASHI_SESSION_TTL", 7 * 24 * 3600, minimum=60),
        tz=tz,
        port=_int(env, "PORT", 8000, minimum=1),
        web_concurrency=_int(env, "WEB_CONCURRENCY", 2),
        worker_threads=_int(env, "KAKEHASHI_WORKER_THREADS", 8),
        worker_processes=_int(env, "KAKEHASHI_WORKER_PROCESSES", -1, minimum=0)
        if env.get("KAKEHASHI_WORKER_PROCESSES") else None,
        partitions=_int(env, "KAKEHASHI_PARTITIONS", 16),
        simulator=simulator,
        console_secure_cookie=secure_cookie,
        handoff_timeout=_int(env, "KAKEHASHI_HANDOFF_TIMEOUT", 30 * 60, minimum=60),
        ticket_retention_days=_int(env, "KAKEHASHI_TICKET_RETENTION_DAYS", 30),
        worker_lease=_int(env, "KAKEHASHI_WORKER_LEASE", 20, minimum=2),
        event_window=_int(env, "KAKEHASHI_EVENT_WINDOW", 24 * 3600, minimum=60),
        proxies=_int(env, "KAKEHASHI_PROXIES", 0, minimum=0),
        log_format=_choice(env, "KAKEHASHI_LOG_FORMAT", ("json", "text")),
        data_key=_data_key(env),
        host=host,
        flows_dir=content / "flows",
        locales_dir=content / "locales",
        pinned_now=_pinned_now(env, line_api if secret and token else None),
    )
