"""The rich menu as data: flows/richmenu.yaml, its labels from the locales, its picture; and LINE's limits.

No SDK calls here. `kakehashi richmenu deploy` sends what `request` builds; `kakehashi flows check` reports
`problems`; the simulator draws the same menu from `load_richmenu` and `image_bytes`.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, UnidentifiedImageError

from bot.content.texts import LANGUAGES, Texts
from bot.engine.replies import MAX_LABEL, MAX_POSTBACK_BYTES
from bot.settings import Settings

# LINE's limits for a rich menu (Messaging API reference, "Rich menu object" and "Upload rich menu image").
MIN_WIDTH, MAX_WIDTH, MIN_HEIGHT, MIN_RATIO = 800, 2500, 250, 1.45
MAX_AREAS, MAX_CHAT_BAR, MAX_NAME, MAX_DISPLAY_TEXT = 20, 14, 300, 300  # the rich menu's own limits
MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
LAYOUT_TAG = "kakehashi-layout"  # a PNG text chunk: which layout the picture was drawn for


class RichMenuError(ValueError):
    """The rich menu file cannot be read as a menu; the message says which file and what is wrong."""


@dataclass(frozen=True)
class Area:
    """A tappable rectangle that runs a command; `labels` (per language) are its words on the button."""

    x: int
    y: int
    width: int
    height: int
    command: str
    labels: Mapping[str, str]

    @property
    def data(self) -> str:
        return f"cmd:{self.command}"  # what the engine reads from the postback (bot/engine/engine.py)


@dataclass(frozen=True)
class RichMenuSpec:
    name: str  # our prefix: LINE knows the menu as <name>-<digest>
    lang: str  # the language of the labels LINE shows (accessibility, and the person's message when tapped)
    chat_bar: str
    selected: bool
    width: int
    height: int
    areas: tuple[Area, ...]
    image: Path

    def label(self, area: Area) -> str:
        return area.labels[self.lang]


def load_richmenu(settings: Settings, path: Path | None = None) -> RichMenuSpec:
    """The menu in `path` (default flows/richmenu.yaml), with its labels from the locales."""
    return load(path or settings.flows_dir / "richmenu.yaml", Texts.load(settings.locales_dir))


def load(path: Path, texts: Texts) -> RichMenuSpec:
    try:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
        lang = raw.get("lang", "ja")
        areas = tuple(
            Area(int(a["x"]), int(a["y"]), int(a["width"]), int(a["height"]), str(a["command"]),
                 {code: _text(texts, code, f"common.button.{a['command']}") for code in LANGUAGES})
            for a in raw["areas"]
        )
        return RichMenuSpec(str(raw["name"]), lang, _text(texts, lang, str(raw["chat_bar"])),
                            bool(raw.get("selected", True)), int(raw["size"]["width"]), int(raw["size"]["height"]),
                            areas, path.parent / str(raw["image"]))
    except (OSError, yaml.YAMLError) as exc:
        raise RichMenuError(f"{path.name}: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RichMenuError(f"{path.name}: expected name, chat_bar, size {{width, height}}, image and areas "
                            f"(each with x, y, width, height and command): {exc!r}") from None


def _text(texts: Texts, lang: str, key: str) -> str:
    if not texts.has(lang, key):
        raise RichMenuError(f"richmenu: text {key!r} missing in {lang}.yaml")
    return texts.raw(lang, key)


def image_bytes(spec: RichMenuSpec) -> bytes:
    return spec.image.read_bytes()


def image_info(data: bytes) -> tuple[str, int, int, str | None]:
    """(content type, width, height, the layout it was drawn for); RichMenuError if not a PNG or JPEG."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = IMAGE_TYPES.get(picture.format or "")
            if kind is None:
                raise RichMenuError(f"the picture is {picture.format}; LINE takes PNG or JPEG")
            return kind, picture.width, picture.height, picture.info.get(LAYOUT_TAG)
    except UnidentifiedImageError:
        raise RichMenuError("the picture is not an image LINE takes (PNG or JPEG)") from None


def request(spec: RichMenuSpec) -> dict[str, Any]:
    """The rich menu object LINE is sent, under its content-addressed name."""
    return {**_body(spec), "name": line_name(spec)}


def _body(spec: RichMenuSpec) -> dict[str, Any]:
    return {
        "size": {"width": spec.width, "height": spec.height},
        "selected": spec.selected,
        "chatBarText": spec.chat_bar,
        "areas": [{"bounds": {"x": a.x, "y": a.y, "width": a.width, "height": a.height},
                   "action": {"type": "postback", "label": spec.label(a), "data": a.data,
                              "displayText": spec.label(a)}}
                  for a in spec.areas],
    }


