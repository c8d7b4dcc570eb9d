"""`kakehashi` (also `python -m bot`): serve, worker, chat, flows check|graph, operators, orgs, richmenu,
deadletters, nlu, report.

One module per command group; this one reads the arguments and the settings and dispatches through COMMANDS."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.logs import pick_format, setup_logging
from bot.settings import Settings, SettingsError, load_settings

Handler = Callable[[Settings, argparse.Namespace], int]


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.serve import cmd_serve

    return cmd_serve(settings)


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.serve import cmd_worker

    return cmd_worker(settings)


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.chat import cmd_chat

    return cmd_chat(settings, args.name)


def _flows(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.flows import cmd_flows_check, cmd_flows_graph

    if args.flows_command == "graph":
        return cmd_flows_graph(settings, args.flow)
    return cmd_flows_check(settings.with_(flows_dir=args.flows_dir or settings.flows_dir,
                                          locales_dir=args.locales_dir or settings.locales_dir))


def _operators(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.operators import cmd_operators

    return cmd_operators(settings, args.operators_command, getattr(args, "name", ""), getattr(args, "admin", False),
                         getattr(args, "org", ""), getattr(args, "system", False))


def _orgs(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.orgs import cmd_orgs

    if args.orgs_command == "add":
        return cmd_orgs(settings, "add", args.id, args.name_ja, args.name_en, args.prefecture, args.municipality,
                        args.hours)
    return cmd_orgs(settings, "list")


def _richmenu(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.richmenu import deploy_command, draw_command

    if args.richmenu_command == "draw":
        return draw_command(settings, args.font, args.out)
    return deploy_command(settings, args.file)


def _deadletters(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.deadletters import cmd_deadletters

    return cmd_deadletters(settings, args.deadletters_command, getattr(args, "ids", []), getattr(args, "every", False))


def _nlu(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.nlu import run

    return run(settings, args)


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.report import cmd_report

    return cmd_report(settings, args.org, args.month, args.format, args.lang)


# Imported lazily: `flows check` must not pay for gunicorn, nor `chat` for the console.
COMMANDS: dict[str, Handler] = {"serve": _serve, "worker": _worker, "chat": _chat, "flows": _flows,
                                "operators": _operators, "orgs": _orgs, "richmenu": _richmenu,
                                "deadletters": _deadletters, "nlu": _nlu, "report": _report}


def parser() -> argparse.ArgumentParser:
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
    add.add_argument("--system", action="store_true", help="a system admin: every organization's queue and logs")
    add.add_argument("--org", default="", help="their organization's id (default: the default organization)")
    ops.add_parser("passwd", help="set a new password").add_argument("name")
    ops.add_parser("remove", help="delete an account").add_argument("name")
    ops.add_parser("list", help="names, roles and organizations")
    orgs = sub.add_parser("orgs", help="organizations and the areas they serve (flows/organizations.yaml)")
    orgs_sub = orgs.add_subparsers(dest="orgs_command", required=True)
    orgs_sub.add_parser("list", help="id, names, areas served and how many console accounts each has")
    org_add = orgs_sub.add_parser("add", help="append an organization to flows/organizations.yaml")
    org_add.add_argument("id", help="lower-case letters, digits, '_' or '-' (used in keys and URLs)")
    org_add.add_argument("--name-ja", required=True)
    org_add.add_argument("--name-en", required=True)
    org_add.add_argument("--prefecture", action="append", default=[], metavar="CODE",
                         help='a prefecture it serves, by JIS code ("13" 東京都); repeat for more')
    org_add.add_argument("--municipality", action="append", default=[], metavar="CODE:NAME",
                         help="a municipality it serves, like 13:八王子市; repeat for more")
    org_add.add_argument("--hours", default="", metavar="HH:MM-HH:MM",
                         help="Monday to Friday, closed on national holidays (default: the default organization's)")
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
    monthly = sub.add_parser("report", help="an organization's monthly figures, small numbers hidden")
    monthly.add_argument("--org", default="", help="the organization's id (default: the default organization)")
    monthly.add_argument("--month", required=True, help="the month, e.g. 2026-11 (days in KAKEHASHI_TZ)")
    monthly.add_argument("--format", choices=("table", "csv", "json"), default="table")
    monthly.add_argument("--lang", choices=("ja", "en"), default="ja", help="labels' language (default: ja)")
    from bot.cli.nlu import add_parser as add_nlu

    add_nlu(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 2
    settings = settings.with_(log_format=pick_format(settings.log_format, service=args.command in ("serve", "worker")))
    setup_logging(settings.log_format or "text")
    try:
        return COMMANDS[args.command](settings, args)
    except SettingsError as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 2
