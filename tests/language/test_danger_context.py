"""The danger check reads what a message says of now, of the law and of negation: harm told as history in a legal
question, a term asked about, harm said not to have happened and figures of speech stay quiet; the same words
said of now still raise the alarm."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.language.danger import DangerCheck

CHECK = DangerCheck.load(Path(__file__).resolve().parents[2] / "flows" / "danger.yaml")

QUIET = [
    # 今 telling how things stand, beside harm told as history inside a legal question
    "昔、夫に叩かれたことがあります。今子どもは7歳です。面会は断れますか",
    "元夫は子どもを叩いていたことがあります。今娘は小学2年生です。面会交流を拒否できますか",
    # English: harm said not to have happened, a term of law asked about
    "He was not threatening, just rude.",
    "He did not hit me, he just ignores me. Can I get a divorce?",
    "He has never been violent with the kids, he just forgets their birthdays.",
    "監禁されているわけではありません。外出はできます",
    "Is marital rape a crime in Japan?",
    "is threatening to take the kids illegal?",
    "does yelling count as abuse?",
    # figures of speech and words that only sound like danger read aloud
    "殺す気か！ってくらい残業が多い",
    "昨日弁護士に相談しました。費用が心配です",
    "弁護士に対して不信感があります",
    "この結婚を終わりにしたい",
    "夫との関係を全部終わりにしたい",
    "義母が毎日家に来るのがストレスです",
    "リベンジポルノ防止法について知りたい",
    "I want to disappear from his life completely, legally. Can I change my name?",
    "my daughter got hurt at soccer, nothing serious, but I want to tell her dad",
    # a reading is not matched across words: したひに is not タヒに, 嫁氏の浮気 is not 死のう
    "離婚した日に元夫から面会の連絡が来ました",
    "嫁氏の浮気相手を訴えたい",
    # someone else's death inside a legal question, whatever "now" it says; harm long past the classifier reads as
    # plainly ordinary, whatever 今 it says
    "My father died by suicide two years ago and now my stepmother wants his pension. Can she get it?",
    "元夫に昔殴られて腰を痛めました。今も通院しています。治療費は請求できますか",
    # a child hurt by another child: school or sibling trouble
    "子どもが友達に叩かれて帰ってきました。学校に相談すべき？",
    "上の子が下の子を叩いてしまいます。しつけの相談です",
    "my son was hit by a classmate",
]

STILL_DANGER = [
    ("今子どもが夫に叩かれています", "child"),
    ("昔から叩かれていて、今も毎日殴られています。離婚したい", "violence"),
    ("Is it rape if my husband forces me?", "sexual_violence"),
    ("He hit me again tonight, not just once.", "violence"),
    ("殺すぞって言われた", "threat"),
    ("全部終わりにしたい", "suicide"),
    ("元夫が家に来た", "at_door"),
    ("しにたい", "suicide"),
    ("リベンジポルノを投稿すると言われた", "threat"),
    ("I want to disappear", "suicide"),
    ("my son got hurt at his dad's house", "child"),
    ("元夫が娘を友達の前で叩いた", "child"),  # a parent named: harm at home
    ("息子が先生に殴られた", "child"),
    ("保育園で娘の背中にあざがあると言われた", "child"),
    # a word or two is the patterns' alone: the classifier neither raises nor vetoes it
    ("help", "violence"),
    ("Help!", "violence"),
    # fearing harm is not denying it: only a wish to die is negated by たくない
    ("殺されたくない", "violence"),
    # a harm said as a condition, in someone's words, is a threat (not a hypothetical of the writer's)
    ("元妻に「家に来たら刺す」と言われた", "threat"),
    ("払わないなら子どもに何をするかわからないと言われた", "threat"),
    ("He said he would shoot me if I leave", "threat"),
    # romaji is read as kana, and slang as typed still counts
    ("otto ni nagurareteru tasukete", "violence"),
    ("shinitai", "suicide"),
    ("タヒにたい", "suicide"),
]


@pytest.mark.parametrize("text", ["死にたくない", "消えたくない", "もう死にたいとは思わない"])
def test_a_short_message_that_denies_a_wish_to_die_stays_quiet(text: str) -> None:
    """The patterns read 死にたく and its ない; the classifier reads only the words. With nothing else said,
    the patterns' reading stands."""
    assert CHECK.detect(text) == ()


@pytest.mark.parametrize("text", QUIET)
def test_history_terms_negation_and_figures_stay_quiet(text: str) -> None:
    assert CHECK.detect(text) == ()


@pytest.mark.parametrize(("text", "category"), STILL_DANGER)
def test_the_same_words_said_of_now_raise_the_alarm(text: str, category: str) -> None:
    assert category in CHECK.detect(text)


def test_the_classifier_alone_needs_most_inside_a_legal_question_not_beside_legal_words() -> None:
    """離婚して子どもにも会えなくて、もう終わりにしたい names the law but asks nothing of it: weighed like any
    statement that tells a story, not like a legal question."""
    from bot.language import danger

    assert CHECK._alarm_at(legal=True, asked_or_past=True) == danger.LEGAL_ALARM
    assert CHECK._alarm_at(legal=True, asked_or_past=False) == danger.ALARM
    assert CHECK._alarm_at(legal=False, asked_or_past=False) == danger.STATEMENT_ALARM
