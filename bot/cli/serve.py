"""`kakehashi serve` (gunicorn web processes + stream workers) and `kakehashi worker` (stream workers only)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import TextIO

from bot.cli.runtime import child_env, prepare, wait_for_signal
from bot.settings import Settings
from bot.store.embedded import die_with_parent
from bot.wiring import build_worker

log = logging.getLogger("kakehashi")


def worker_processes(settings: Settings) -> int:
    """One worker process per core this process may run on (KAKEHASHI_WORKER_PROCESSES overrides): turns are
    Python, so one process's threads share one core's worth of GIL however many cores there are."""
    if settings.worker_processes is not None:
        return settings.worker_processes
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _spawn_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """A `kakehashi worker` child: the same Redis, data key and log format; dies with serve."""
    return subprocess.Popen([sys.executable, "-m", "bot", "worker"], env={**os.environ, **child_env(settings)},
                            preexec_fn=die_with_parent)  # noqa: PLW1509 - a crashed serve leaves no worker behind


def _stop_children(children: list[subprocess.Popen[bytes]], timeout: float) -> None:
    """SIGTERM to all at once (each finishes the turn in hand), then wait; kill what is still there."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def cmd_serve(settings: Settings) -> int:
    """gunicorn web processes + stream worker processes, in the foreground, stopped cleanly by SIGTERM.

    A worker process that exits is started again. Whatever happens, the embedded Redis this process started
    stops with it (see bot.store.embedded)."""
    settings, r, embedded = prepare(settings)
    worker = web = None
    workers: list[subprocess.Popen[bytes]] = []
    try:
        processes = worker_processes(settings)
        if processes:
            workers = [_spawn_worker(settings) for _ in range(processes)]
        else:
            worker = build_worker(settings, r).start()
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bot.web.app:create_app()", "--bind", f"{settings.host}:{settings.port}",
             "--workers", str(settings.web_concurrency), "--worker-class", "gthread", "--threads", "8",
             "--graceful-timeout", "10", "--log-level", "warning"],
            env={**os.environ, **child_env(settings)},  # gunicorn's processes: the same Redis, key and log format
            preexec_fn=die_with_parent,  # noqa: PLW1509 - a crashed serve leaves no web server behind
        )
        banner(settings, sys.stderr if settings.log_format == "json" else sys.stdout)  # stdout: JSON lines only
        done = wait_for_signal()
        while not done.wait(0.5):
            if web.poll() is not None:
                log.error("gunicorn exited with %s", web.returncode)
                break
            for n, child in enumerate(workers):
                if child.poll() is not None and not done.is_set():
                    log.error("worker process exited with %s; starting another", child.returncode)
                    workers[n] = _spawn_worker(settings)
        return 0 if done.is_set() else 1
    finally:
        if web is not None and web.poll() is None:
            web.terminate()
            try:
                web.wait(15)
            except subprocess.TimeoutExpired:
                web.kill()
        _stop_children(workers, 20)
        if worker is not None:
            worker.stop()
        if embedded:
            embedded.stop()


def banner(settings: Settings, out: TextIO) -> None:
    where = "every interface" if settings.host in ("0.0.0.0", "::") else "this machine only"
    print(f"Kakehashi is listening on http://{settings.host}:{settings.port} ({where})", file=out)
    if settings.pinned_now:
        print(f"  The clock is PINNED to {settings.pinned_now.isoformat()} (KAKEHASHI_PINNED_NOW: tests and demos).",
              file=out)
    if settings.line_enabled:
        print(f"  LINE webhook: POST http://<this host>:{settings.port}/callback", file=out)
    else:
        print("  No LINE credentials set: the webhook refuses everything.", file=out)
    print("  Talk to the bot in a terminal: .venv/bin/kakehashi chat   (same engine, same Redis)", file=out)
    print(f"  Counselors' console: http://127.0.0.1:{settings.port}/console/   "
          "(accounts: .venv/bin/kakehashi operators add NAME)", file=out)
    print(f"  Metrics: http://127.0.0.1:{settings.port}/metrics", file=out)
    print("  Stop with Ctrl-C.", file=out)
    if settings.simulator:
        print(f"Try it in your browser, as if on LINE: http://127.0.0.1:{settings.port}/simulator/", file=out)
    out.flush()


def cmd_worker(settings: Settings) -> int:
    settings, r, embedded = prepare(settings)
    try:
        worker = build_worker(settings, r).start()
        wait_for_signal().wait()
        worker.stop()
    finally:
        if embedded:
            embedded.stop()
    return 0