def line_name(spec: RichMenuSpec) -> str:
    """<name>-<12 hex>: the same definition and picture always give the same name, so deploy can find it."""
    digest = hashlib.sha256(json.dumps(_body(spec), sort_keys=True, ensure_ascii=False).encode())
    digest.update(image_bytes(spec))
    return f"{spec.name}-{digest.hexdigest()[:12]}"


def layout(spec: RichMenuSpec) -> str:
    """What the picture shows (size, areas, every language's labels), hashed: a stale picture is caught."""
    drawn = [spec.width, spec.height, [[a.x, a.y, a.width, a.height, a.command, dict(a.labels)] for a in spec.areas]]
    return hashlib.sha256(json.dumps(drawn, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def problems(spec: RichMenuSpec, commands: Iterable[str]) -> list[str]:
    """Everything LINE would refuse, and areas that run no known command; empty means deployable."""
    found = []
    if not (MIN_WIDTH <= spec.width <= MAX_WIDTH and spec.height >= MIN_HEIGHT
            and spec.width / spec.height >= MIN_RATIO):
        found.append(f"size {spec.width}x{spec.height}: LINE needs a width of {MIN_WIDTH}-{MAX_WIDTH}, a height of "
                     f"at least {MIN_HEIGHT} and width/height at least {MIN_RATIO} (e.g. 2500x843, 2500x1686)")
    if not 1 <= len(spec.chat_bar) <= MAX_CHAT_BAR:
        found.append(f"chat bar text {spec.chat_bar!r} must be 1-{MAX_CHAT_BAR} characters")
    if not spec.name or len(spec.name) > MAX_NAME - 13:
        found.append(f"name {spec.name!r} must be 1-{MAX_NAME - 13} characters (LINE's limit, less the digest)")
    if not 1 <= len(spec.areas) <= MAX_AREAS:
        found.append(f"{len(spec.areas)} areas: LINE takes 1-{MAX_AREAS}")
    known = set(commands)
    for i, area in enumerate(spec.areas):
        found += [f"area {i + 1} ({area.command}): {p}" for p in _area_problems(spec, area, known)]
        for j, other in enumerate(spec.areas[:i]):
            if _overlap(area, other):
                found.append(f"area {i + 1} ({area.command}) overlaps area {j + 1} ({other.command})")
    return found + _image_problems(spec)


def _area_problems(spec: RichMenuSpec, area: Area, known: set[str]) -> list[str]:
    found = []
    if area.x < 0 or area.y < 0 or area.width <= 0 or area.height <= 0 or (
            area.x + area.width > spec.width or area.y + area.height > spec.height):
        found.append(f"bounds {area.x},{area.y} {area.width}x{area.height} are not inside the "
                     f"{spec.width}x{spec.height} menu")
    if area.command not in known:
        found.append(f"unknown command {area.command!r}; known: {', '.join(sorted(known))}")
    for lang, label in area.labels.items():
        if not 1 <= len(label) <= MAX_LABEL:
            found.append(f"{lang} label {label!r} must be 1-{MAX_LABEL} characters")
    if len(area.data.encode()) > MAX_POSTBACK_BYTES or len(spec.label(area)) > MAX_DISPLAY_TEXT:
        found.append(f"postback data must be at most {MAX_POSTBACK_BYTES} bytes, "
                     f"display text {MAX_DISPLAY_TEXT} characters")
    return found


def _overlap(a: Area, b: Area) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


def _image_problems(spec: RichMenuSpec) -> list[str]:
    where = f"picture {spec.image.name}"
    try:
        data = image_bytes(spec)
        _, width, height, drawn_for = image_info(data)
    except OSError as exc:
        return [f"{where}: {exc.strerror or exc}"]
    except RichMenuError as exc:
        return [f"{where}: {exc}"]
    found = []
    if len(data) > MAX_IMAGE_BYTES:
        found.append(f"{where} is {len(data):,} bytes; LINE takes at most {MAX_IMAGE_BYTES:,}")
    if (width, height) != (spec.width, spec.height):
        found.append(f"{where} is {width}x{height}; the menu is {spec.width}x{spec.height}")
    if drawn_for is not None and drawn_for != layout(spec):
        found.append(f"{where} was drawn for other areas or labels: redraw it with "
                     "`kakehashi richmenu draw` and commit it")
    return found
