"""The topics a report lists, in the menu's order, with the names people see (each flow's own title)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content.texts import Texts
from bot.engine.session import MENU_FLOW


def topic_names(flows_dir: Path, locales_dir: Path) -> dict[str, tuple[str, str]]:
    """Flow id → (Japanese, English) title, every topic flow, in the menu's order first."""
    texts = Texts.load(locales_dir)
    titles: dict[str, tuple[str, str]] = {}
    for path in sorted(flows_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "nodes" in data and data.get("id") != MENU_FLOW and data.get("title"):
            key, flow_id = str(data["title"]), str(data["id"])

            def title(lang: str, key: str = key, flow_id: str = flow_id) -> str:
                return texts.raw(lang, key) if texts.has(lang, key) else flow_id

            titles[flow_id] = (title("ja"), title("en"))
    menu = yaml.safe_load((flows_dir / f"{MENU_FLOW}.yaml").read_text(encoding="utf-8"))
    order = [o["id"] for o in menu["nodes"][menu["start"]].get("options", []) if o["id"] in titles]
    return {t: titles[t] for t in [*order, *sorted(set(titles) - set(order))]}
