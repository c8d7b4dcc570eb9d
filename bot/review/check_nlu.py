"""`kakehashi flows check`, the language part: the examples a reviewer keeps are complete and unambiguous.

Every menu topic has routing examples; every option of every question has words beyond its label (synonyms
in the flow or examples in flows/nlu/options.yaml); no example is claimed by two options of one question, or
by two topics; every slot cue and danger pattern compiles and names a real question and option; every
corpus that teaches the classifiers (flows/nlu/corpora) uses known topics and categories and gives no message
two of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from bot.content.flows import Flow
from bot.content.texts import LANGUAGES, Texts
from bot.engine.session import MENU_FLOW
from bot.language.corpora import CATEGORIES, ORDINARY, danger_lines, routing_lines, teaching
from bot.language.understanding import _norm

MIN_ROUTING_EXAMPLES = 5
UNDERSTAND_KEYS = ("understand.which", "understand.not_understood_menu", "understand.noted",
                   "understand.approx_date")


def _yaml(path: Path) -> dict:
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def nlu_problems(flows: Mapping[str, Flow], texts: Texts, flows_dir: Path) -> list[str]:
    nlu = flows_dir / "nlu"
    problems: list[str] = []
    routing = (_yaml(nlu / "routing.yaml").get("intents") or {})
    topics = {o.id for o in flows[MENU_FLOW].nodes[flows[MENU_FLOW].start].options}
    for topic in sorted(topics):
        if len(routing.get(topic) or ()) < MIN_ROUTING_EXAMPLES:
            problems.append(f"nlu/routing.yaml: topic {topic!r} has fewer than {MIN_ROUTING_EXAMPLES} examples")
    for intent in sorted(set(routing) - topics - {"none"}):
        problems.append(f"nlu/routing.yaml: {intent!r} is not a menu topic (nor 'none')")
    claimed: dict[str, str] = {}
    for intent, examples in routing.items():
        for example in examples or ():
            key = _norm(str(example))
            if key in claimed and claimed[key] != intent:
                problems.append(f"nlu/routing.yaml: {example!r} is an example of both {claimed[key]!r} and {intent!r}")
            claimed[key] = intent
    problems += corpus_problems(nlu, topics | {"none", "emergency"})

    extra = _yaml(nlu / "options.yaml").get("options") or {}
    known = {f"{f.id}.{n.name}.{o.id}" for f in flows.values() for n in f.nodes.values() for o in n.options}
    for key in sorted(set(extra) - known):
        problems.append(f"nlu/options.yaml: {key!r} is no option of any question")
    for flow in flows.values():
        for node in flow.nodes.values():
            if node.kind not in ("ask", "input") or not node.options:
                continue
            owner: dict[str, str] = {}
            for o in node.options:
                words = [*(texts.raw(lang, o.label) for lang in LANGUAGES if texts.has(lang, o.label)),
                         *o.synonyms, *(extra.get(f"{flow.id}.{node.name}.{o.id}") or ())]
                if not o.synonyms and not extra.get(f"{flow.id}.{node.name}.{o.id}"):
                    problems.append(f"{flow.id}/{node.name}: option {o.id!r} has no examples beyond its label")
                for word in words:
                    key = _norm(str(word))
                    if key and owner.get(key, o.id) != o.id:
                        problems.append(f"{flow.id}/{node.name}: {word!r} is claimed by options {owner[key]!r} "
                                        f"and {o.id!r}")
                    owner.setdefault(key, o.id)

    for flow_id, nodes in (_yaml(nlu / "slots.yaml").get("slots") or {}).items():
        if flow_id not in flows:
            problems.append(f"nlu/slots.yaml: unknown flow {flow_id!r}")
            continue
        for node_name, options in (nodes or {}).items():
            asked = flows[flow_id].nodes.get(node_name)
            if asked is None or asked.kind != "ask":
                problems.append(f"nlu/slots.yaml: {flow_id}/{node_name} is not a question")
                continue
            for option, cues in (options or {}).items():
                if option not in {o.id for o in asked.options}:
                    problems.append(f"nlu/slots.yaml: {flow_id}/{node_name} has no option {option!r}")
                for cue in cues or ():
                    try:
                        re.compile(cue)
                    except re.error as exc:
                        problems.append(f"nlu/slots.yaml: {flow_id}/{node_name}/{option}: bad cue {cue!r}: {exc}")
    for flow_id, nodes in (_yaml(nlu / "slots.yaml").get("dates") or {}).items():
        for node_name, cues in (nodes or {}).items():
            asked = flows[flow_id].nodes.get(node_name) if flow_id in flows else None
            if asked is None or asked.kind != "input" or asked.format != "date":
                problems.append(f"nlu/slots.yaml: dates: {flow_id}/{node_name} is not a date question")
            for cue in cues or ():
                if "{date}" not in cue:
                    problems.append(f"nlu/slots.yaml: dates: {flow_id}/{node_name}: {cue!r} has no {{date}}")
    for key in UNDERSTAND_KEYS:
        for lang in LANGUAGES:
            if not texts.has(lang, key):
                problems.append(f"locales/{lang}.yaml: missing {key}")
    try:
        from bot.language.danger import DangerCheck

        DangerCheck.load(flows_dir / "danger.yaml")
    except (ValueError, re.error, OSError) as exc:
        problems.append(f"danger.yaml: {exc}")
    return problems


def corpus_problems(nlu: Path, intents: set[str]) -> list[str]:
    """The teaching corpora name known topics and danger categories, and no message has two labels, there or
    beside the examples in routing.yaml and danger.yaml."""
    problems = [f"nlu/corpora/{c.name}: no routing.yaml, danger.yaml or ordinary.yaml"
                for c in teaching(nlu) if not any((c / f).exists() for f in ("routing.yaml", "danger.yaml",
                                                                               "ordinary.yaml"))]
    known = {"routing": intents, "danger": set(CATEGORIES.values()) | {ORDINARY}}
    routing = _yaml(nlu / "routing.yaml")
    examples = {"routing": [routing.get("intents") or {}, routing.get("router_only") or {}],
                "danger": [_yaml(nlu / "danger.yaml").get("examples") or {}]}
    for kind, lines in (("routing", routing_lines(nlu)), ("danger", danger_lines(nlu))):
        owner = {_norm(str(t)): label for found in examples[kind] for label, ts in found.items() for t in ts or ()}
        for label, texts in lines.items():
            if label not in known[kind]:
                problems.append(f"nlu/corpora: {label!r} is no {kind} label (known: {sorted(known[kind])})")
            for text in texts:
                key = _norm(text)
                if owner.setdefault(key, label) != label:
                    problems.append(f"nlu/corpora: {text!r} is labelled both {owner[key]!r} and {label!r}")
    return problems
