"""`kakehashi` (also `python -m bot`): serve, worker, chat, flows check, flows graph, operators, richmenu,
deadletters."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("kakehashi")


def _prepare(settings: Settings):  # noqa: ANN202 - (settings, redis, embedded)
    """Provide a Redis (embedded when REDIS_URL is unset) and the data key, for this process and its children."""
    from bot.keyring import encoded, resolve_keyring
    from bot.store.connection import ensure_redis_url, open_redis

    keyring = resolve_keyring(settings)
    settings, embedded = ensure_redis_url(settings)
    os.environ["REDIS_URL"] = settings.redis_url or ""
    os.environ["KAKEHASHI_DATA_KEY"] = encoded(keyring)
    settings = settings.with_(data_key=os.environ["KAKEHASHI_DATA_KEY"])
    return settings, open_redis(settings.redis_url or "", cluster=settings.redis_cluster), embedded


def _wait_for_signal() -> threading.Event:
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    return done


def cmd_serve(settings: Settings) -> int:
    """gunicorn web processes + stream worker threads, in the foreground, stopped cleanly by SIGTERM."""
    from bot.runtime import build_worker

    settings, r, embedded = _prepare(settings)
    os.environ["KAKEHASHI_LOG_FORMAT"] = settings.log_format or "text"  # gunicorn's processes log the same way
    worker = build_worker(settings, r).start()
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bot.app:create_app()", "--bind", f"0.0.0.0:{settings.port}",
         "--workers", str(settings.web_concurrency), "--worker-class", "gthread", "--threads", "8",
         "--graceful-timeout", "10", "--log-level", "warning"],
        env=os.environ.copy(),
    )
    banner(settings, sys.stderr if settings.log_format == "json" else sys.stdout)  # stdout: JSON lines only
    done = _wait_for_signal()
    while not done.wait(0.5):
        if web.poll() is not None:
            log.error("gunicorn exited with %s", web.returncode)
            break
    web.terminate()
    try:
        web.wait(15)
    except subprocess.TimeoutExpired:
        web.kill()
    worker.stop()
    if embedded:
        embedded.stop()
    return 0 if done.is_set() else 1


def banner(settings: Settings, out: TextIO) -> None:
    print(f"Kakehashi is listening on http://127.0.0.1:{settings.port}", file=out)
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
    from bot.runtime import build_worker

    settings, r, embedded = _prepare(settings)
    worker = build_worker(settings, r).start()
    _wait_for_signal().wait()
    worker.stop()
    if embedded:
        embedded.stop()
    return 0


def cmd_chat(settings: Settings, name: str) -> int:
    """Its own worker threads too, so the chat works with or without `serve` running beside it."""
    from bot.cli_chat import chat
    from bot.runtime import build_worker

    if not os.environ.get("KAKEHASHI_LOG_LEVEL"):
        logging.getLogger().setLevel(logging.WARNING)  # the conversation, not server logs, on this screen
    settings, r, embedded = _prepare(settings)
    worker = build_worker(settings.with_(worker_threads=2), r).start()
    try:
        chat(settings, r, name)
    finally:
        worker.stop()
        if embedded:
            embedded.stop()
    return 0


def cmd_flows_check(settings: Settings) -> int:
    import yaml

    from bot.cli_richmenu import richmenu_problems
    from bot.engine.check import check
    from bot.engine.facts import load_facts
    from bot.engine.flows import FlowError, load_flows
    from bot.engine.texts import Texts
    from bot.handoff.windows import WindowError, load_windows
    from bot.legal.registry import CALCULATORS

    try:
        flows, texts = load_flows(settings.flows_dir), Texts.load(settings.locales_dir)
        problems = check(flows, texts, load_facts(settings.flows_dir / "facts.yaml"),
                         CALCULATORS, windows=load_windows(settings.flows_dir / "windows.yaml"))
    except (yaml.YAMLError, FlowError, WindowError, KeyError, TypeError) as exc:  # a file a reviewer broke
        print(f"cannot read the content files: {exc}")
        return 1
    problems += richmenu_problems(settings, texts)
    from bot.language.check import nlu_problems

    problems += nlu_problems(flows, texts, settings.flows_dir)
    for line in problems:
        print(line)
    print(f"{len(flows)} flows checked: " + (f"{len(problems)} problem(s)" if problems else "all good"))
    return 1 if problems else 0


def cmd_flows_graph(settings: Settings, flow_id: str) -> int:
    from bot.engine.flows import load_flows
    from bot.engine.graph import mermaid

    flows = load_flows(settings.flows_dir)
    if flow_id not in flows:
        print(f"unknown flow {flow_id!r}; known: {', '.join(sorted(flows))}", file=sys.stderr)
        return 2
    print(mermaid(flows[flow_id]))
    return 0


def cmd_deadletters(settings: Settings, action: str, ids: Sequence[str], every: bool) -> int:
    from bot.cli_deadletters import deadletters

    settings, r, embedded = _prepare(settings)
    try:
        return deadletters(r, settings.partitions, action, ids, every)
    finally:
        if embedded:
            embedded.stop()


def cmd_operators(settings: Settings, action: str, name: str, admin: bool) -> int:
    from bot.cli_operators import operators

    settings, r, embedded = _prepare(settings)
    try:
        return operators(r, action, name, admin)
    finally:
        if embedded:
            embedded.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kakehashi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="web (gunicorn) + workers, in the foreground")
    sub.add_parser("worker", help="stream workers only")
    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--name", default="terminal", help="who you are (a separate conversation per name)")
    flows = sub.add_parser("flows", help="check or draw the flows").add_subparsers(dest="flows_command", required=True)
    check = flows.add_parser("check", help="every flow reachable, texts present, facts sourced")
    check.add_argument("--flows", dest="flows_dir", type=Path, help="flows directory (default: the repo's)")
    check.add_argument("--locales", dest="locales_dir", type=Path, help="locales directory (default: the repo's)")
    graph = flows.add_parser("graph", help="a Mermaid diagram of one flow")
    graph.add_argument("flow")
    ops = sub.add_parser("operators", help="console accounts").add_subparsers(dest="operators_command", required=True)
    add = ops.add_parser("add", help="a counselor (or --admin); the password is asked for, or read from stdin")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="may read the audit log and edit canned replies")
    ops.add_parser("passwd", help="set a new password").add_argument("name")
    ops.add_parser("remove", help="delete an account").add_argument("name")
    ops.add_parser("list", help="names and roles")
    rich = sub.add_parser("richmenu", help="LINE's rich menu").add_subparsers(dest="richmenu_command", required=True)
    deploy = rich.add_parser("deploy", help="make flows/richmenu.yaml the channel's default rich menu")
    deploy.add_argument("--file", type=Path, help="the menu file (default: the repo's flows/richmenu.yaml)")
    picture = rich.add_parser("draw", help="redraw the menu's picture from flows/richmenu.yaml and the locales")
    picture.add_argument("--font", type=Path, help="a font file with Japanese (default: found with fontconfig)")
    picture.add_argument("--out", type=Path, help="where to write (default: the image flows/richmenu.yaml names)")
    dead = sub.add_parser("deadletters", help="events parked after failing").add_subparsers(
        dest="deadletters_command", required=True)
    dead.add_parser("list", help="id, time, partition, user-key prefix and reason of each (never the text)")
    for action, text in (("replay", "queue again in its user's stream"), ("drop", "forget for good")):
        one = dead.add_parser(action, help=text)
        one.add_argument("ids", nargs="*", metavar="ID")
        one.add_argument("--all", dest="every", action="store_true", help="every parked event")
    from bot.cli_nlu import add_parser as add_nlu

    add_nlu(sub)
    args = parser.parse_args(argv)

    from bot.logs import pick_format, setup_logging

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 2
    settings = settings.with_(log_format=pick_format(settings.log_format, service=args.command in ("serve", "worker")))
    setup_logging(settings.log_format or "text")
    try:
        if args.command == "serve":
            return cmd_serve(settings)
        if args.command == "worker":
            return cmd_worker(settings)
        if args.command == "chat":
            return cmd_chat(settings, args.name)
        if args.command == "deadletters":
            return cmd_deadletters(settings, args.deadletters_command, getattr(args, "ids", []),
                                   getattr(args, "every", False))
        if args.command == "operators":
            return cmd_operators(settings, args.operators_command, getattr(args, "name", ""),
                                 getattr(args, "admin", False))
        if args.command == "richmenu":
            from bot.cli_richmenu import deploy_command, draw_command

            if args.richmenu_command == "draw":
                return draw_command(settings, args.font, args.out)
            return deploy_command(settings, args.file)
        if args.command == "nlu":
            from bot.cli_nlu import run as run_nlu

            return run_nlu(settings, args)
        if args.flows_command == "check":
            return cmd_flows_check(settings.with_(flows_dir=args.flows_dir or settings.flows_dir,
                                                  locales_dir=args.locales_dir or settings.locales_dir))
        return cmd_flows_graph(settings, args.flow)
    except SettingsError as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 2
