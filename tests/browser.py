"""Real-browser tests: Debian's Chromium driven by Playwright, against the app served on 127.0.0.1.

Playwright's own browser download needs the internet, so we drive the system `chromium`. When it is
missing and we may install packages (root with apt-get), the suite installs it; otherwise these tests
skip with a loud reason in the summary — never silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
SKIPPED: list[str] = []  # reasons, printed in the terminal summary


def _has_japanese_font() -> bool:
    listed = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False) \
        if shutil.which("fc-list") else None
    return bool(listed and listed.stdout.strip())


def find_or_install_chromium() -> str:
    """The system Chromium, plus a Japanese font so screenshots show words, not boxes."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found and _has_japanese_font():
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        if found:
            return found  # pages still work; screenshots show boxes for Japanese
        raise RuntimeError("no chromium, and no way to install it here (needs root and apt-get)")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "timeout": 900}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, **quiet)  # type: ignore[call-overload]
    done = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"], env=env, check=False,
                          **quiet)  # type: ignore[call-overload]
    found = shutil.which("chromium")
    if done.returncode or not found:
        raise RuntimeError(f"apt-get install chromium failed: {done.stderr.decode(errors='replace')[-300:]}")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        path = find_or_install_chromium()
        from playwright.sync_api import sync_playwright
    except (RuntimeError, ImportError, OSError, subprocess.TimeoutExpired) as exc:
        SKIPPED.append(str(exc))
        pytest.skip(f"NO BROWSER, real-browser tests skipped: {exc}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="ja-JP")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Kept under test-artifacts/screenshots/ (ignored by git) for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def live_app(app: Any) -> Iterator[str]:
    """The same Flask app the tests use, served over real HTTP on 127.0.0.1 for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the system picks a free one
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
