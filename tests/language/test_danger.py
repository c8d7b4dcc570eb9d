"""Danger first, in every state: recall on varied danger phrases, false alarms on ordinary family-law talk."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.inputs import Incoming
from bot.engine.session import Session
from bot.language.danger import DangerCheck, fold
from bot.settings import Settings
from bot.wiring import build_engine
from tests import line_events as ev

CHECK = DangerCheck.load(Path(__file__).resolve().parents[2] / "flows" / "danger.yaml")
ENGINE = build_engine(Settings())
FIGURES: dict[str, str] = {}  # printed at the end of the run (conftest.py)

DANGER = [  # (what someone might type, a category it must raise)
    ("夫に殴られた", "violence"), ("さっきなぐられました", "violence"), ("今日も殴られて顔が腫れてる", "violence"),
    ("ナグラレタ", "violence"), ("ﾅｸﾞﾗﾚﾀ", "violence"), ("妻に叩かれた", "violence"), ("毎晩たたかれる", "violence"),
    ("お腹を蹴られた", "violence"), ("けられた", "violence"), ("首を絞められた", "violence"),
    ("首をしめられて息ができなかった", "violence"), ("首絞められた", "violence"), ("包丁を持ち出してきた", "violence"),
    ("ナイフで脅された", "violence"), ("刺されそう", "violence"), ("刺すぞと言われた", "violence"),
    ("殺される", "violence"), ("このままだと殺されると思う", "violence"), ("ころされる", "violence"),
    ("暴力を振るわれています", "violence"), ("暴力をふるわれた", "violence"), ("夫が暴れている", "violence"),
    ("物を投げられた", "violence"), ("助けて", "violence"), ("たすけて", "violence"), ("タスケテ", "violence"),
    ("助けてください！！", "violence"), ("逃げたい", "violence"), ("もう逃げたいです", "violence"),
    ("にげたい", "violence"), ("家から逃げてきた", "violence"), ("殴る蹴るの暴力", "violence"),
    ("He hit me", "violence"), ("my husband is beating me", "violence"), ("HELP ME", "violence"),
    ("he punched me", "violence"), ("she kicked me", "violence"), ("he choked me", "violence"),
    ("he tried to strangle me", "violence"), ("he has a knife", "violence"), ("I got beaten up", "violence"),
    ("殴りかかってきた", "violence"), ("刃物を持っている", "violence"), ("ほうちょうをもってる", "violence"),
    ("殺すと言われた", "threat"), ("殺してやると叫んでいる", "threat"), ("ころすぞって言われた", "threat"),
    ("コロスと言われた", "threat"), ("死ねと言われ続けている", "threat"), ("脅されています", "threat"),
    ("おどされてる", "threat"), ("脅迫メールが来る", "threat"), ("家に火をつけると言われた", "threat"),
    ("子どもを連れ去ると言われた", "threat"), ("つれさられそう", "threat"), ("he said he will kill me", "threat"),
    ("he threatened me", "threat"), ("I'm going to kill you he said", "threat"), ("kill you", "threat"),
    ("元夫が家に来る", "at_door"), ("元夫が家に来た", "at_door"), ("いえにきた", "at_door"),
    ("会社の前で待ち伏せされた", "at_door"), ("まちぶせされてる", "at_door"), ("後をつけられている", "at_door"),
    ("あとをつけられた", "at_door"), ("実家に押しかけてきた", "at_door"), ("いまドアの前にいる", "at_door"),
    ("玄関の前に元夫がいる", "at_door"), ("家の前にいるみたい", "at_door"), ("外にいる、怖い", "at_door"),
    ("居場所がばれた", "at_door"), ("居場所がバレたかも", "at_door"), ("見張られている気がする", "at_door"),
    ("車にGPSをつけられた", "at_door"), ("カバンにエアタグが入っていた", "at_door"), ("airtag in my bag", "at_door"),
    ("he is outside my door", "at_door"), ("he is at my door", "at_door"), ("someone is following me", "at_door"),
    ("my ex is stalking me", "at_door"), ("監視されている", "at_door"),
    ("子どもが殴られている", "child"), ("夫が子供を殴る", "child"), ("子供が叩かれた", "child"),
    ("子どもを叩くのをやめない", "child"), ("虐待されている", "child"), ("子どもへの虐待", "child"),
    ("ぎゃくたいかも", "child"), ("子どもが危ない", "child"), ("子供が危ないです", "child"),
    ("こどもがあぶない", "child"), ("子どもに暴力をふるう", "child"), ("child abuse", "child"),
    ("he is hurting my child", "child"), ("he hit my kid", "child"),
    ("死にたい", "suicide"), ("もう死にたいです", "suicide"), ("しにたい", "suicide"), ("シニタイ", "suicide"),
    ("死にたくなる", "suicide"), ("消えたい", "suicide"), ("きえたい", "suicide"), ("自殺したい", "suicide"),
    ("じさつ", "suicide"), ("死のうと思う", "suicide"), ("死んでしまいたい", "suicide"),
    ("死んだほうが楽", "suicide"), ("生きていたくない", "suicide"), ("いなくなりたい", "suicide"),
    ("全部終わりにしたい", "suicide"), ("リスカしてしまった", "suicide"), ("飛び降りたい", "suicide"),
    ("I want to die", "suicide"), ("I might kill myself", "suicide"), ("thinking about suicide", "suicide"),
    ("I want to end my life", "suicide"), ("ｼﾆﾀｲ", "suicide"), ("死　に　た　い", "suicide"),
    ("しにたぃ", "suicide"), ("たすけてーーー", "violence"), ("ﾀｽｹﾃ", "violence"), ("ＨＥＬＰ　ＭＥ", "violence"),
]

ORDINARY = [
    "子どもに会えない", "別居中の妻が子供に会わせてくれません", "面会交流の調停をしたい", "親子交流について知りたい",
    "養育費はいくらもらえますか", "養育費を払ってもらえない", "慰謝料の相場を知りたい", "夫が浮気している",
    "別居中に妻が不倫していた", "不貞の証拠は何が必要ですか", "離婚調停の費用はいくら", "弁護士費用が払えない",
    "法テラスに相談したい", "無料相談を受けたい", "共同親権になるの？", "2026年4月から何が変わりましたか",
    "親権を取りたい", "財産分与について", "年金分割を知りたい", "婚姻費用を請求したい", "離婚届を出しました",
    "協議離婚の進め方", "公正証書を作りたい", "内容証明を送りたい", "時効はいつですか", "3年前に浮気を知りました",
    "別居して1年になります", "単身赴任中に浮気された", "相手の弁護士から連絡が来た", "調停に行けない日がある",
    "子どもが会いたくないと言っている", "面会のルールを決めたい", "学校行事に参加したい", "プレゼントを渡したい",
    "手紙を送るのは大丈夫？", "保護命令の申立て方法", "DVで離婚したい", "モラハラの慰謝料", "性格の不一致で離婚",
    "悪意の遺棄とは", "セックスレスで離婚できる？", "収入は月20万円です", "貯金は100万円くらい", "家賃は6万円",
    "世帯は3人です", "東京23区に住んでいます", "はい", "いいえ", "メニュー", "戻る", "English", "1",
    "I can't see my child", "How much is child support?", "Can I afford a lawyer?", "my wife had an affair",
    "what is joint custody", "I want a divorce", "ありがとうございました", "よくわかりました", "また相談します",
    "こんにちは", "夜分にすみません", "相手と話し合いができない", "LINEで連絡してくる", "電話に出てくれない",
    "実家に帰っています", "子どもは5歳です", "子供は15歳以上です", "裁判所はどこですか", "郵便切手はいくら",
]


@pytest.mark.parametrize(("text", "category"), DANGER)
def test_each_danger_phrase_raises_its_category(text: str, category: str) -> None:
    assert category in CHECK.detect(text)


# Context decides (#15): a death told in a legal question, a visit by arrangement, a visitation complaint, a
# threat to take the children read as custody talk, a marriage to end. Each has a danger twin that still raises.
QUIET_IN_CONTEXT = [
    "元夫が自殺しました。養育費はどうなりますか", "my father committed suicide, do I inherit his debts?",
    "週末に元夫が子どもを迎えに来る予定です", "the kids' dad comes to pick them up on Saturday",
    "元夫が子どもを連れ去ると言っています。どうすれば防げますか", "my ex won't let me see my son",
    "息子に会いに行かせてもらえない", "結婚生活を終わりにしたいです",
]
STILL_DANGER = [
    ("夫が亡くなってから死にたいと思うようになりました", "suicide"), ("死にたい。遺族年金はもらえますか", "suicide"),
    ("元夫が家の前にいる、約束もしてないのに", "at_door"), ("he won't let me see anyone", "confinement"),
    ("子どもを殺すと言われた", "child"), ("病院に行かせてもらえない", "confinement"),
]


@pytest.mark.parametrize("text", QUIET_IN_CONTEXT)
def test_context_keeps_ordinary_talk_quiet(text: str) -> None:
    assert CHECK.detect(text) == ()


@pytest.mark.parametrize(("text", "category"), STILL_DANGER)
def test_context_never_silences_danger_said_plainly(text: str, category: str) -> None:
    assert category in CHECK.detect(text)


def test_recall_and_false_alarm_figures() -> None:
    assert len(DANGER) >= 100
    caught = sum(1 for text, _ in DANGER if CHECK.detect(text))
    alarms = [text for text in ORDINARY if CHECK.detect(text)]
    FIGURES["danger recall"] = f"{caught}/{len(DANGER)} ({caught / len(DANGER):.1%})"
    FIGURES["false alarms"] = f"{len(alarms)}/{len(ORDINARY)} ({len(alarms) / len(ORDINARY):.1%}) {alarms}"
    assert caught == len(DANGER)
    assert len(alarms) / len(ORDINARY) <= 0.05, alarms


def test_folding_covers_width_kana_and_spacing() -> None:
    assert fold("ｺﾛｽ") == fold("コロス") == fold("ころす")
    assert fold("死 に た い！") == "死にたい"


PLACES = [(f.id, n) for f in ENGINE.flows.values() for n, node in f.nodes.items() if node.waits]


@pytest.mark.parametrize(("flow", "node"), PLACES)
def test_danger_first_at_every_place_then_continue_where_it_was(flow: str, node: str) -> None:
    means = {"outcome": "over_income", "income_limit": 1, "rent_allowance": 0, "assets_limit": 1,
             "dv_consultation": False, "dv_fee": 0}
    order = {"outcome": "dv_act", "orders": ["approach"], "child_orders": False, "leave_home": False,
             "child_consent": False}
    isha = {"outcome": "affair", "low": 1, "high": 2, "widest_low": 1, "widest_high": 2, "fee_low": 1, "fee_high": 1,
            "has_deadline": False}
    answers = {"means": means, "order": order, "consulted": "not_yet", "isha": isha,
               "affair": {**isha, "outcome": "grey", "factors": 2}}
    s = Session(flow=flow, state=node, fresh=False, answers=answers)
    reply = ENGINE.step(s, Incoming("text", "いま殴られた"))
    assert "110" in reply.messages[0].text and "0120-279-889" in reply.messages[0].text
    assert [c.uri for c in reply.choices[:2]] == ["tel:110", "tel:0120279889"]
    assert (s.flow, s.state) == (flow, node)
    again = ENGINE.step(s, Incoming("text", "また殴られた"))
    assert len(again.messages) == 1 and "110" in again.messages[0].text
    assert len(again.messages[0].text) < len(reply.messages[0].text)  # briefly, not a wall of text
    ENGINE.step(s, Incoming("postback", "cmd:continue"))
    assert (s.flow, s.state) == (flow, node)


@pytest.mark.parametrize(
    ("text", "numbers", "absent"),
    [
        ("死にたい", ["0120-279-338", "0120-783-556", "0570-783-556"], ["189"]),
        ("子どもが殴られている", ["110", "189"], ["0120-279-338"]),
        ("家に来る", ["110", "0120-279-889"], ["189"]),
        # a child in the threat, at the door or locked in with the writer is a child at risk: 189 too
        ("元夫が今ドアの前にいて、子どもを連れて行くと叫んでる", ["110", "189"], []),
        ("夫に子どもと一緒に部屋に閉じ込められています", ["110", "189"], []),
        ("he says he will kill me and my kids tonight", ["110", "189"], []),
    ],
)
def test_each_kind_of_danger_gets_its_contacts(text: str, numbers: list[str], absent: list[str]) -> None:
    reply = ENGINE.step(Session(fresh=False), Incoming("text", text))
    for number in numbers:
        assert number in reply.messages[0].text
    for number in absent:
        assert number not in reply.messages[0].text


def test_english_speaker_gets_english_contacts() -> None:
    reply = ENGINE.step(Session(), Incoming("text", "help me he is hitting me"))
    assert "Police 110" in reply.messages[0].text


def test_danger_mid_flow_through_line(chat, fake_line) -> None:  # noqa: ANN001
    chat.send(ev.follow(chat.user))
    chat.tap("弁護士費用が心配")
    answer = chat.say("たすけて　夫がドアの前にいる")
    assert "110" in answer.texts[0]
    assert {"type": "uri", "label": "110に電話", "uri": "tel:110"} in answer.actions
    assert "配偶者" in chat.tap("続ける").text  # back to the question it interrupted
