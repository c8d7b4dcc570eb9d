"""`kakehashi richmenu deploy` against the fake LINE API (both hosts), through the real SDK and the CLI."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import pytest
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    RichMenuRequest,
)
from PIL import Image

from bot.cli import main
from bot.line.richmenu import image_bytes, line_name, load_richmenu, request
from bot.settings import Settings
from tests.fake_line import FakeLineApi

SPEC = load_richmenu(Settings())


@pytest.fixture
def line_env(monkeypatch: pytest.MonkeyPatch, fake_line: FakeLineApi) -> FakeLineApi:
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", fake_line.access_token)
    monkeypatch.setenv("LINE_API_BASE_URL", fake_line.url)
    monkeypatch.setenv("LINE_DATA_API_BASE_URL", fake_line.data_url)
    monkeypatch.setenv("KAKEHASHI_LINE_TIMEOUT", "2")
    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)
    return fake_line


def deploy(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["richmenu", "deploy", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def menu_file(tmp_path: Path, change: tuple[str, str] | None = None) -> Path:
    """A copy of flows/richmenu.yaml (and its picture) beside which a test changes something."""
    shutil.copy(SPEC.image, tmp_path / SPEC.image.name)
    text = (SPEC.image.parent / "richmenu.yaml").read_text()
    (tmp_path / "richmenu.yaml").write_text(text.replace(*change) if change else text)
    return tmp_path / "richmenu.yaml"


def test_deploy_creates_the_menu_uploads_its_picture_and_makes_it_the_default(line_env, capsys) -> None:  # noqa: ANN001
    code, out, _ = deploy(capsys)
    assert code == 0, out
    (menu_id, menu), = line_env.menus.items()
    assert {k: v for k, v in menu.items() if k != "richMenuId"} == request(SPEC)  # named kakehashi-<digest>
    assert line_env.pictures[menu_id] == ("image/png", image_bytes(SPEC))
    assert line_env.default_rich_menu == menu_id
    uploads = [q for q in line_env.requests if q.path.endswith("/content")]
    assert [(q.data_api, q.status) for q in uploads] == [(True, 200)]  # to LINE_DATA_API_BASE_URL
    assert all(q.headers["authorization"] == f"Bearer {line_env.access_token}" for q in line_env.requests)
    assert f"created {line_name(SPEC)} ({menu_id})" in out
    assert "uploaded its picture (image/png" in out and "set it as the default rich menu" in out


def test_a_second_deploy_changes_nothing(line_env, capsys) -> None:  # noqa: ANN001
    assert deploy(capsys)[0] == 0
    before = dict(line_env.menus)
    line_env.requests.clear()
    code, out, _ = deploy(capsys)
    assert code == 0 and line_env.menus == before
    assert [q.method for q in line_env.requests] == ["GET", "GET"]  # the list and the default: nothing written
    assert out.startswith(f"unchanged: {line_name(SPEC)} is already the default rich menu")


def test_a_changed_menu_replaces_ours_and_leaves_everyone_elses(line_env, capsys, tmp_path) -> None:  # noqa: ANN001
    theirs = line_env.seed_rich_menu("campaign-2026", default=True)
    lookalike = line_env.seed_rich_menu("kakehashi_test")  # our prefix is "kakehashi-", not "kakehashi"
    assert deploy(capsys)[0] == 0
    first = line_env.default_rich_menu
    code, out, _ = deploy(capsys, "--file", str(menu_file(tmp_path, ("selected: true", "selected: false"))))
    assert code == 0, out
    second = line_env.default_rich_menu
    assert second != first and set(line_env.menus) == {theirs, lookalike, second}
    assert line_env.menus[second]["selected"] is False
    assert f"deleted our old rich menu {line_name(SPEC)} ({first})" in out
    assert [q.path for q in line_env.requests if q.method == "DELETE"] == [f"/v2/bot/richmenu/{first}"]


def test_deploy_says_when_it_takes_over_a_default_that_is_not_ours(line_env, capsys) -> None:  # noqa: ANN001
    theirs = line_env.seed_rich_menu("made in the LINE console", default=True)
    code, out, _ = deploy(capsys)
    assert code == 0 and theirs in line_env.menus and line_env.default_rich_menu != theirs
    assert f"it replaces the default {theirs}, which is not ours: that menu itself is left in place" in out


def test_a_deploy_that_failed_halfway_is_finished_by_the_next(line_env, capsys) -> None:  # noqa: ANN001
    """LINE never replaces a menu's picture: the menu left without one is replaced, then deleted."""
    line_env.fail_next(500, path="/v2/bot/richmenu/*/content")
    code, _, err = deploy(capsys)
    assert code == 1 and "LINE refused to upload the picture (HTTP 500): Internal Server Error" in err
    (broken,) = line_env.menus
    assert line_env.default_rich_menu is None and broken not in line_env.pictures
    code, out, _ = deploy(capsys)
    assert code == 0, out
    assert list(line_env.menus) == [line_env.default_rich_menu] and broken not in line_env.menus
    assert f"deleted our old rich menu {line_name(SPEC)} ({broken})" in out


