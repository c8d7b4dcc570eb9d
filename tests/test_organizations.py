"""Who serves a person: the most specific claim (municipality, then prefecture), else the default organization;
and a file that cannot say that unambiguously is refused."""

from __future__ import annotations

import pytest
import yaml

from bot.organizations import OrganizationError, Organizations
from tests.organizations import ORGANIZATIONS, ROOT

ORGS = Organizations.parse(yaml.safe_load(ORGANIZATIONS))


@pytest.mark.parametrize(
    ("place", "city", "serving"),
    [
        ("13", "八王子市", "hachioji"),  # the municipality's own organization before its prefecture's
        ("13", "町田市", "tokyo"),
        ("13", "", "tokyo"),
        ("27", "大阪市", "osaka"),
        ("01", "札幌市", "kakehashi"),  # nobody claims Hokkaido
        ("14", "八王子市", "kakehashi"),  # a name is a municipality only within its prefecture
        ("", "", "kakehashi"),  # not said
        ("-", "", "kakehashi"),  # declined
    ],
)
def test_the_most_specific_claim_serves(place: str, city: str, serving: str) -> None:
    assert ORGS.serving(place, city).id == serving


def test_the_shipped_file_has_one_default_organization_serving_everyone() -> None:
    shipped = Organizations.load(ROOT / "flows")
    assert [o.id for o in shipped] == ["kakehashi"] and shipped.default.id == "kakehashi"
    assert shipped.serving("13", "八王子市").id == "kakehashi"
    assert shipped.default.canned == "canned.yaml" and shipped.default.hours.closed_on_holidays


def test_an_unknown_or_empty_id_reads_as_the_default() -> None:
    assert ORGS.get("").id == "kakehashi" and ORGS.resolve("gone") == "kakehashi" and ORGS.resolve("osaka") == "osaka"
    with pytest.raises(OrganizationError, match="no organization 'gone'"):
        ORGS.get("gone")


def broken(change: str, old: str = "") -> str:
    raw = yaml.safe_load(ORGANIZATIONS)
    if old:
        raw["osaka"].pop(old)
    raw["osaka"].update(yaml.safe_load(change) or {})
    with pytest.raises(OrganizationError) as caught:
        Organizations.parse(raw)
    return str(caught.value)


def test_what_cannot_be_served_unambiguously_is_refused() -> None:
    assert "exactly one" in broken("default: true")
    assert "prefecture 13 is claimed by both tokyo and osaka" in broken('prefectures: ["13"]')
    twice = broken('municipalities: {"13": [八王子市]}')
    assert "municipality 13 八王子市 is claimed by both hachioji and osaka" in twice
    assert "not a prefecture code" in broken("prefectures: [01]")  # unquoted: YAML reads the number 1
    assert "not a prefecture code" in broken('prefectures: ["48"]')
    assert "close before they open" in broken('hours: {mon: "17:00-09:00"}')
    assert "closed_dates must be MM-DD" in broken('closed_dates: ["12/31"]')
    assert "cannot vary" in broken("hours: varies")
    assert "hours are needed" in broken("", old="hours")
    assert "unknown fields" in broken("counselors: [aoi]")
    assert "name needs ja and en" in broken("name: {ja: 大阪}")
    assert "canned is canned.yaml or canned/<name>.yaml" in broken("canned: ../secrets.yaml")


def test_a_municipality_inside_a_claimed_prefecture_is_not_a_conflict() -> None:
    assert ORGS.serving("13", "八王子市").id == "hachioji" and ORGS.serving("13", "立川市").id == "tokyo"
    assert not any(o.default for o in ORGS if o.id != "kakehashi")
