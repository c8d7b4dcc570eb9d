"""Real `kakehashi worker` and gunicorn processes for the fault tests, on the test Redis and the fake LINE API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from bot.clock import Clock
from tests.conftest import DATA_KEY, SECRET
from tests.fake_line import FakeLineApi
from tests.instants import JST
from tests.line_events import sign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pinned_now(clock: Clock) -> str:
    """KAKEHASHI_PINNED_NOW for a child process: the instant a test's clock shows now."""
    return datetime.fromtimestamp(clock(), JST).isoformat()


class Processes:
    """Starts what a deployment runs; whatever is still running at the end of the test is killed."""

    def __init__(self, redis_url: str, fake: FakeLineApi, partitions: int, logs: Path, clock: Clock) -> None:
        self.logs, self.clock = logs, clock
        self.running: list[subprocess.Popen[bytes]] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("KAKEHASHI_", "LINE_", "REDIS_"))}
        self.env.update(REDIS_URL=redis_url, KAKEHASHI_DATA_KEY=DATA_KEY, LINE_CHANNEL_SECRET=SECRET,
                        LINE_CHANNEL_ACCESS_TOKEN=fake.access_token, LINE_API_BASE_URL=fake.url,
                        KAKEHASHI_PARTITIONS=str(partitions), KAKEHASHI_LINE_TIMEOUT="2")

    def _spawn(self, name: str, args: list[str], **env: str) -> subprocess.Popen[bytes]:
        env.setdefault("KAKEHASHI_PINNED_NOW", pinned_now(self.clock))  # the test's clock, in the child too
        out = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - the child writes it; closed with the child
        process = subprocess.Popen([sys.executable, *args], env={**self.env, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parent.parent)
        out.close()
        self.running.append(process)
        return process

    def worker(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        """`kakehashi worker`, as a deployment scales out."""
        return self._spawn(name, ["-m", "bot", "worker"], **env)

    def web(self, processes: int, **env: str) -> str:
        """gunicorn with several web processes, as `kakehashi serve` runs it; returns its base URL."""
        port = free_port()
        self._spawn("gunicorn", ["-m", "gunicorn", "bot.web.app:create_app()", "--bind", f"127.0.0.1:{port}",
                                 "--workers", str(processes), "--worker-class", "gthread", "--threads", "8",
                                 "--log-level", "warning"], **env)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    return base
            except OSError:
                assert time.monotonic() < deadline, self.output("gunicorn")
                time.sleep(0.1)

    def output(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait()


def status_of(request: urllib.request.Request | str, timeout: float = 30) -> int:
    """The HTTP status a request gets: an error status too, and 0 when nothing answered."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


def signed_post(base: str, body: str, secret: str = SECRET, timeout: float = 30) -> int:
    """POST /callback with a body signed as LINE signs it."""
    request = urllib.request.Request(f"{base}/callback", data=body.encode(), method="POST", headers={
        "X-Line-Signature": sign(body, secret), "Content-Type": "application/json"})
    return status_of(request, timeout)


def start_serve(env: dict[str, str], port: int, timeout: float = 30) -> tuple[str, subprocess.Popen[str]]:
    """`kakehashi serve` as a deployer runs it; returns its base URL once /readyz says it is ready."""
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env={**env, "PORT": str(port)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while status_of(f"{base}/readyz", timeout=2) != 200:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, "serve did not become ready"
        time.sleep(0.1)
    return base, process
