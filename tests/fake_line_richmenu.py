"""The rich-menu part of the fake LINE API: menus, their pictures and the default, validated as LINE does.

Mixed into FakeLineApi. The picture's type and size come from this module's own reading of the PNG or JPEG
header, not from Pillow as our code uses it: a picture must be right to a reader that did not check it first.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Callable
from typing import Any

MAX_MENUS, MAX_AREAS, MAX_CHAT_BAR, MAX_NAME, MAX_PICTURE = 1000, 20, 14, 300, 1024 * 1024
MENU = "/v2/bot/richmenu"
DEFAULT = "/v2/bot/user/all/richmenu"
Answer = tuple[int, dict[str, Any], dict[str, str]]


def picture_size(data: bytes) -> tuple[str, int, int] | None:
    """("image/png" or "image/jpeg", width, height) from the file's header; None if it is neither."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return "image/png", width, height
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame: the size
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return "image/jpeg", width, height
        at += 2 + length
    return None


def menu_errors(body: dict[str, Any], action_errors: Callable[[Any, str], list[tuple[str, str]]]
                ) -> list[tuple[str, str]]:
    """LINE's validation of a rich menu object, as (property, message) pairs."""
    errors = []
    size = body.get("size") or {}
    width, height = size.get("width"), size.get("height")
    if not (isinstance(width, int) and isinstance(height, int) and 800 <= width <= 2500 and height >= 250
            and width / height >= 1.45):
        errors.append(("size", "width must be 800-2500, height at least 250, width/height at least 1.45"))
        width = height = 0
    if not isinstance(body.get("selected"), bool):
        errors.append(("selected", "must be specified"))
    if not 1 <= len(str(body.get("name") or "")) <= MAX_NAME:
        errors.append(("name", f"Length must be between 1 and {MAX_NAME}"))
    if not 1 <= len(str(body.get("chatBarText") or "")) <= MAX_CHAT_BAR:
        errors.append(("chatBarText", f"Length must be between 1 and {MAX_CHAT_BAR}"))
    areas = body.get("areas")
    if not isinstance(areas, list) or len(areas) > MAX_AREAS:
        return [*errors, ("areas", f"Size must be between 0 and {MAX_AREAS}")]
    for i, area in enumerate(areas):
        b = area.get("bounds") or {}
        x, y, w, h = (b.get(k) for k in ("x", "y", "width", "height"))
        if not all(isinstance(v, int) for v in (x, y, w, h)) or x < 0 or y < 0 or w <= 0 or h <= 0 or (
                x + w > width or y + h > height):
            errors.append((f"areas[{i}].bounds", "must be inside the rich menu"))
        errors += action_errors(area.get("action"), f"areas[{i}].action")
    return errors


class RichMenus:
    """Rich-menu state and routes; FakeLineApi calls `_rich_menu_answer` under its lock."""

    menus: dict[str, dict[str, Any]]
    pictures: dict[str, tuple[str, bytes]]
    default_rich_menu: str | None
    action_errors: Callable[[Any, str], list[tuple[str, str]]]  # FakeLineApi's: the checks of any action

    def _rich_menu_reset(self) -> None:
        self.menus, self.pictures, self.default_rich_menu = {}, {}, None

    def seed_rich_menu(self, name: str, *, default: bool = False) -> str:
        """A menu someone else made in the LINE console (with a picture), for tests of what deploy leaves alone."""
        menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.menus[menu_id] = {"richMenuId": menu_id, "size": {"width": 2500, "height": 843}, "selected": False,
                               "name": name, "chatBarText": "theirs", "areas": []}
        self.pictures[menu_id] = ("image/png", b"")
        self.default_rich_menu = menu_id if default else self.default_rich_menu
        return menu_id

    def _rich_menu_answer(self, method: str, path: str, body: Any, raw: bytes, content_type: str,
                          data_api: bool) -> Answer:
        if data_api:  # api-data.line.me holds the pictures and nothing else of ours
            menu_id = path.removeprefix(MENU + "/").removesuffix("/content")
            if method == "POST" and path == f"{MENU}/{menu_id}/content":
                return self._upload(menu_id, raw, content_type)
            return 404, {"message": "Not found"}, {}
        if (method, path) == ("POST", MENU):
            return self._create(body)
        if (method, path) == ("GET", f"{MENU}/list"):
            return 200, {"richmenus": list(self.menus.values())}, {}
        if (method, path) == ("GET", DEFAULT):
            if self.default_rich_menu is None:
                return 404, {"message": "no default richmenu"}, {}
            return 200, {"richMenuId": self.default_rich_menu}, {}
        menu_id = path.rsplit("/", 1)[-1]
        if menu_id not in self.menus:
            return 404, {"message": "richmenu not found"}, {}
        if (method, path) == ("DELETE", f"{MENU}/{menu_id}"):
            del self.menus[menu_id]
            self.pictures.pop(menu_id, None)
            self.default_rich_menu = None if self.default_rich_menu == menu_id else self.default_rich_menu
            return 200, {}, {}
        if (method, path) == ("POST", f"{DEFAULT}/{menu_id}"):
            if menu_id not in self.pictures:
                return 400, {"message": "must upload richmenu image before applying it to user"}, {}
            self.default_rich_menu = menu_id
            return 200, {}, {}
        return 404, {"message": "Not found"}, {}

    def _create(self, body: Any) -> Answer:
        if not isinstance(body, dict):
            return 400, {"message": "The request body could not be parsed as JSON"}, {}
        errors = menu_errors(body, self.action_errors)
        if errors:
            details = [{"message": m, "property": p} for p, m in errors]
            return 400, {"message": f"The request body has {len(errors)} error(s)", "details": details}, {}
        if len(self.menus) >= MAX_MENUS:
            return 400, {"message": "richmenu count limit exceeded"}, {}
        menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.menus[menu_id] = {"richMenuId": menu_id, **body}
        return 200, {"richMenuId": menu_id}, {}

    def _upload(self, menu_id: str, raw: bytes, content_type: str) -> Answer:
        if menu_id not in self.menus:
            return 404, {"message": "richmenu not found"}, {}
        if content_type not in ("image/png", "image/jpeg"):
            return 415, {"message": "Unsupported Media Type"}, {}
        if len(raw) > MAX_PICTURE:
            return 413, {"message": "Request Entity Too Large"}, {}
        if menu_id in self.pictures:
            return 400, {"message": "An image has already been uploaded to the richmenu"}, {}
        found = picture_size(raw)
        size = self.menus[menu_id]["size"]
        if found is None or found[0] != content_type:
            return 400, {"message": "Invalid image: not the declared PNG or JPEG"}, {}
        if found[1:] != (size["width"], size["height"]):
            return 400, {"message": "The image size must match the rich menu size"}, {}
        self.pictures[menu_id] = (content_type, raw)
        return 200, {}, {}
