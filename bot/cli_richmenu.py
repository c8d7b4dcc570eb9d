"""The rich menu's part of `kakehashi flows check`."""

from __future__ import annotations

from bot.engine.step import COMMANDS
from bot.engine.texts import Texts
from bot.line.richmenu import RichMenuError, load, problems
from bot.settings import Settings


def richmenu_problems(settings: Settings, texts: Texts) -> list[str]:
    """flows/richmenu.yaml against LINE's limits, the locales and the engine's commands, as readable lines."""
    try:
        return [f"richmenu: {p}" for p in problems(load(settings.flows_dir / "richmenu.yaml", texts), COMMANDS)]
    except RichMenuError as exc:
        return [f"richmenu: {exc}"]
