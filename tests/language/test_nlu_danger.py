"""Danger detection that generalises: the phrasings the issue found missed, the ordinary questions it found
flagged, negation and history, and the contacts each category calls for (#8891, 189)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.language.danger import ALSO, CONTACTS, DangerCheck, _also_meant, contacts_for
from bot.settings import Settings
from bot.wiring import build_engine

ROOT = Path(__file__).resolve().parents[2]
CHECK = DangerCheck.load(ROOT / "flows" / "danger.yaml")
ENGINE = build_engine(Settings())

MISSED_BEFORE = [  # (typed, category): each was missed by the substring list (issue #15)
    ("ぶたれた", "violence"), ("首を締められた", "violence"), ("突き飛ばされた", "violence"),
    ("髪を引っ張られた", "violence"), ("暴力ふるわれてる", "violence"), ("ボコられた", "violence"),
    ("しばかれた", "violence"), ("閉じ込められてる", "confinement"), ("外に出してもらえない", "confinement"),
    ("死ねって言われた", "threat"), ("火つけるぞって", "threat"), ("元夫が家に来てる", "at_door"),
    ("ドアを叩いてる", "at_door"), ("職場に来た", "at_door"), ("引っ越し先がバレた", "at_door"),
    ("生きてる意味がない", "suicide"), ("楽になりたい", "suicide"), ("ODした", "suicide"),
    ("薬たくさん飲んだ", "suicide"), ("消えてしまいたい", "suicide"), ("氏にたい", "suicide"),
    ("タヒにたい", "suicide"), ("he slapped me", "violence"), ("I don't want to live anymore", "suicide"),
    ("SOS", "violence"), ("レイプされた", "sexual_violence"), ("夫が娘を殴った", "child"),
    ("写真をばらまくと言われた", "threat"),
]
FLAGGED_BEFORE = [  # ordinary messages the substring list answered with the police line
    "連れ去り別居について知りたい", "子の連れ去りは違法ですか", "外にいるので後で返信します", "面会で家に来た",
    "助けられた", "見つけられた", "預けられた", "Can you help me?", "help me understand the means test",
    "DVで離婚したが慰謝料は", "保護命令の申立てはどうやる", "殴られてはいない",
    "夫のDVが原因で離婚しました。慰謝料は？",
    "夫に殴られて離婚しました。慰謝料はいくらですか", "死にたくない", "もし殴られたらどうすればいいですか",
]


@pytest.mark.parametrize(("text", "category"), MISSED_BEFORE)
def test_phrasings_the_list_missed_raise_their_category(text: str, category: str) -> None:
    assert category in CHECK.detect(text)


@pytest.mark.parametrize("text", FLAGGED_BEFORE)
def test_ordinary_questions_and_negations_raise_nothing(text: str) -> None:
    assert CHECK.detect(text) == ()


def test_history_is_quiet_but_the_same_words_now_are_not() -> None:
    assert CHECK.detect("昔殴られたことがある。慰謝料は請求できますか？") == ()
    assert "violence" in CHECK.detect("今も殴られています。慰謝料は請求できますか？")
    assert "violence" in CHECK.detect("殴られた。離婚したい")


def test_sexual_violence_and_suicide_are_never_quieted_by_a_legal_question() -> None:
    assert "sexual_violence" in CHECK.detect("夫にレイプされました。離婚できますか？")
    assert "suicide" in CHECK.detect("養育費も払えないし死にたい")


def test_slang_and_new_phrasings_are_caught() -> None:
    assert "suicide" in CHECK.detect("しにてぇ")
    assert "suicide" in CHECK.detect("自殺願望がある")
    assert "suicide" in CHECK.detect("I'm tired of living")
    assert "threat" in CHECK.detect("4ねって言われた")
    assert "child" in CHECK.detect("息子の背中にあざがあった")


def test_someone_else_quoted_saying_it_is_not_the_writers_own_thought() -> None:
    assert CHECK.detect("夫が「死にたい」と言って離婚に応じない") == ()
    assert "suicide" in CHECK.detect("死にたいって思う")
    assert "threat" in CHECK.detect("「死ね」と言われた")  # said TO the writer


def test_words_used_of_a_marriage_or_a_lawsuit_are_quiet_only_inside_a_legal_question() -> None:
    assert CHECK.detect("夫との関係を終わりにしたいので離婚の手続きを知りたい") == ()
    assert "suicide" in CHECK.detect("もう全部終わりにしたい")
    assert CHECK.detect("虐待の証拠がないと面会は拒否できない？") == ()
    assert "child" in CHECK.detect("子どもが虐待されてる")


def test_a_childs_harm_told_as_history_in_a_legal_question_is_quiet_but_not_now() -> None:
    assert CHECK.detect("元夫が子どもを叩いていたので離婚しました。面会は断れますか？") == ()
    assert "child" in CHECK.detect("元夫が今も子どもを叩いています。面会は断れますか？")
    assert "child" in CHECK.detect("夫が子どもを叩いている")


def test_a_hurt_child_calls_for_189_and_sexual_violence_for_8891() -> None:
    assert "child" in CONTACTS["child"] and "onestop" in CONTACTS["sexual_violence"]
    assert "child" in contacts_for(CHECK.detect("夫が息子を殴った"))
    assert "child" in contacts_for(CHECK.detect("子どもが殴られている"))
    assert contacts_for(CHECK.detect("レイプされた")) == ["police", "onestop"]


def test_the_classifier_adds_the_category_it_is_sure_of_to_the_patterns_one() -> None:
    sure = (("sexual_violence", ALSO + 0.1), ("none", 0.2), ("violence", 0.1))
    assert _also_meant(sure, {"violence"}) == {"sexual_violence"}
    assert _also_meant(sure, {"sexual_violence"}) == set()
    assert _also_meant((("child", ALSO - 0.1), ("none", 0.5)), {"violence"}) == set()
    assert _also_meant((("none", 0.6), ("suicide", 0.4)), {"violence"}) == set()


def test_violence_in_front_of_a_child_calls_for_189() -> None:
    assert "child" in CHECK.detect("子供の目の前で夫が私を殴ります")
    assert "child" in CHECK.detect("息子のいる前で殴られた")


@pytest.mark.parametrize(("typed", "number", "uris"), [
    ("レイプされた", "#8891", ["tel:110"]), ("夫が娘を殴った", "189", ["tel:110", "tel:0120279889", "tel:189"])])
def test_the_danger_reply_offers_the_window_and_its_call_buttons(typed: str, number: str, uris: list[str]) -> None:
    reply = ENGINE.step(Session(), Incoming("text", typed))
    assert number in reply.messages[0].text  # #8891 is said, not a tel: link (not every phone dials "#")
    assert [c.uri for c in reply.choices if c.uri] == uris


def test_the_webhook_process_never_loads_sudachi() -> None:
    code = ("import sys; from bot.web.app import create_app; from bot.settings import Settings; "
            "import bot.line.webhook, bot.language.danger, bot.engine.engine; "
            "print('sudachipy' in sys.modules, 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "²", "1" * 5000, "あ" * 60000, "0年1月末", "99999年前"])
def test_odd_text_never_breaks_a_turn(text: str) -> None:
    """Lone surrogates (Sudachi takes UTF-8 only), digits int() refuses, days that do not exist: the fuzzed
    webhook found each as a 'turn failed'."""
    CHECK.detect(text)
    s = Session()
    reply = ENGINE.step(s, Incoming("text", text))
    assert reply.messages and "こちらの都合" not in reply.messages[0].text


def test_kana_ima_in_a_polite_past_is_not_now() -> None:
    """もらいました holds いま: read as now it lifted the history veto on 前の夫から暴力を受けて…"""
    from bot.language.danger import _NOW, _URGENT
    for typed in ("保護命令を出してもらいました", "養育費を払いました", "そう思いました"):
        assert not CHECK.context.now.search(typed) and not _NOW.search(typed) and not _URGENT.search(typed)
    assert CHECK.context.now.search("いま殴られてる") and _NOW.search("いま家の前にいる")
    assert CHECK.detect("前の夫から暴力を受けて保護命令を出してもらいました。更新したい") == ()


def test_someone_elses_suicide_told_beside_the_law_is_quiet_but_the_writers_own_is_not() -> None:
    assert CHECK.detect("友人が自ら命を絶って、ショックで離婚の手続きが進みません") == ()
    assert "suicide" in CHECK.detect("父が自殺しました。私も死にたい")
    assert "suicide" in CHECK.detect("私、昨日自殺未遂をしました。離婚の相談をしたいです")
    assert "suicide" in CHECK.detect("弟が自殺未遂をした。私も消えたい")


def test_uchi_no_ko_names_a_child_whatever_follows() -> None:
    """うちの子、… carries no particle after 子: the child is still the one hurt, so 189 joins."""
    assert "child" in CHECK.detect("ウチの子、旦那にしばかれとる")
    assert "child" in CHECK.detect("うちのこがたたかれてる")
    assert "child" not in CHECK.detect("夫にたたかれた。うちのことは誰も知らない")


def test_what_to_do_if_is_a_question_about_a_case_not_danger_now() -> None:
    from bot.language.danger import _WHAT_IF
    assert _WHAT_IF.search("夫に暴力をふるわれたら、まず何をすればいいですか")
    assert _WHAT_IF.search("What should I do if he comes back?")
    assert not _WHAT_IF.search("殴られたらどうしよう")  # a fear, not a question about a case
    assert CHECK.detect("夫に暴力をふるわれたら、まず何をすればいいですか") == ()
    assert "violence" in CHECK.detect("殴られたらどうしよう")


@pytest.mark.parametrize("typed", [
    "元夫から「居場所わかってるからな」とLINEが来た", "「逃げられると思うなよ」ってメール",
    "夜道に気をつけろよって言われた", "「子どもがどうなってもいいのか」と言われた"])
def test_veiled_threats_are_threats(typed: str) -> None:
    assert "threat" in CHECK.detect(typed)


def test_knowing_an_address_is_no_threat_without_its_menace() -> None:
    assert CHECK.detect("元夫の住所を知っているので、書類を送ってもいいですか") == ()


def test_tired_of_living_in_kana_is_suicide() -> None:
    assert "suicide" in CHECK.detect("いきるのつかれた")
    assert "suicide" in CHECK.detect("生きることに疲れた")
    assert CHECK.detect("生きるのがやっと、養育費も少ない。増額できますか") == ()
