"""The rich menu file: its five buttons, LINE's limits checked before anything is sent, the picture it ships."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.engine.commands import COMMANDS
from bot.line.richmenu import (
    MAX_IMAGE_BYTES,
    Area,
    RichMenuError,
    RichMenuSpec,
    image_bytes,
    image_info,
    layout,
    line_name,
    load_richmenu,
    problems,
    request,
)
from bot.line.richmenu_image import NoFont, find_font
from bot.settings import Settings
from tests.fake_line_richmenu import picture_size
from tests.review.test_flows_check import copy_content, run_check

SPEC = load_richmenu(Settings())


def test_the_menu_has_its_five_buttons_as_postbacks_that_show_what_was_tapped() -> None:
    actions = [a["action"] for a in request(SPEC)["areas"]]
    assert [a["label"] for a in actions] == ["メニュー", "相談先", "人と話したい", "緊急", "とじる"]
    assert [a["data"] for a in actions] == ["cmd:menu", "cmd:windows", "cmd:human", "cmd:emergency", "cmd:close"]
    assert all(a["type"] == "postback" and a["displayText"] == a["label"] for a in actions)
    assert [a.labels["en"] for a in SPEC.areas] == ["Menu", "Where to ask", "Talk to a person", "Emergency", "Close"]
    assert request(SPEC)["chatBarText"] == "メニュー・相談先"
    assert problems(SPEC, COMMANDS) == []


def test_the_shipped_picture_is_the_menus_size_small_enough_and_drawn_for_this_layout() -> None:
    data = image_bytes(SPEC)
    assert len(data) <= MAX_IMAGE_BYTES
    assert image_info(data) == ("image/png", SPEC.width, SPEC.height, layout(SPEC))
    assert picture_size(data) == ("image/png", SPEC.width, SPEC.height)  # as the fake LINE reads it, too


def test_the_name_on_line_follows_the_definition_and_the_picture(tmp_path: Path) -> None:
    assert line_name(SPEC) == line_name(load_richmenu(Settings())) and line_name(SPEC).startswith("kakehashi-")
    assert line_name(replace(SPEC, selected=False)) != line_name(SPEC)
    other = tmp_path / "other.png"
    Image.new("RGB", (SPEC.width, SPEC.height), "white").save(other)
    assert line_name(replace(SPEC, image=other)) != line_name(SPEC)


def _png(tmp_path: Path, size: tuple[int, int], noise: bool = False) -> Path:
    path = tmp_path / f"{size[0]}x{size[1]}.png"
    picture = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else Image.new("RGB", size)
    picture.save(path)
    return path


def _area(command: str, x: int, width: int = 500, label: str = "ok") -> Area:
    return Area(x, 0, width, 843, command, {"ja": label, "en": label})


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"width": 2500, "height": 2000}, "size 2500x2000: LINE needs"),
        ({"width": 700}, "size 700x843"),
        ({"chat_bar": "とても長いチャットバーのテキストです"}, "chat bar text"),
        ({"areas": ()}, "0 areas: LINE takes 1-20"),
        ({"areas": tuple(_area("menu", 100 * i, 100) for i in range(21))}, "21 areas: LINE takes 1-20"),
        ({"areas": (_area("menu", 2100),)}, "area 1 (menu): bounds 2100,0 500x843 are not inside"),
        ({"areas": (_area("menu", 0), _area("close", 400))}, "area 2 (close) overlaps area 1 (menu)"),
        ({"areas": (_area("dance", 0),)}, "area 1 (dance): unknown command 'dance'"),
        ({"areas": (_area("menu", 0, label="人と話したい" * 4),)}, "ja label '人と話したい"),
    ],
)
def test_what_line_would_refuse_is_found_first(change: dict[str, object], expected: str) -> None:
    spec = replace(SPEC, **change)  # type: ignore[arg-type]
    found = problems(spec, COMMANDS)
    assert any(expected in p for p in found), found


def test_a_picture_line_would_refuse_is_found_first(tmp_path: Path) -> None:
    def found(picture: Path) -> str:
        return "\n".join(problems(replace(SPEC, image=picture), COMMANDS))

    assert "is 2500x1686; the menu is 2500x843" in found(_png(tmp_path, (2500, 1686)))
    assert "LINE takes at most 1,048,576" in found(_png(tmp_path, (2500, 843), noise=True))
    gif = tmp_path / "menu.gif"
    Image.new("RGB", (2500, 843)).save(gif)
    assert "the picture is GIF; LINE takes PNG or JPEG" in found(gif)
    (tmp_path / "menu.txt").write_text("not a picture")
    assert "not an image LINE takes" in found(tmp_path / "menu.txt")
    assert "No such file" in found(tmp_path / "missing.png")
    jpeg = tmp_path / "menu.jpg"
    Image.new("RGB", (2500, 843), "white").save(jpeg, "JPEG")
    assert found(jpeg) == "" and image_info(jpeg.read_bytes())[0] == "image/jpeg"  # a designer's JPEG will do


def test_a_picture_drawn_for_other_buttons_must_be_redrawn() -> None:
    moved = replace(SPEC, areas=(*SPEC.areas[:-1], replace(SPEC.areas[-1], labels={"ja": "おわり", "en": "Close"})))
    assert any("drawn for other areas or labels: redraw it" in p for p in problems(moved, COMMANDS))


def test_the_generator_draws_the_current_layout(tmp_path: Path) -> None:
    try:
        find_font()
    except NoFont as exc:
        pytest.skip(f"cannot draw the rich menu here: {exc}")
    assert main(["richmenu", "draw", "--out", str(tmp_path / "menu.png")]) == 0  # as a reviewer redraws it
    data = (tmp_path / "menu.png").read_bytes()
    assert len(data) <= MAX_IMAGE_BYTES
    assert image_info(data) == ("image/png", 2500, 843, layout(SPEC))
    assert picture_size(data) == ("image/png", 2500, 843)
    with Image.open(io.BytesIO(data)) as picture:  # the emergency tile's badge is red, the others are not
        rgb = picture.convert("RGB")
        tiles = [rgb.getpixel((a.x + a.width // 2 + 100, int(a.height * 0.36))) for a in SPEC.areas]
    red = [(r - g > 80) for r, g, _ in tiles]  # type: ignore[misc]
    assert red == [a.command == "emergency" for a in SPEC.areas]


def test_flows_check_reads_the_rich_menu(capsys, tmp_path: Path) -> None:  # noqa: ANN001
    flows, locales = copy_content(tmp_path)
    text = (flows / "richmenu.yaml").read_text()
    (flows / "richmenu.yaml").write_text(text.replace("x: 2000, y: 0, width: 500", "x: 2100, y: 0, width: 500"))
    code, out = run_check(capsys, flows, locales)
    assert code == 1
    assert "richmenu: area 5 (close): bounds 2100,0 500x843 are not inside the 2500x843 menu" in out
    assert "richmenu: picture richmenu.png was drawn for other areas or labels" in out
    (flows / "richmenu.yaml").write_text(text.replace("command: close", "command: dance"))
    code, out = run_check(capsys, flows, locales)
    assert code == 1 and "richmenu: text 'common.button.dance' missing in ja.yaml" in out


def test_a_file_that_is_not_a_menu_says_what_it_needs(tmp_path: Path) -> None:
    shutil.copytree(Settings().locales_dir, tmp_path / "locales")
    (tmp_path / "richmenu.yaml").write_text("name: kakehashi\nareas: []\n")
    with pytest.raises(RichMenuError, match="expected name, chat_bar, size"):
        load_richmenu(Settings(locales_dir=tmp_path / "locales"), tmp_path / "richmenu.yaml")


def test_the_spec_is_what_the_simulator_can_draw() -> None:
    """The simulator shows the same menu: the areas tile the picture and each names its postback."""
    assert isinstance(SPEC, RichMenuSpec) and sum(a.width for a in SPEC.areas) == SPEC.width
    assert {a.data for a in SPEC.areas} <= {f"cmd:{c}" for c in COMMANDS}
