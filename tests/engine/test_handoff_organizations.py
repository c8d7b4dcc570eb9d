"""A request for a counselor goes to the organization serving where the person lives, and the person is told
THAT organization's hours (engine only: no Redis, no LINE)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.engine.engine import Engine
from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.settings import Settings
from bot.wiring import build_engine
from tests.organizations import multi_org_flows

TZ = ZoneInfo("Asia/Tokyo")
SATURDAY_MORNING, SATURDAY_AFTERNOON = "2026-11-28 10:00", "2026-11-28 13:00"


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=TZ).timestamp()


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(Settings(flows_dir=multi_org_flows(tmp_path_factory.mktemp("orgs"))))


@pytest.mark.parametrize(
    ("place", "city", "org", "when", "says", "starts"),
    [
        ("13", "八王子市", "hachioji", SATURDAY_MORNING, "いま受付中（12:00まで）", SATURDAY_MORNING),
        ("13", "八王子市", "hachioji", SATURDAY_AFTERNOON, "受付は月曜 8:30から", "2026-11-30 08:30"),
        ("13", "立川市", "tokyo", SATURDAY_MORNING, "受付は月曜 9:00から", "2026-11-30 09:00"),
        ("27", "", "osaka", "2026-11-24 16:30", "いま受付中（17:00まで）", "2026-11-24 16:30"),
        ("-", "", "kakehashi", SATURDAY_MORNING, "受付は月曜 9:00から", "2026-11-30 09:00"),
    ],
)
def test_the_ticket_goes_to_the_serving_organization_with_its_hours(
        engine: Engine, place: str, city: str, org: str, when: str, says: str, starts: str) -> None:
    s = Session(fresh=False, place=place, city=city)
    reply = engine.step(s, Incoming("text", "人と話したい", at=at(when)))
    note = reply.ticket
    assert note is not None and note.action == "open" and note.org == org
    assert says in reply.messages[0].text  # type: ignore[union-attr]
    assert note.expires == at(starts) + engine.handoff_timeout


def test_out_of_hours_the_acknowledgement_names_the_serving_organizations_hours(engine: Engine) -> None:
    s = Session(fresh=False, place="13", city="八王子市")
    engine.step(s, Incoming("text", "人と話したい", at=at(SATURDAY_AFTERNOON)))
    reply = engine.step(s, Incoming("text", "まだですか", at=at(SATURDAY_AFTERNOON)))
    assert "受付は月曜 8:30から" in reply.messages[0].text  # type: ignore[union-attr]
    s = Session(fresh=False, place="13", city="八王子市")
    engine.step(s, Incoming("text", "人と話したい", at=at(SATURDAY_MORNING)))
    assert engine.step(s, Incoming("text", "よろしく", at=at(SATURDAY_MORNING))).silent  # open: read in turn


def test_after_a_transfer_the_person_hears_who_has_it_and_when_they_read(engine: Engine) -> None:
    s = Session(fresh=False, place="13", city="八王子市")
    engine.step(s, Incoming("text", "人と話したい", at=at(SATURDAY_MORNING)))
    engine.step(s, Incoming("counselor", "こんにちは", {"ticket": s.ticket}, at=at(SATURDAY_MORNING)))
    assert s.handoff == "with_counselor"
    moved = engine.step(s, Incoming("handoff_transfer", "", {"ticket": s.ticket, "org": "osaka"},
                                    at=at(SATURDAY_MORNING)))
    assert s.handoff == "queued"  # waiting again, for a counselor of the other organization
    assert moved.messages[0].text == (  # type: ignore[union-attr]
        "ご相談を大阪府相談窓口に引き継ぎました。順番はそのままです（対応時間：受付は月曜 9:00から）。"
        "このままメッセージを送ってください。取り消すときは「キャンセル」と送ってください。")
    later = engine.step(s, Incoming("text", "わかりました", at=at(SATURDAY_MORNING)))
    assert "受付は月曜 9:00から" in later.messages[0].text  # type: ignore[union-attr]  # Osaka's hours now
    assert engine.step(s, Incoming("handoff_transfer", "", {"ticket": "another", "org": "tokyo"})).silent
    assert engine.step(s, Incoming("handoff_transfer", "", {"ticket": s.ticket, "org": "nowhere"})).silent
    english = Session(fresh=False, lang="en", place="27")
    engine.step(english, Incoming("text", "talk to a person", at=at("2026-11-24 10:00")))
    told = engine.step(english, Incoming("handoff_transfer", "", {"ticket": english.ticket, "org": "hachioji"},
                                         at=at("2026-11-24 10:00")))
    assert "passed to Hachioji consultation" in told.messages[0].text  # type: ignore[union-attr]
    assert "until 17:15" in told.messages[0].text  # type: ignore[union-attr]