def test_line_refusing_a_step_stops_the_deploy_with_its_reason(line_env, capsys) -> None:  # noqa: ANN001
    line_env.fail_next(400, path="/v2/bot/richmenu", message="The request body has 1 error(s)")
    code, _, err = deploy(capsys)
    assert code == 1 and "LINE refused to create the rich menu (HTTP 400): The request body has 1 error(s)" in err
    assert line_env.menus == {} and line_env.default_rich_menu is None


def test_every_call_has_a_timeout(line_env, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("KAKEHASHI_LINE_TIMEOUT", "1")
    line_env.delay = 3.0
    started = time.monotonic()
    code, _, err = deploy(capsys)
    assert code == 1 and "could not list the rich menus: LINE did not answer" in err
    assert time.monotonic() - started < 2.5


def test_a_menu_line_would_refuse_is_refused_here_and_nothing_is_sent(line_env, capsys, tmp_path) -> None:  # noqa: ANN001
    path = menu_file(tmp_path, ("x: 2000, y: 0, width: 500", "x: 2000, y: 0, width: 900"))
    path.write_text(path.read_text().replace("chat_bar: richmenu.chat_bar", "chat_bar: privacy.closed"))
    code, out, err = deploy(capsys, "--file", str(path))
    assert code == 1 and out == ""
    assert "the rich menu has problems; nothing was sent to LINE" in err
    assert "chat bar text 'ご利用ありがとうございました。' must be 1-14 characters" in err
    assert "area 5 (close): bounds 2000,0 900x843 are not inside the 2500x843 menu" in err
    assert line_env.requests == []


def test_buttons_the_picture_does_not_show_are_refused_before_line(line_env, capsys, tmp_path) -> None:  # noqa: ANN001
    code, _, err = deploy(capsys, "--file", str(menu_file(tmp_path, ("command: windows", "command: cancel"))))
    assert code == 1 and "picture richmenu.png was drawn for other areas or labels: redraw it" in err
    assert line_env.requests == []


def test_a_missing_file_or_token_is_said_plainly(line_env, capsys, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    code, _, err = deploy(capsys, "--file", str(tmp_path / "nowhere.yaml"))
    assert code == 1 and "nowhere.yaml: [Errno 2] No such file or directory" in err
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN")
    code, _, err = deploy(capsys)
    assert code == 2 and "richmenu deploy needs LINE_CHANNEL_ACCESS_TOKEN" in err
    assert line_env.requests == []


def test_the_fake_refuses_what_line_refuses(fake_line: FakeLineApi) -> None:
    """So that the tests above could fail: a wrong menu or picture gets LINE's 4xx, through the real SDK."""
    api = MessagingApi(ApiClient(Configuration(host=fake_line.url, access_token=fake_line.access_token)))
    blob = MessagingApiBlob(ApiClient(Configuration(host=fake_line.data_url, access_token=fake_line.access_token)))
    body = request(SPEC)

    def refused(call, *args, **kwargs) -> tuple[int, str]:  # noqa: ANN001
        with pytest.raises(ApiException) as caught:
            call(*args, _request_timeout=2, **kwargs)
        return caught.value.status, str(caught.value.body)

    crowded = {**body, "areas": body["areas"] * 5}  # 25: the SDK itself checks the chat bar text, not this
    assert "areas" in refused(api.create_rich_menu, RichMenuRequest.from_dict(crowded))[1]
    outside = {**body, "areas": [{**body["areas"][0], "bounds": {"x": 2400, "y": 0, "width": 500, "height": 843}}]}
    assert "areas[0].bounds" in refused(api.create_rich_menu, RichMenuRequest.from_dict(outside))[1]
    menu_id = api.create_rich_menu(RichMenuRequest.from_dict(body), _request_timeout=2).rich_menu_id
    assert refused(api.set_default_rich_menu, menu_id)[0] == 400  # no picture yet
    png = {"Content-Type": "image/png"}
    assert refused(blob.set_rich_menu_image, menu_id, image_bytes(SPEC), _headers={"Content-Type": "image/gif"})[0] \
        == 415
    assert "must match" in refused(blob.set_rich_menu_image, menu_id, _picture(2500, 1686), _headers=png)[1]
    assert refused(blob.set_rich_menu_image, menu_id, _picture(2500, 843, "JPEG"), _headers=png)[0] == 400
    assert refused(MessagingApiBlob(api.api_client).set_rich_menu_image, menu_id, image_bytes(SPEC),
                   _headers=png)[0] == 404  # pictures go to the data API's host
    blob.set_rich_menu_image(menu_id, image_bytes(SPEC), _headers=png, _request_timeout=2)
    assert "already" in refused(blob.set_rich_menu_image, menu_id, image_bytes(SPEC), _headers=png)[1]
    jpeg_menu = api.create_rich_menu(RichMenuRequest.from_dict(body), _request_timeout=2).rich_menu_id
    blob.set_rich_menu_image(jpeg_menu, _picture(2500, 843, "JPEG"), _headers={"Content-Type": "image/jpeg"},
                             _request_timeout=2)
    api.set_default_rich_menu(menu_id, _request_timeout=2)
    api.delete_rich_menu(menu_id, _request_timeout=2)
    assert refused(api.get_default_rich_menu_id)[0] == 404  # deleting the default leaves none


def _picture(width: int, height: int, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, kind)
    return out.getvalue()
