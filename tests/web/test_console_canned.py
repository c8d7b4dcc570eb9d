"""Canned replies: reviewed texts with facts filled in, in the person's language; admins may edit a copy."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from bot.content.facts import Fact, load_facts, shown_values
from bot.web.console.canned import CannedError, parse
from tests.console import open_ticket, post_form

FLOWS = Path(__file__).resolve().parents[2] / "flows"
FACTS = shown_values(load_facts(FLOWS / "facts.yaml"))


def buttons(page: str) -> dict[str, str]:
    return {cid: html.unescape(text) for cid, text in
            re.findall(r'class="canned" data-canned="([^"]+)" data-text="([^"]*)"', page)}


def test_the_reviewed_file_fills_in_every_language() -> None:
    texts = parse((FLOWS / "canned.yaml").read_text(encoding="utf-8"), FACTS)
    assert texts.get("ja", "houterasu.text", FACTS).startswith("法テラス・サポートダイヤルは 0570-078374 です")


def test_ticket_page_offers_them_in_the_persons_language(app, counselor) -> None:  # noqa: ANN001
    ja = buttons(counselor.get(f"/console/t/{open_ticket(app, 1).id}").get_data(as_text=True))
    en = buttons(counselor.get(f"/console/t/{open_ticket(app, 2, lang='en').id}").get_data(as_text=True))
    assert "0570-078374" in ja["houterasu"] and "{" not in "".join(ja.values())
    assert en["houterasu"].startswith("The Houterasu support dial is 0570-078374")
    assert ja.keys() == en.keys() and "greeting" in ja


@pytest.mark.parametrize(("source", "says"), [
    ("a: {title: {ja: あ, en: A}, text: {ja: '{no.such.fact}', en: x}}", "no.such.fact"),
    ("a: {title: {ja: あ, en: A}, text: {ja: '電話 {hou.dial}'}}", "en text"),
    ("- just a list", "expected entries"),
    ("a: [unclosed", "not valid YAML"),
])
def test_a_broken_list_is_refused_with_the_reason(source: str, says: str) -> None:
    with pytest.raises(CannedError, match=re.escape(says)):
        parse(source, FACTS)


def test_an_unconfirmed_fact_cannot_be_sent() -> None:
    facts = {"fee.new": Fact("fee.new", "¥3,000", "a rumour", "2026-11-01", "unconfirmed"),
             "fee.old": Fact("fee.old", "¥2,000", "the court's page", "2026-11-01", "confirmed")}
    source = "a: {title: {ja: a, en: a}, text: {ja: '%s', en: a}}"
    assert parse(source % "{fee.old}", shown_values(facts)).get("ja", "a.text", shown_values(facts)) == "¥2,000"
    with pytest.raises(CannedError, match="fee.new"):
        parse(source % "{fee.new}", shown_values(facts))


def test_admin_edits_are_used_and_can_be_undone(app, counselor, console_admin) -> None:  # noqa: ANN001
    assert counselor.get("/console/canned").status_code == 403
    page = console_admin.get("/console/canned").get_data(as_text=True)
    assert "houterasu:" in page and 'id="canned-reset"' not in page
    source = ("hello:\n  title: {ja: こんにちは, en: Hello}\n"
              "  text: {ja: '警察は {window.police.phone}', en: 'Police {window.police.phone}'}\n")
    saved = post_form(console_admin, "/console/canned", "/console/canned", source=source, action="save")
    assert saved.status_code == 302
    ticket = open_ticket(app, 1)
    assert buttons(counselor.get(f"/console/t/{ticket.id}").get_data(as_text=True)) == {"hello": "警察は 110"}
    assert post_form(console_admin, "/console/canned", "/console/canned", action="reset").status_code == 302
    assert "houterasu" in buttons(counselor.get(f"/console/t/{ticket.id}").get_data(as_text=True))


def test_a_broken_edit_is_not_saved(app, console_admin, r) -> None:  # noqa: ANN001
    bad = "x: {title: {ja: あ, en: A}, text: {ja: '{hou.nope}', en: b}}"
    response = post_form(console_admin, "/console/canned", "/console/canned", source=bad, action="save")
    assert response.status_code == 400 and "hou.nope" in response.get_data(as_text=True)
    assert not r.exists("kh:{console}:canned")
