"""`kakehashi orgs add|list` and `operators add --org` through bot.cli.main, on a copy of the content (the file
is what reviewers read) and the test Redis."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.organizations import Organizations
from bot.web.console.operators import Operators
from tests.conftest import DATA_KEY
from tests.organizations import ROOT


@pytest.fixture
def content(monkeypatch: pytest.MonkeyPatch, redis_url: str, tmp_path: Path, r) -> Path:  # noqa: ANN001
    """KAKEHASHI_CONTENT_DIR: a copy of flows/ and locales/, as an organization keeps its own."""
    for part in ("flows", "locales"):
        shutil.copytree(ROOT / part, tmp_path / part)
    monkeypatch.setenv("KAKEHASHI_CONTENT_DIR", str(tmp_path))
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("KAKEHASHI_DATA_KEY", DATA_KEY)
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "flows"


def test_add_appends_a_reviewable_organization_and_list_shows_it(content: Path, capsys, monkeypatch, r) -> None:  # noqa: ANN001
    before = (content / "organizations.yaml").read_text(encoding="utf-8")
    assert main(["orgs", "add", "tokyo", "--name-ja", "東京都相談窓口", "--name-en", "Tokyo consultation",
                 "--prefecture", "13"]) == 0
    assert main(["orgs", "add", "hachioji", "--name-ja", "八王子市相談窓口", "--name-en", "Hachioji",
                 "--municipality", "13:八王子市", "--hours", "08:30-17:15"]) == 0
    after = (content / "organizations.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # the reviewed file, its comments included, kept as it was
    orgs = Organizations.load(content)
    assert orgs.serving("13", "八王子市").id == "hachioji" and orgs.serving("13", "町田市").id == "tokyo"
    assert orgs.get("tokyo").hours.hours == orgs.default.hours.hours  # the default organization's hours
    hachioji = orgs.get("hachioji").hours
    assert str(hachioji.hours["mon"][1]) == "17:15:00" and "sat" not in hachioji.hours and hachioji.closed_on_holidays
    assert main(["flows", "check"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough secret\n"))
    assert main(["operators", "add", "aoi", "--org", "tokyo"]) == 0
    capsys.readouterr()
    assert main(["orgs", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-3:] == ["kakehashi\tかけはし相談員 / Kakehashi counselors\teveryone else (default)\t0 operator(s)",
                        "tokyo\t東京都相談窓口 / Tokyo consultation\t13\t1 operator(s)",
                        "hachioji\t八王子市相談窓口 / Hachioji\t13:八王子市\t0 operator(s)"]
    assert main(["operators", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "aoi\tcounselor\ttokyo"


def test_add_refuses_what_would_make_the_file_ambiguous(content: Path, capsys) -> None:  # noqa: ANN001
    assert main(["orgs", "add", "tokyo", "--name-ja", "東京都", "--name-en", "Tokyo", "--prefecture", "13"]) == 0
    before = (content / "organizations.yaml").read_text(encoding="utf-8")
    for argv, said in ((["tokyo2", "--prefecture", "13"], "prefecture 13 is claimed by both tokyo and tokyo2"),
                       (["tokyo", "--prefecture", "14"], "'tokyo' exists already"),
                       (["Bad Id"], "an id is"),
                       (["x", "--municipality", "八王子市"], "PREFECTURE:NAME"),
                       (["x", "--hours", "9-17"], "hours must read like")):
        assert main(["orgs", "add", *argv[:1], "--name-ja", "名", "--name-en", "N", *argv[1:]]) == 1
        assert said in capsys.readouterr().err
    assert (content / "organizations.yaml").read_text(encoding="utf-8") == before
    assert yaml.safe_load(before)["tokyo"]["prefectures"] == ["13"]


def test_operators_belong_to_a_known_organization(content: Path, capsys, monkeypatch, r) -> None:  # noqa: ANN001
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough secret\n"))
    assert main(["operators", "add", "aoi", "--org", "nowhere"]) == 1
    assert "no organization 'nowhere'" in capsys.readouterr().err and Operators(r).get("aoi") is None
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough secret\n"))
    assert main(["operators", "add", "root", "--system"]) == 0
    root = Operators(r).get("root")
    assert root is not None and root.system and root.admin and root.org == ""
