"""Transferring a ticket in a real browser (headless Chromium): Tokyo's counselor hands a ticket to Osaka with
a note; it leaves Tokyo's queue, and Osaka's counselor finds it in its place in time with the note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from tests.browser import screenshot
from tests.console import add_operator, open_ticket
from tests.organizations import multi_org_flows
from tests.web.test_console_browser import log_in


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_(flows_dir=multi_org_flows(tmp_path))


def test_a_ticket_is_transferred_to_another_organization_in_the_browser(page: Any, live_app: str, app) -> None:  # noqa: ANN001
    older = open_ticket(app, 1, org="osaka", age=900, topic="養育費")
    moving = open_ticket(app, 2, org="tokyo", age=600, topic="親権")
    add_operator(app, "aoi", org="tokyo")
    add_operator(app, "kai", org="osaka")
    log_in(page, live_app, "aoi")
    assert page.inner_text("#org-name") == "東京都相談窓口"
    page.click(f"#waiting tr[data-ticket='{moving.id}'] a")
    page.wait_for_selector("#transfer-form")
    assert page.inner_text("#ticket-org") == "東京都相談窓口"
    page.select_option("#transfer-org", "osaka")
    page.fill("#transfer-note", "大阪府に転居されました。")
    screenshot(page, "console-transfer")
    page.click("#transfer-submit")
    page.wait_for_selector("#queue")
    assert "大阪府相談窓口 に引き継ぎました" in page.inner_text(".flash.ok")
    assert page.locator("#waiting tr[data-ticket]").count() == 0

    page.click("#logout")
    log_in(page, live_app, "kai")
    assert page.inner_text("#org-name") == "大阪府相談窓口"
    ids = [row.get_attribute("data-ticket") for row in page.query_selector_all("#waiting tr[data-ticket]")]
    assert ids == [older.id, moving.id]
    page.click(f"#waiting tr[data-ticket='{moving.id}'] a")
    note = page.wait_for_selector("#transcript li.line[data-who=note]")
    assert "東京都相談窓口 → 大阪府相談窓口: 大阪府に転居されました。" in note.inner_text()  # type: ignore[union-attr]
    assert "引き継ぎメモ" in note.inner_text()  # type: ignore[union-attr]
    screenshot(page, "console-transferred")
