"""`pip install .` makes a Kakehashi that starts from any directory: content, templates and static files ship in
the wheel and are found through importlib.resources, not beside a source checkout."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from tests.cli.test_serve import get
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_everything_and_runs_from_anywhere(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a clean copy: a build/ left in the checkout could hold stale modules
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "var", "test-artifacts", ".*_cache"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("kakehashi-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("bot/defaults/flows/facts.yaml", "bot/defaults/flows/commands.yaml",
                    "bot/defaults/flows/organizations.yaml",
                    "bot/defaults/flows/richmenu.png",
                    "bot/defaults/locales/ja.yaml", "bot/defaults/locales/en.yaml",
                    "bot/web/simulator/templates/simulator.html", "bot/web/simulator/static/simulator.css",
                    "bot/web/console/templates/login.html", "bot/web/console/static/console.css"):
        assert shipped in names, shipped

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True,
                               text=True, timeout=900)
    assert installed.returncode == 0, installed.stderr[-2000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAKEHASHI_", "LINE_", "REDIS_"))}
    env.pop("PYTHONPATH", None)
    kakehashi = str(venv / "bin" / "kakehashi")
    check = subprocess.run([kakehashi, "flows", "check"], cwd=elsewhere, env=env, capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 0 and "all good" in check.stdout, check.stdout + check.stderr

    port = free_port()
    serve = subprocess.Popen([kakehashi, "serve"], cwd=elsewhere, env={**env, "PORT": str(port)},
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while get(f"{base}/readyz") != 200:
            assert serve.poll() is None, serve.stdout.read() if serve.stdout else ""
            assert time.monotonic() < deadline, "the installed serve did not become ready"
            time.sleep(0.2)
        for path in ("/simulator/", "/simulator/static/simulator.css", "/simulator/richmenu.png", "/console/login",
                     "/console/static/console.css"):
            assert get(base + path) == 200, path
        assert (elsewhere / "var" / "data.key").is_file()  # the data dir is where it was started, not in the venv
    finally:
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
    output = serve.stdout.read() if serve.stdout else ""
    assert "Traceback" not in output, output
