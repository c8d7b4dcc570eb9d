"""`kakehashi flows check|graph`: what a content reviewer runs after changing flows, texts or facts."""

from __future__ import annotations

import sys

import yaml

from bot.cli.richmenu import richmenu_problems
from bot.content.facts import load_facts, shown_values
from bot.content.flows import FlowError, load_flows
from bot.content.texts import Texts
from bot.directory.local import read_raw
from bot.directory.windows import WindowError, load_windows
from bot.legal.registry import CALCULATORS
from bot.review.check import check
from bot.review.check_local import local_problems, local_text_problems
from bot.review.check_memo import memo_problems, reminder_problems
from bot.review.check_nlu import nlu_problems
from bot.review.check_organizations import organization_problems
from bot.review.graph import mermaid
from bot.settings import Settings


def cmd_flows_check(settings: Settings) -> int:
    try:
        flows, texts = load_flows(settings.flows_dir), Texts.load(settings.locales_dir)
        facts = load_facts(settings.flows_dir / "facts.yaml")
        problems = check(flows, texts, facts, CALCULATORS, windows=load_windows(settings.flows_dir / "windows.yaml"))
        problems += local_problems(read_raw(settings.flows_dir / "places" / "local_windows.yaml"), flows)
        problems += local_text_problems(texts)
    except (yaml.YAMLError, FlowError, WindowError, KeyError, TypeError) as exc:  # a file a reviewer broke
        print(f"cannot read the content files: {exc}")
        return 1
    problems += richmenu_problems(settings, texts)
    problems += nlu_problems(flows, texts, settings.flows_dir)
    problems += organization_problems(settings.flows_dir, shown_values(facts))
    problems += memo_problems(settings.flows_dir, flows, texts)
    problems += reminder_problems(settings.flows_dir, texts)
    for line in problems:
        print(line)
    print(f"{len(flows)} flows checked: " + (f"{len(problems)} problem(s)" if problems else "all good"))
    return 1 if problems else 0


def cmd_flows_graph(settings: Settings, flow_id: str) -> int:
    flows = load_flows(settings.flows_dir)
    if flow_id not in flows:
        print(f"unknown flow {flow_id!r}; known: {', '.join(sorted(flows))}", file=sys.stderr)
        return 2
    print(mermaid(flows[flow_id]))
    return 0


