"""Free-word answers: yes/no by the options' polarity, lemmas, typos; examples checked by flows check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.flows import load_flows
from bot.content.texts import Texts
from bot.language.understanding import OptionText, Understanding, polarity
from bot.review.check_nlu import nlu_problems

ROOT = Path(__file__).resolve().parents[2]
NLU = Understanding.load(ROOT / "flows", train=False)
CONTACT = [OptionText("little", "ほとんどなかった", ["ほとんどなかった", "ほとんどない", "連絡なし", "little"]),
           OptionText("ongoing", "あった", ["あった", "ある", "続いている", "ongoing"])]


@pytest.mark.parametrize(("typed", "sign"), [
    ("いいえ", "no"), ("ないです", "no"), ("特に", "no"), ("ありません", "no"), ("nope", "no"), ("あった", "yes"),
    ("ありましたね", "yes"), ("はい", "yes"), ("ありました", "yes"), ("離婚した", None), ("2025年", None)])
def test_polarity(typed: str, sign: str | None) -> None:
    assert polarity(typed) == sign


@pytest.mark.parametrize(("typed", "option"), [
    ("いいえ", "little"), ("特にないです", "little"), ("no", "little"), ("あったよ", "ongoing"), ("はい", "ongoing"),
    ("ほげ", None)])
def test_yes_and_no_pick_the_statement_of_that_polarity(typed: str, option: str | None) -> None:
    assert NLU.option(typed, "affair_separation", "contact", CONTACT) == option


def test_an_example_from_options_yaml_and_a_typo() -> None:
    harm = [OptionText("physical", "身体への暴力", ["身体への暴力", "殴"]),
            OptionText("other", "それ以外（暴言など）", ["それ以外（暴言など）", "暴言"])]
    assert NLU.option("つきまとい", "protection_order", "harm", harm) == "other"
    stage = [OptionText("separated", "別居中", ["別居中", "別居"]),
             OptionText("divorced", "離婚した後", ["離婚した後"])]
    assert NLU.option("離婚しました", "visitation", "stage", stage) == "divorced"
    assert NLU.option("離婚したあと", "visitation", "stage", stage) == "divorced"


def test_the_first_message_fills_what_it_answers() -> None:
    assert NLU.prefill("consolation", "夫のDVが原因で離婚しました。慰謝料は？") == {
        "ground": "dv", "affair_divorce": "divorced", "divorce": "divorced", "dv_divorce": "divorced"}
    assert NLU.prefill("visitation", "子どもに会えません") == {}


def test_flows_check_finds_an_example_claimed_by_two_options(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    shutil.copytree(ROOT / "flows", flows)
    texts = Texts.load(ROOT / "locales")
    assert nlu_problems(load_flows(flows), texts, flows) == []
    options = flows / "nlu" / "options.yaml"
    options.write_text(options.read_text(encoding="utf-8") + "  visitation.stage.divorced: [別居中です]\n"
                       "  visitation.nowhere.x: [a]\n", encoding="utf-8")
    problems = nlu_problems(load_flows(flows), texts, flows)
    assert any("claimed by options 'separated' and 'divorced'" in p for p in problems)
    assert any("visitation.nowhere.x" in p for p in problems)


def test_a_date_in_the_first_message_answers_the_date_question() -> None:
    from datetime import datetime

    from bot.engine.inputs import Incoming
    from bot.engine.session import Session
    from bot.settings import Settings
    from bot.wiring import build_engine

    engine = build_engine(Settings())
    s = Session()
    at = datetime(2026, 11, 24, 12, tzinfo=engine.zone).timestamp()
    reply = engine.step(s, Incoming("text", "夫のDVが原因で2023年3月に離婚しました。慰謝料は？", at=at))
    assert "「DV・モラハラ」「もう離婚した」「2023年3月1日〜2023年3月31日」" in reply.messages[0].text
    assert (s.flow, s.state) == ("consolation", "harm_date")  # what is left to ask: when the harm was known
    assert s.answers["divorce_date"] == "2023-03-01" and s.answers["divorce_date_approx"] is True


DANGER_NOW = [OptionText("yes", "はい、危ない", ["はい、危ない", "はい", "yes"]),
              OptionText("no", "いまは大丈夫", ["いまは大丈夫", "大丈夫", "no"])]


@pytest.mark.parametrize(("typed", "option"), [
    ("いいえ", "no"), ("no, not really", "no"), ("はい", "yes"), ("yes", "yes"),
    ("大丈夫じゃない", "yes"), ("安全じゃないです", "yes"), ("危なくないです", "no"), ("いいえ、大丈夫", "no")])
def test_of_two_options_one_starting_with_hai_the_other_is_the_no(typed: str, option: str) -> None:
    assert NLU.option(typed, "protection_order", "danger_now", DANGER_NOW) == option


@pytest.mark.parametrize(("typed", "option"), [
    ("べっきょちゅう", "separated"), ("べっきょしてる", "separated"), ("ベッキョチュウ", "separated"),
    ("りこんご", "divorced"), ("りこんしました", "divorced"), ("りこんしまた", "divorced")])
def test_an_answer_in_kana_is_heard_like_the_same_words_in_kanji(typed: str, option: str) -> None:
    stage = [OptionText("separated", "別居中", ["別居中", "別居"]),
             OptionText("divorced", "離婚した後", ["離婚した後"])]
    assert NLU.option(typed, "visitation", "stage", stage) == option


@pytest.mark.parametrize(("typed", "option"), [
    ("5才", "young"), ("5さい", "young"), ("2歳", "young"), ("小3", "young"), ("14歳", "older"), ("高1", "older")])
def test_an_age_is_read_in_the_ways_people_write_it(typed: str, option: str) -> None:
    ages = [OptionText("young", "10歳くらいまで", ["10歳くらいまで"]),
            OptionText("older", "10歳くらいより上", ["10歳くらいより上"])]
    assert NLU.option(typed, "visitation", "child_age", ages) == option


@pytest.mark.parametrize(("typed", "sign"), [
    ("no, not really", "no"), ("nope, nothing", "no"), ("yes we did", "yes"), ("nothing", "no"), ("無かった", "no"),
    ("たまに", "yes"), ("特にありません", "no")])
def test_polarity_of_english_and_more_japanese(typed: str, sign: str) -> None:
    assert polarity(typed) == sign


@pytest.mark.parametrize(("flow", "typed", "filled"), [
    ("visitation", "べっきょちゅうの妻が子供に会わせてくれない", {"stage": "separated"}),
    ("visitation", "ベッキョ中の旦那に子供を会わせたくない", {"stage": "separated"}),
    ("visitation", "りこんご、こどもにあえてない", {"stage": "divorced"}),
    ("visitation", "まだ離婚してないけど別居中で子どもに会えない", {"stage": "separated"}),
    ("visitation", "離婚したいけど別居中の妻が子供に会わせない", {"stage": "separated"}),
    ("visitation", "after the divorce my ex won't let me see my daughter", {"stage": "divorced"}),
    ("visitation", "13歳の娘に会えない", {"child_age": "older"}),
    ("visitation", "３さいの子に会えない", {"child_age": "young"}),
    ("custody_2026", "まだ離婚していない、共同親権について", {"status": "not_yet"}),
    ("custody_2026", "りこんごの養育費", {"status": "divorced"}),
    ("affair_separation", "つまがふりんしてる", {"side": "wronged"}),
    ("protection_order", "もとおっとにつきまとわれてる", {"relationship": "former"}),
])
def test_the_first_message_is_read_in_kana_english_and_with_its_negations(flow: str, typed: str,
                                                                            filled: dict[str, str]) -> None:
    assert NLU.prefill(flow, typed) == filled


def test_a_negated_stage_is_not_taken_for_the_stage() -> None:
    found = NLU.prefill("consolation", "離婚するつもりはないけど、不倫相手に慰謝料を請求したい")
    assert found["divorce"] == "staying" and found["ground"] == "affair"


def test_a_date_in_kana_or_english_answers_the_date_question() -> None:
    from datetime import date

    today = date(2026, 11, 24)
    assert NLU.prefill("consolation", "きょねんりこんした、慰謝料は？", today)["divorce_date"] == \
        "date:2025-01-01:2025-12-31"
    assert NLU.prefill("custody_2026", "we divorced in 2024 and he won't pay", today)["divorce_date"] == \
        "date:2024-01-01:2024-12-31"


def test_a_month_of_last_year_in_a_long_story_answers_when_the_affair_was_known() -> None:
    from datetime import date

    story = ("東京に住んでいます。去年の12月に旦那の不倫が発覚しました。相手は同じ職場の既婚者です。"
             "もう離婚は決めたのですが、もらえるものはもらいたいです")
    found = NLU.prefill("consolation", story, date(2026, 11, 24))
    assert found["learned"] == "date:2025-12-01:2025-12-31"
    assert found["divorce"] == "divorcing" and found["ground"] == "affair"
    moved = NLU.prefill("consolation", "大阪に住んでいて、2023年の3月に引っ越しました。夫の浮気相手に請求したい",
                        date(2026, 11, 24))
    assert "learned" not in moved  # the date is when they moved, not when the affair was known


@pytest.mark.parametrize(
    ("typed", "stage"),
    [("離婚が成立しました", "divorced"), ("離婚成立後に浮気が分かった", "divorced"),
     ("別居中です。離婚が成立するまで待つべき？", None), ("離婚成立前に彼氏ができた", None)],
)
def test_a_divorce_yet_to_be_finalised_is_not_taken_for_a_finished_one(typed: str, stage: str | None) -> None:
    assert NLU.prefill("affair_separation", typed).get("divorce") == stage


@pytest.mark.parametrize(
    ("typed", "area"),
    [("大阪に住んでいます。お金がなくて弁護士に頼めない", "large_city"),
     ("東京都世田谷区在住です、無料相談は？", "tokyo23"),
     ("東京都北区です", "tokyo23"), ("札幌市中央区に住んでいます", "large_city"), ("八王子市在住", "tokyo_other"),
     ("I live in Osaka and cannot afford a lawyer", "large_city"), ("福岡に住む母子家庭です", "large_city"),
     ("東京に住んでます、弁護士費用が払えない", None),  # Tokyo alone is not the 23 wards
     ("大阪の家庭裁判所で調停中、弁護士代がない", None),  # the court's city, not where they live
     ("大阪に住んでたけど今は沖縄", None), ("大阪に住んでいない", None), ("横浜に住んでて実家は世田谷区", None)],
)
def test_where_the_person_lives_answers_the_area_question(typed: str, area: str | None) -> None:
    assert NLU.prefill("legal_aid", typed).get("area") == area


def test_a_place_in_the_first_message_is_confirmed_when_its_question_comes() -> None:
    from datetime import datetime

    from bot.engine.inputs import Incoming
    from bot.engine.session import Session
    from bot.settings import Settings
    from bot.wiring import build_engine

    engine = build_engine(Settings())
    s = Session()
    at = datetime(2026, 11, 24, 12, tzinfo=engine.zone).timestamp()
    engine.step(s, Incoming("text", "大阪に住んでいます。お金がなくて弁護士に頼めません", at=at))
    assert (s.flow, s.state) == ("legal_aid", "spouse")
    engine.step(s, Incoming("text", "独身です", at=at))
    assert s.state == "household"
    reply = engine.step(s, Incoming("text", "2", at=at))
    assert s.state == "income" and s.answers["area"] == "large_city"  # the area question was not asked
    assert "「ほかの一級地の市」" in reply.messages[0].text
