"""`kakehashi richmenu deploy`: make the channel's default rich menu the one in flows/richmenu.yaml, once.

Idempotent by name: LINE knows our menu as <name>-<digest of its definition and picture>. When the default is
already that menu there is nothing to do. Otherwise a new menu is created, given its picture (LINE never
replaces a menu's picture, so a changed picture is a new menu) and made the default; then our other menus,
the ones whose name starts with our prefix, are deleted. A menu under any other name is never touched.
Every call has a timeout and is tried once: a failed deploy is simply run again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    RichMenuRequest,
)

from bot.line.richmenu import RichMenuSpec, image_bytes, image_info, request
from bot.settings import Settings


class DeployFailed(Exception):
    """LINE refused a step or could not be reached; the message says which step and why."""


class _Line:
    """The two LINE hosts a rich menu needs: the Messaging API, and the data API for the picture."""

    def __init__(self, settings: Settings) -> None:
        token = settings.line_channel_access_token or ""
        self.api = MessagingApi(ApiClient(_config(settings.line_api_base_url, token)))
        self.blob = MessagingApiBlob(ApiClient(_config(settings.line_data_api_base_url, token)))
        self.timeout = settings.line_timeout

    def call(self, step: str, method: Callable[..., Any], *args: Any, absent: bool = False, **kwargs: Any) -> Any:
        """`method` with our timeout; a refusal or silence is DeployFailed. `absent`: a 404 gives None."""
        try:
            return method(*args, _request_timeout=self.timeout, **kwargs)
        except ApiException as exc:
            if absent and exc.status == 404:
                return None
            raise DeployFailed(f"LINE refused to {step} (HTTP {exc.status}): {_reason(exc)}") from None
        except urllib3.exceptions.HTTPError as exc:
            raise DeployFailed(f"could not {step}: LINE did not answer ({type(exc).__name__})") from None


def _config(host: str, token: str) -> Configuration:
    config = Configuration(host=host, access_token=token)
    config.retries = urllib3.Retry(total=0, raise_on_status=False)  # one try per step; deploy is rerun instead
    return config


def _reason(exc: ApiException) -> str:
    try:
        body = json.loads(exc.body or "{}")  # the SDK has decoded it
    except ValueError:
        return str(exc.reason)
    details = "; ".join(f"{d.get('property', '')}: {d.get('message', '')}" for d in body.get("details", []))
    return body.get("message", str(exc.reason)) + (f" ({details})" if details else "")


def deploy(spec: RichMenuSpec, settings: Settings, say: Callable[[str], None]) -> str:
    """Make `spec` the default rich menu; `say` hears each step done. Returns the menu's id on LINE."""
    line = _Line(settings)
    body = request(spec)
    name = body["name"]
    ours = [m for m in line.call("list the rich menus", line.api.get_rich_menu_list).richmenus
            if m.name.startswith(spec.name + "-")]
    found = line.call("read the default rich menu", line.api.get_default_rich_menu_id, absent=True)
    default = found.rich_menu_id if found else None  # LINE answers 404 while there is none
    if any(m.rich_menu_id == default and m.name == name for m in ours):
        menu_id = default or ""
        say(f"unchanged: {name} is already the default rich menu ({menu_id})")
    else:
        menu_id = line.call("create the rich menu", line.api.create_rich_menu,
                            RichMenuRequest.from_dict(body)).rich_menu_id
        say(f"created {name} ({menu_id}): {len(spec.areas)} areas, chat bar {spec.chat_bar!r}")
        picture = image_bytes(spec)
        kind = image_info(picture)[0]
        line.call("upload the picture", line.blob.set_rich_menu_image, menu_id, picture,
                  _headers={"Content-Type": kind})
        say(f"uploaded its picture ({kind}, {len(picture) // 1024} KB)")
        line.call("set the default rich menu", line.api.set_default_rich_menu, menu_id)
        say("set it as the default rich menu")
        if default and not any(m.rich_menu_id == default for m in ours):
            say(f"it replaces the default {default}, which is not ours: that menu itself is left in place")
    for menu in ours:
        if menu.rich_menu_id != menu_id:
            line.call(f"delete the old rich menu {menu.rich_menu_id}", line.api.delete_rich_menu, menu.rich_menu_id)
            say(f"deleted our old rich menu {menu.name} ({menu.rich_menu_id})")
    return menu_id
