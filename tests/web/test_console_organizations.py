"""The console per organization: a counselor sees and acts on their organization's tickets only (another's is
404, as if it did not exist), an admin reads their organization's audit log and edits its canned replies, a
system admin sees every organization, and a transfer moves a ticket between queues with a note."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.web.console.audit import Audit
from tests.console import csrf, logged_in, open_ticket, post_form
from tests.organizations import multi_org_flows
from tests.web.test_console_tickets import close, reply, rows


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_(flows_dir=multi_org_flows(tmp_path))


def transfer(client, ticket: str, org: str, note: str = ""):  # noqa: ANN001, ANN201
    return post_form(client, f"/console/t/{ticket}", f"/console/t/{ticket}/transfer", org=org, note=note)


def test_a_counselor_sees_their_organizations_queue_only(app) -> None:  # noqa: ANN001
    tokyo, osaka, everyone = open_ticket(app, 1, org="tokyo"), open_ticket(app, 2, org="osaka"), open_ticket(app, 3)
    aoi = logged_in(app, "aoi", org="tokyo")
    page = aoi.get("/console/").get_data(as_text=True)
    assert rows(page, "waiting") == [tokyo.id] and "東京都相談窓口" in page
    assert rows(aoi.get("/console/queue?org=osaka").get_data(as_text=True), "waiting") == [tokyo.id]  # not theirs
    default = logged_in(app, "mori")  # an account without an organization: the default one's, as before
    assert rows(default.get("/console/").get_data(as_text=True), "waiting") == [everyone.id]
    assert 'id="org-choice"' not in page
    assert osaka.id not in page


def test_another_organizations_ticket_is_not_found_for_every_action(app, r) -> None:  # noqa: ANN001
    osaka = open_ticket(app, 2, org="osaka")
    aoi = logged_in(app, "aoi", org="tokyo", admin=True)  # an admin too: of Tokyo, not of Osaka
    token = csrf(aoi, "/console/")
    for url, data in ((f"/console/t/{osaka.id}", None), (f"/console/t/{osaka.id}/lines", None),
                      (f"/console/t/{osaka.id}/reply", {"text": "こんにちは"}),
                      (f"/console/t/{osaka.id}/close", {"outcome": "resolved"}),
                      (f"/console/t/{osaka.id}/transfer", {"org": "tokyo"})):
        response = aoi.get(url) if data is None else aoi.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 404, url
    unchanged = app.extensions["kakehashi.desk"].tickets.get(osaka.id)
    assert unchanged is not None and (unchanged.status, unchanged.org, unchanged.counselor) == ("queued", "osaka", "")
    assert [e.action for e in Audit(r).recent() if e.ticket] == []  # nothing happened to it


def test_audit_lines_name_the_organization_and_an_admin_reads_their_own(app, r) -> None:  # noqa: ANN001
    tokyo, osaka = open_ticket(app, 1, org="tokyo"), open_ticket(app, 2, org="osaka")
    aoi, kai = logged_in(app, "aoi", org="tokyo"), logged_in(app, "kai", org="osaka")
    reply(aoi, tokyo.id, "こんにちは")
    close(kai, osaka.id, "resolved")
    trail = {(e.operator, e.action, e.ticket, e.org) for e in Audit(r).recent()}
    assert {("aoi", "claimed", tokyo.id, "tokyo"), ("aoi", "replied", tokyo.id, "tokyo"),
            ("kai", "closed", osaka.id, "osaka"), ("aoi", "login", "", "tokyo")} <= trail
    boss = logged_in(app, "boss", org="osaka", admin=True)
    page = boss.get("/console/audit").get_data(as_text=True)
    assert osaka.id in page and tokyo.id not in page and "大阪府相談窓口" in page
    assert tokyo.id not in boss.get("/console/audit?org=tokyo").get_data(as_text=True)  # only a system admin chooses
    assert aoi.get("/console/audit").status_code == 403  # counselors read no audit log


def test_each_organization_has_its_own_canned_replies(app, r) -> None:  # noqa: ANN001
    osaka, tokyo = open_ticket(app, 1, org="osaka"), open_ticket(app, 2, org="tokyo")
    kai, aoi = logged_in(app, "kai", org="osaka"), logged_in(app, "aoi", org="tokyo")
    assert 'data-canned="osaka_hello"' in kai.get(f"/console/t/{osaka.id}").get_data(as_text=True)
    page = aoi.get(f"/console/t/{tokyo.id}").get_data(as_text=True)
    assert 'data-canned="greeting"' in page and "osaka_hello" not in page
    boss = logged_in(app, "boss", org="osaka", admin=True)
    source = "osaka_bye:\n  title: {ja: おわり, en: Bye}\n  text: {ja: またどうぞ。, en: Come again.}\n"
    assert post_form(boss, "/console/canned", "/console/canned", source=source, action="save").status_code == 302
    assert r.get("kh:{console}:canned:osaka") == source and not r.exists("kh:{console}:canned")
    assert 'data-canned="osaka_bye"' in kai.get(f"/console/t/{osaka.id}").get_data(as_text=True)
    assert 'data-canned="greeting"' in aoi.get(f"/console/t/{tokyo.id}").get_data(as_text=True)
    assert ("boss", "canned_changed", "osaka") in {(e.operator, e.action, e.org) for e in Audit(r).recent()}


def test_a_transfer_moves_the_ticket_with_a_note_and_is_audited(app, r) -> None:  # noqa: ANN001
    older_osaka = open_ticket(app, 1, org="osaka", age=900)
    moving = open_ticket(app, 2, org="tokyo", age=600)
    newer_osaka = open_ticket(app, 3, org="osaka", age=60)
    aoi, kai = logged_in(app, "aoi", org="tokyo"), logged_in(app, "kai", org="osaka")
    page = aoi.get(f"/console/t/{moving.id}").get_data(as_text=True)
    assert re.findall(r'<option value="(\w+)">', page.split('id="transfer-org"')[1].split("</select>")[0]) == [
        "kakehashi", "hachioji", "osaka"]
    response = transfer(aoi, moving.id, "osaka", "大阪府に転居されました")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")  # no longer theirs
    assert "大阪府相談窓口 に引き継ぎました" in aoi.get("/console/").get_data(as_text=True)
    assert rows(aoi.get("/console/queue").get_data(as_text=True), "waiting") == []
    assert aoi.get(f"/console/t/{moving.id}").status_code == 404
    queue = kai.get("/console/queue").get_data(as_text=True)
    assert rows(queue, "waiting") == [older_osaka.id, moving.id, newer_osaka.id]  # in its place in time
    lines = kai.get(f"/console/t/{moving.id}/lines").get_data(as_text=True)
    assert "引き継ぎメモ" in lines and "東京都相談窓口 → 大阪府相談窓口: 大阪府に転居されました" in lines
    trail = {(e.operator, e.action, e.org) for e in Audit(r).recent(ticket=moving.id)}
    assert {("aoi", "transferred", "tokyo"), ("aoi", "transferred_in", "osaka")} <= trail
    assert "大阪府に転居" not in str(r.xrange("kh:{console}:audit"))  # the note is not in the audit log


def test_a_transfer_needs_the_pages_token_and_a_known_organization(app) -> None:  # noqa: ANN001
    t = open_ticket(app, 1, org="tokyo")
    aoi = logged_in(app, "aoi", org="tokyo")
    assert aoi.post(f"/console/t/{t.id}/transfer", data={"org": "osaka"}).status_code == 400  # no CSRF token
    assert transfer(aoi, t.id, "nowhere").status_code == 302
    assert transfer(aoi, t.id, "tokyo").status_code == 302  # its own already
    still = app.extensions["kakehashi.desk"].tickets.get(t.id)
    assert still is not None and still.org == "tokyo"
    held = open_ticket(app, 2, org="tokyo")
    reply(logged_in(app, "kai", org="tokyo"), held.id, "担当します")
    transfer(aoi, held.id, "osaka")  # another counselor holds it
    assert app.extensions["kakehashi.desk"].tickets.get(held.id).org == "tokyo"  # type: ignore[union-attr]


def test_a_system_admin_sees_and_chooses_every_organization(app) -> None:  # noqa: ANN001
    tokyo, osaka = open_ticket(app, 1, org="tokyo"), open_ticket(app, 2, org="osaka")
    root = logged_in(app, "root", system=True)
    page = root.get("/console/").get_data(as_text=True)
    assert 'id="org-choice"' in page and "(system admin)" in page and rows(page, "waiting") == []  # its own: default
    assert rows(root.get("/console/?org=osaka").get_data(as_text=True), "waiting") == [osaka.id]
    assert rows(root.get("/console/queue?org=tokyo").get_data(as_text=True), "waiting") == [tokyo.id]
    assert root.get(f"/console/t/{osaka.id}").status_code == 200
    assert transfer(root, osaka.id, "tokyo").headers["Location"].endswith(f"/console/t/{osaka.id}")  # still sees it
    audit = root.get("/console/audit").get_data(as_text=True)
    assert "すべての団体" in audit and 'data-action="transferred"' in audit and 'data-action="transferred_in"' in audit
    only_tokyo = root.get("/console/audit?org=tokyo").get_data(as_text=True)
    assert 'data-action="transferred_in"' in only_tokyo and 'data-action="transferred"' not in only_tokyo
