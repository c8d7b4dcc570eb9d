"""`kakehashi richmenu deploy|draw`, and the rich menu's part of `kakehashi flows check`."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.content.texts import Texts
from bot.engine.commands import COMMANDS
from bot.line.richmenu import RichMenuError, load, load_richmenu, problems
from bot.line.richmenu_deploy import DeployFailed, deploy
from bot.line.richmenu_image import NoFont, draw, find_font
from bot.settings import Settings


def richmenu_problems(settings: Settings, texts: Texts) -> list[str]:
    """flows/richmenu.yaml against LINE's limits, the locales and the engine's commands, as readable lines."""
    try:
        return [f"richmenu: {p}" for p in problems(load(settings.flows_dir / "richmenu.yaml", texts), COMMANDS)]
    except RichMenuError as exc:
        return [f"richmenu: {exc}"]


def deploy_command(settings: Settings, path: Path | None) -> int:
    """Checked here first, so a menu LINE would refuse is never half-deployed. 2: no token; 1: not deployed."""
    if not settings.line_channel_access_token:
        print("kakehashi: richmenu deploy needs LINE_CHANNEL_ACCESS_TOKEN, the channel's access token "
              "(LINE Developers console → your channel → Messaging API)", file=sys.stderr)
        return 2
    try:
        spec = load_richmenu(settings, path)
    except RichMenuError as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 1
    found = problems(spec, COMMANDS)
    if found:
        print("kakehashi: the rich menu has problems; nothing was sent to LINE:", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        return 1
    try:
        deploy(spec, settings, say=print)
    except DeployFailed as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 1
    return 0


def draw_command(settings: Settings, font: Path | None, out: Path | None) -> int:
    """Redraw the committed picture after changing an area or a label. 2: no Japanese font to draw with."""
    spec = load_richmenu(settings)
    try:
        face = (str(font), 0) if font else find_font()
    except NoFont as exc:
        print(f"kakehashi: {exc}", file=sys.stderr)
        return 2
    data = draw(spec, face)
    target = out or spec.image
    target.write_bytes(data)
    print(f"wrote {target} ({spec.width}x{spec.height}, {len(data) // 1024} KB) with {face[0]}")
    return 0
