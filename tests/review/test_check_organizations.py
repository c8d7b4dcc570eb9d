"""`kakehashi flows check` reads flows/organizations.yaml: several organizations pass, and what a reviewer could
break (a second default, an area claimed twice, hours that do not read, a canned list that does not) is said."""

from __future__ import annotations

from tests.organizations import multi_org_flows
from tests.review.test_flows_check import copy_content, run_check


def test_several_organizations_pass(capsys, tmp_path) -> None:  # noqa: ANN001
    _, locales = copy_content(tmp_path / "repo")
    code, out = run_check(capsys, multi_org_flows(tmp_path), locales)
    assert code == 0, out


def test_what_a_reviewer_could_break_is_reported(capsys, tmp_path) -> None:  # noqa: ANN001
    flows = multi_org_flows(tmp_path)
    _, locales = copy_content(tmp_path / "repo")
    path = flows / "organizations.yaml"
    original = path.read_text(encoding="utf-8")
    for broken, said in (
        (original.replace('  prefectures: ["27"]', '  prefectures: ["27"]\n  default: true'), "exactly one"),
        (original.replace('prefectures: ["27"]', 'prefectures: ["27", "13"]'), "prefecture 13 is claimed by both"),
        (original.replace('sat: "09:00-12:00"', 'sat: "9h-12h"'), "hachioji: hours must read like 09:00-21:00"),
        (original.replace("[八王子市]", "[八王子]"), "'八王子' (13) does not read as a municipality"),
        (original.replace("canned/osaka.yaml", "canned/kyoto.yaml"), "canned replies file canned/kyoto.yaml not found"),
    ):
        path.write_text(broken, encoding="utf-8")
        code, out = run_check(capsys, flows, locales)
        assert code == 1 and said in out, out
    path.write_text(original, encoding="utf-8")
    (flows / "canned" / "osaka.yaml").write_text("osaka_hello:\n  title: {ja: あいさつ, en: Hello}\n"
                                             "  text: {ja: '{no.such.fact}', en: x}\n", encoding="utf-8")
    code, out = run_check(capsys, flows, locales)
    assert code == 1 and "canned/osaka.yaml (osaka's canned replies)" in out and "no.such.fact" in out, out
