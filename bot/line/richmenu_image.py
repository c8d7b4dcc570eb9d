"""Draw the rich menu's picture from flows/richmenu.yaml: a tile per area with a pictogram and its labels.

`kakehashi richmenu draw [--font FILE] [--out FILE]` writes the picture the file names. It is drawn
once and committed, not drawn at deploy: its labels are Japanese, and a server (or the slim Docker image) may
have no Japanese font, while the committed bytes deploy the same everywhere. Drawing needs a Japanese font
(Debian: fonts-noto-cjk), found with fontconfig or given with --font.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from bot.line.richmenu import LAYOUT_TAG, Area, RichMenuSpec, layout

SCALE = 2  # drawn at twice the size, then reduced: smooth edges without an anti-aliasing library
PAPER, INK, RULE, SUBTLE = "#f7f5f0", "#2b2b2b", "#d9d4ca", "#6b6b6b"
COLOURS = {"emergency": "#b5403a", "close": "#7a7f87"}  # the rest share the calm one
CALM = "#2f6f73"
Font = tuple[str, int]  # file, face index within a collection
Draw = ImageDraw.ImageDraw


class NoFont(RuntimeError):
    """No Japanese font on this machine: say how to get one."""


def find_font() -> Font:
    """A bold Japanese sans-serif face, as fontconfig knows it (Noto Sans CJK JP on Debian)."""
    try:
        listed = subprocess.run(["fc-list", ":lang=ja", "family", "style", "file", "index"],
                                capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        listed = ""
    faces = []
    for line in listed.splitlines():
        file, _, rest = line.partition(": ")
        index = int(rest.rsplit("index=", 1)[-1]) if "index=" in rest else 0
        rank = ("JP" not in rest, "Mono" in rest or "Serif" in rest, "Bold" not in rest)
        faces.append((rank, file, index))
    if not faces:
        raise NoFont("no Japanese font found: install one (Debian: apt-get install fonts-noto-cjk) or pass --font")
    best = min(faces)
    return best[1], best[2]


def draw(spec: RichMenuSpec, font: Font) -> bytes:
    """The picture as PNG bytes, tagged with the layout it shows (flows check compares it)."""
    s = SCALE
    picture = Image.new("RGB", (spec.width * s, spec.height * s), PAPER)
    pen = ImageDraw.Draw(picture)
    for area in spec.areas:
        _tile(pen, area, spec, font)
    for area in spec.areas[1:]:
        pen.line([(area.x * s, (area.y + 60) * s), (area.x * s, (area.y + area.height - 60) * s)], RULE, 3 * s)
    picture = picture.resize((spec.width, spec.height), Image.Resampling.LANCZOS)
    info = PngInfo()
    info.add_text(LAYOUT_TAG, layout(spec))
    out = io.BytesIO()
    picture.quantize(64).save(out, "PNG", optimize=True, pnginfo=info)  # flat colours: a small file
    return out.getvalue()


def _tile(pen: Draw, area: Area, spec: RichMenuSpec, font: Font) -> None:
    s = SCALE
    cx, top = (area.x + area.width / 2) * s, area.y * s
    radius = min(area.width, area.height) * 0.24 * s
    cy = top + area.height * 0.36 * s
    colour = COLOURS.get(area.command, CALM)
    pen.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=colour)
    PICTOGRAMS.get(area.command, lambda *_: None)(pen, cx, cy, radius * 0.55)
    room = (area.width - 60) * s
    main = spec.label(area)
    _text(pen, main, cx, top + area.height * 0.71 * s, 84 * s, room, font, INK)
    others = [label for lang, label in area.labels.items() if lang != spec.lang and label != main]
    for n, label in enumerate(others):
        _text(pen, label, cx, top + (area.height * 0.85 + 52 * n) * s, 46 * s, room, font, SUBTLE)


def _text(pen: Draw, text: str, cx: float, cy: float, size: int, room: float, font: Font, fill: str) -> None:
    """Centred on (cx, cy), made smaller until it fits the tile."""
    face = ImageFont.truetype(font[0], size, index=font[1])
    while pen.textlength(text, font=face) > room and size > 20:
        size = int(size * 0.92)
        face = ImageFont.truetype(font[0], size, index=font[1])
    pen.text((cx, cy), text, font=face, fill=fill, anchor="mm")


# ── pictograms: white shapes inside the tile's circle, `r` is their half-size ─────────────────────────────
def _menu(pen: Draw, cx: float, cy: float, r: float) -> None:
    for dy in (-0.6, 0, 0.6):
        y = cy + dy * r
        pen.rounded_rectangle([cx - r, y - r * 0.13, cx + r, y + r * 0.13], r * 0.13, fill="white")


def _pin(pen: Draw, cx: float, cy: float, r: float) -> None:
    head = cy - r * 0.25
    pen.polygon([(cx - r * 0.62, head + r * 0.3), (cx + r * 0.62, head + r * 0.3), (cx, cy + r * 1.05)], "white")
    pen.ellipse([cx - r * 0.72, head - r * 0.72, cx + r * 0.72, head + r * 0.72], fill="white")
    pen.ellipse([cx - r * 0.28, head - r * 0.28, cx + r * 0.28, head + r * 0.28], fill=CALM)


def _person(pen: Draw, cx: float, cy: float, r: float) -> None:
    pen.ellipse([cx - r * 0.42, cy - r * 1.0, cx + r * 0.42, cy - r * 0.16], fill="white")
    pen.pieslice([cx - r * 0.85, cy - r * 0.05, cx + r * 0.85, cy + r * 1.65], 180, 360, fill="white")


def _alert(pen: Draw, cx: float, cy: float, r: float) -> None:
    pen.rounded_rectangle([cx - r * 0.17, cy - r, cx + r * 0.17, cy + r * 0.35], r * 0.17, fill="white")
    pen.ellipse([cx - r * 0.2, cy + r * 0.62, cx + r * 0.2, cy + r * 1.02], fill="white")


def _cross(pen: Draw, cx: float, cy: float, r: float) -> None:
    width = int(r * 0.3)
    pen.line([(cx - r * 0.75, cy - r * 0.75), (cx + r * 0.75, cy + r * 0.75)], "white", width)
    pen.line([(cx - r * 0.75, cy + r * 0.75), (cx + r * 0.75, cy - r * 0.75)], "white", width)


PICTOGRAMS: dict[str, Callable[[Draw, float, float, float], None]] = {
    "menu": _menu, "windows": _pin, "human": _person, "emergency": _alert, "close": _cross,
}
