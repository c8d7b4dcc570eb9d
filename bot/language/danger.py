"""Danger detection: does a message signal violence, threats, someone at the door, confinement, a child at
risk, sexual violence or suicidal thoughts?

Runs on every text, in every state, before anything else. The patterns are data a reviewer keeps
(flows/danger.yaml); they are matched against three readings of a message so that one pattern covers its
variants: Sudachi's normalized lemmas (殴られた・なぐられた・ぶたれた → 殴る/打つ れる), the whole message read
in hiragana, and the lower-cased text for English. A match is dropped when the words right after it negate it
(殴られてはいない), make it hypothetical (殴られたら) or name it as a term (連れ去りとは), and a "history" match
(violence told in the past inside a legal question, 「殴られて離婚しました。慰謝料は？」) does not raise the
alarm: the flow's first screen still shows the police line. A death told in a legal question (元夫が自殺しました。
相続は) is bereavement, not suicidal thoughts; a visit by arrangement (面会の日に迎えに来る) is nobody at the door.
今 that tells how things stand (今子どもは7歳) says nothing of now; an English question about a term of law
("Is marital rape a crime?") names a kind of act; a child hurt by another child (友達に叩かれた) is school trouble.
The classifier alone raises the alarm more readily on a plain statement than on a question, and least readily
inside a legal question. Misses cost more than false alarms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.language.corpora import danger_lines
from bot.language.morph import SMALL_KANA, analyze, hiragana  # Sudachi itself loads on a first analysis

CATEGORIES = ("violence", "threat", "at_door", "confinement", "child", "sexual_violence", "suicide")
CONTACT_ORDER = ("police", "dv_plus", "child", "onestop", "yorisoi", "inochi")  # danger now first
# Which windows each kind of danger calls for; numbers are facts `window.<id>.phone`.
CONTACTS = {
    "violence": ("police", "dv_plus"),
    "threat": ("police", "dv_plus"),
    "at_door": ("police", "dv_plus"),
    "confinement": ("police", "dv_plus"),
    "child": ("police", "child"),  # 189 whenever a child is at risk, also when the child is the one hurt
    "sexual_violence": ("police", "onestop"),  # #8891, the one-stop centre
    "suicide": ("yorisoi", "inochi"),
}
# Violence that names a child as the one hurt (夫が娘を殴った) or present (子供の前で: witnessing DV is abuse,
# 児童虐待防止法 2条4号) raises `child` too, so the reply offers 189.
_CHILD_PRESENT = frozenset({"violence", "threat", "at_door", "confinement"})
_CHILD = re.compile(r"((?<![様調椅帽菓])子|子供|子ども|こども|娘|息子|赤ちゃん|赤ん坊|長男|長女|次男|次女|孫|乳児|幼児|"
                    r"小学生|中学生|園児)(?:[（(][^）)]{0,8}[）)])?"  # 娘（5歳）を
                    r"(を|が|に|も|と|の前|の目の前|のいる前|がいる前|まで|たち|ら|の(?:体|顔|頭|背中|腕|足|お尻|首|手|脚))"
                    r"|(?:うち|ウチ)の(?:子|こ)(?!と)"  # うちの子、旦那にしばかれとる: "my child" whatever follows
                    r"|\b(my|our|the) (child|children|kid|kids|son|daughter|baby)\b")


def _enough_words(clean: str) -> bool:
    """The classifier alone judges a sentence, not a word: "ongoing", "おわり" or "outside" typed as an answer
    say too little (the patterns still judge short messages such as 死にたい or SOS)."""
    folded = fold(clean)
    latin = sum(1 for c in folded if c.isascii() and c.isalpha())
    return len(re.findall(r"[a-z']+", clean)) >= 2 if latin * 2 > len(folded) else len(folded) >= 5


def contacts_for(categories: Sequence[str]) -> list[str]:
    """Contacts in a stable order, each once: danger now first."""
    wanted = {c for cat in categories for c in CONTACTS[cat]}
    return [c for c in CONTACT_ORDER if c in wanted]


_NOISE = re.compile(r"[\s、。，．,.!！?？・「」『』()（）\[\]【】~〜\-ー−'\"…]+")


def fold(text: str) -> str:
    """Width, case, katakana → hiragana, small kana → large, no spaces or punctuation.

    コロス, ころす and ｺﾛｽ all read ころす; しにたぃ reads しにたい.
    """
    return _NOISE.sub("", hiragana(text).translate(SMALL_KANA))  # "しにたぃ" typed in a hurry


def _lemma_pattern(p: str) -> str:
    """Lemma patterns are written with spaces between words, folded like the lemmas (hiragana). Inside a
    pattern a space may also be empty, so an optional word (" 髪 (の 毛)? を") needs no spacing tricks; a
    leading or trailing space still anchors on a word boundary."""
    p = hiragana(p)
    core = re.sub(r" +", " *", p.strip())
    return (" " if p.startswith(" ") else "") + core + (" " if p.endswith(" ") else "")


def _reading_pattern(p: str) -> str:
    """Readings are hiragana with small kana enlarged (って reads つて): fold the pattern the same way."""
    return hiragana(p).translate(SMALL_KANA)


@dataclass
class Patterns:
    """One category's patterns over each reading of a message."""

    lemmas: list[re.Pattern[str]] = field(default_factory=list)
    readings: list[re.Pattern[str]] = field(default_factory=list)
    english: list[re.Pattern[str]] = field(default_factory=list)
    any: dict[str, re.Pattern[str]] = field(default_factory=dict)  # one alternation per reading: a fast "no"

    def __post_init__(self) -> None:
        for view in ("lemmas", "readings", "english"):
            found = getattr(self, view)
            if found:
                flags = re.I if view == "english" else 0
                self.any[view] = re.compile("|".join(f"(?:{rx.pattern})" for rx in found), flags)

    @classmethod
    def of(cls, spec: Mapping[str, Sequence[str]] | None) -> Patterns:
        spec = spec or {}
        unknown = set(spec) - {"lemmas", "readings", "english"}
        if unknown:
            raise ValueError(f"unknown pattern kinds {sorted(unknown)}")
        return cls([re.compile(_lemma_pattern(p)) for p in spec.get("lemmas", ())],
                   [re.compile(_reading_pattern(p)) for p in spec.get("readings", ())],
                   [re.compile(p, re.I) for p in spec.get("english", ())])


@dataclass
class Category:
    name: str
    strong: Patterns  # alarm unless negated, hypothetical or named as a term
    weak: Patterns  # …and also not inside a legal or family-law question (助けて, 家に来た)
    history_quiet: bool  # told as history inside a legal question: no alarm


@dataclass
class Context:
    """Whole-message signals that decide whether a match is history or a question rather than danger now."""

    legal: re.Pattern[str]
    question: re.Pattern[str]
    history: re.Pattern[str]
    now: re.Pattern[str]
    legal_en: re.Pattern[str]
    now_en: re.Pattern[str]
    death: re.Pattern[str]  # someone's death named (亡くなった, passed away): bereavement, not the writer's plan
    planned: re.Pattern[str]  # a visit arranged (面会の日, 迎えに来る予定, pick up on Saturday) or a reply put off
    state: re.Pattern[str]  # 今 telling how things stand (今子どもは7歳, 今別居して3年): not danger now
    peer: re.Pattern[str]  # a child hurt by another child (友達に叩かれた, 上の子が下の子を): school trouble…
    guardian: re.Pattern[str]  # …unless a parent or partner is named (夫, 元夫, 父, 彼氏): then it is family harm

    @classmethod
    def of(cls, spec: Mapping[str, Sequence[str]]) -> Context:
        def one(key: str, flags: int = 0) -> re.Pattern[str]:
            words = spec.get(key) or ["(?!x)x"]
            return re.compile("|".join(f"(?:{w})" for w in words), flags)

        return cls(one("legal"), one("question"), one("history"), one("now"), one("legal_en", re.I),
                   one("now_en", re.I), one("death", re.I), one("planned", re.I), one("state", re.I),
                   one("peer", re.I), one("guardian", re.I))


_NEGATION = {"ない", "無い", "ず", "ぬ", "ん", "ません"}
_PASS = {"助詞", "助動詞", "接尾辞"}
_PASS_WORDS = {"こと", "事", "訳", "わけ", "居る", "いる", "ある", "有る", "為る", "する", "もの", "物"}
_AFTER_HYPOTHETICAL = re.compile(
    r"^(?:て|で)?(?:も|は)?(?:ば(?!かり)|たら|だら|なら|場合|ばあい|としたら|とすれば|ても|でも|かも)"
    r"|^.{0,6}?(?:場合|ばあい|ったら|れば|としたら|とすれば)")
_BEFORE_HYPOTHETICAL = re.compile(r"(もし|仮に|万が一|万一|例えば|たとえば)")
_AFTER_QUESTION = re.compile(r"^(?:る|た|の|こと|って)?(?:の|こと)?(?:は|って)[^。!！]{0,25}"
                             r"(?:ですか|ますか|でしょうか|か[?？]|[?？])\s*$"
                             r"|^(?:る|れる|られる)?(?:ます|ません|ますでしょう|でしょう|のでしょう)か[?？]?$"
                             r"|^(?:に|と)(?:なり|なる|当たり|当たる|あたり|あたる|該当|含まれ|入り|入る)[^。!！]{0,12}"
                             r"(?:か[?？]?|[?？])\s*$")
_AFTER_TERM = re.compile(r"^(?:り|る|れる|された|れた|する)?(?:(?:防止|規制|処罰)?法)?"  # リベンジポルノ防止法について
                         r"(?:とは|について|に関して|に関する|ってなに|って何|"
                         r"の定義|の意味|という言葉|は違法|は犯罪|は罪|って違法|って犯罪|罪|は法律|の件で|の相談)")
_FOLDED_DROPPED = re.compile(r"^(?:て|で)?(?:は|も)?(?:い|お|な)?"
                             r"(?:ない|なく|ません|なかつ|ず|ば|たら|なら|とは|について|ばあい|場合)")
# 今 as "now": not 今後/今回/今年…, not after て/で, and kana いま not in a polite past (もらいました) or いまいち.
# Its last lookahead is left open: each use below adds its own exceptions and closes it.
_IMA = r"(?<![てで])(今|いま(?!し|いち))(?!後|回|度|の法|年|月|週|まで|の制度|は|では|す|せ"
# Harm just now or going on (今も殴られています), said without 今.
_GOING_ON = r"さっき|先ほど|今日|今朝|今夜|昨日|昨夜|れている|れています|れてる|"
_URGENT = re.compile(_IMA + r"|から(?:でも)?[^。！？!?]{0,12}(?:請求|申し?立|手続|間に合|離婚|調停|相談|でき))|"
                     + _GOING_ON + r"\b(right now|now|tonight|today)\b")
# …and the same without 今 or a bare "now": history in a legal question is not settled beside it.
_ONGOING = re.compile(_GOING_ON + r"\b(right now|tonight|today)\b")
# Someone else's words reported (夫が「死にたい」と言って離婚に応じない): not the writer's own suicidal thoughts.
# Threats stay: 「死ね」と言われた is said TO the writer.
REPORTED_QUIET = {"suicide"}
_SAID = re.compile(r"^(?:よ|ね|な|とか)?(?:と|って|つて)(?:言|い[つっわ]|ゆ[つっ]|脅|騒|わめ|喚)")
# Now said in words: the classifier's doubt does not silence a pattern then. いま in kana is not now in the
# polite past of a verb (もらいました, 思いました): いまし is never read as now.
_NOW = re.compile(_IMA + r"|から)|"
                  r"さっき|先ほど|今日|今朝|今夜|\b(right now|tonight)\b")
_MYSELF = re.compile(r"(私|わたし|あたし|僕|ぼく|俺|おれ|自分|うち)(も|は|が|、)|\b(i|i've|i'm)\b", re.I)  # the writer
# A wish of one's own, read over fold() (no spaces): 死にたい, 消えてしまいたい, want to die.
_WISH = re.compile(r"(しに|死に|4に|たひに|きえ|消え|いなくなり|らくになり|楽になり|終わりにし|おわりにし|"
                   r"終わらせ|おわらせ)(ちゃい|てしまい)?(たい|たく)|wantto(die|disappear|end)|killmyself")
# "What do I do if…" asks about a case, like a legal question (暴力をふるわれたら、まず何をすればいいですか)
_WHAT_IF = re.compile(r"(たら|れば|場合|ときは|時は)[、,]?\s*(まず|どう|どこ|何|なに|誰|だれ)[^。!！]{0,20}(か|[?？])"
                      r"|\bwhat (should|do|can) i do if\b", re.I)
_EN_NEGATION = re.compile(r"\b(not|never|n't|no one|nobody|didn't|doesn't|hasn't|won't|wouldn't)\b\W*(\w+\W+){0,2}$",
                          re.I)
_EN_HYPOTHETICAL = re.compile(r"\b(if|what if|in case|whether|suppose)\b[^.!?]*$", re.I)
# A question about a term of law, asked of no one in particular ("Is marital rape a crime?", "does yelling count as
# abuse", "what counts as stalking"): the word names a kind of act, like 連れ去りとは in Japanese. With me/my/he
# in it ("is it rape if he forces me?") it tells what happened and stays an alarm.
_EN_TERM_QUESTION = re.compile(r"^\W*(is|are|does|do|what|how|can|could|would|when|which)\b[^.!?]*"
                               r"\b(crime|criminal|illegal|legal|law|laws|count(s|ed)? as|considered|defin\w+|mean|"
                               r"punish\w*|prosecut\w*|penalty|offen[cs]e|a ground|grounds)\b", re.I)
_EN_PERSONAL = re.compile(r"\b(me|my|i|i'm|i've|us|our|he|she|him|her|his)\b", re.I)
_EN_SENTENCE = re.compile(r"[^.!?]*[.!?]?")
# Harm said in English not to have happened ("he did not hit me", "he was never violent", "not threatening, just
# rude"): the classifier reads words, not their negation, so the negated harm is taken out of what it reads. Only
# words of harm: "can't go on" or "won't let me leave" keep every word.
_EN_NEGATED_HARM = re.compile(r"\b(not|never|n't|no longer)\s+(\w+\s+){0,2}?"
                              r"(hit|hits|hitting|hurt|hurts|hurting|threaten\w*|touch\w*|abus\w*|beat|beats|beating|beaten|kick\w*|punch\w*|slap\w*|push\w*|shov\w*|"
                              r"violent|physical|dangerous|aggressive|stalk\w*|follow\w*)\b"
                              r"(\s+(me|us|her|him|them|"
                              r"(with|to|towards?) (the|my|our) (kids|children|son|daughter|baby|child)))?",
                              re.I)


ALARM = 0.3  # the classifier alone raises the alarm from this probability of danger (1 − P(none))
STATEMENT_ALARM = 0.2  # …and from this in a plain statement: no question, no history, no law
LEGAL_ALARM = 0.5  # …and inside a legal question with nothing said of now, from this (the words of law pull its
# guesses towards danger: 子どもの親権 reads like 子ども, 自殺 in an inheritance question like suicide)
CONFIRM = 0.15  # inside a legal question or a story told as history (昔, used to), a pattern's match stands
# only when the classifier gives danger at least this much (elsewhere only DOUBT vetoes: a pattern that fires on a
# message about no law and no past is trusted)
DOUBT = 0.05  # below this the classifier vetoes those patterns even when the message says 今
CHILD_HISTORY = 0.05  # a child's harm told as history in a legal question is quiet below this
SURE = 0.8  # history inside a legal question is quiet, unless the classifier is this sure
SHORT = 12  # characters: a message this short that names a wish to die only to deny it says nothing else
ALSO = 0.5  # once the alarm is up, the classifier's first category joins the patterns' from this probability:
# 断ったのに夫がやめてくれない matches violence, but it is sexual violence (#8891) the reply must offer


class DangerCheck:
    def __init__(self, spec: Mapping[str, Any], model: Any = None) -> None:
        """`model`: a classifier (bot.language.intents.IntentModel) over the categories and `none`, trained on
        flows/nlu/danger.yaml; it catches phrasings no pattern names, and vetoes a pattern it finds far-fetched."""
        self.model = model
        cats = {k: v for k, v in spec.items() if k != "context"}
        unknown = set(cats) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown danger categories {sorted(unknown)}; known: {CATEGORIES}")
        self.categories = [
            Category(name, Patterns.of({k: v for k, v in (body or {}).items() if k in ("lemmas", "readings",
                                                                                           "english")}),
                     Patterns.of((body or {}).get("weak")), bool((body or {}).get("history_quiet", False)))
            for name, body in cats.items()
        ]
        self.context = Context.of(spec.get("context") or {})
        self.history_quiet = {c.name for c in self.categories if c.history_quiet}

    @classmethod
    def load(cls, path: Path, examples: Path | None = None, classifier: bool = True) -> DangerCheck:
        """The patterns in `path` and (unless `classifier` is off) the classifier trained from `examples`
        (default: nlu/danger.yaml beside it, plus the routing examples of topics without danger words and the
        corpora's danger and ordinary messages)."""
        with open(path, encoding="utf-8") as fh:
            spec = yaml.safe_load(fh) or {}
        examples = examples or path.parent / "nlu" / "danger.yaml"
        model = None
        if classifier and examples.exists():
            from bot.language.intents import IntentModel, load_examples

            data = load_examples(examples)
            routing = examples.parent / "routing.yaml"
            if routing.exists():
                for topic, items in load_examples(routing).items():
                    if topic not in ("protection_order", "emergency"):
                        _teach(data, "none", items)
            for label, items in danger_lines(examples.parent).items():
                _teach(data, label, items)
            data["none"] = [*data.get("none", []), *_answers(path.parent, cls(spec))]
            model = IntentModel.cached(data, "danger")
        return cls(spec, model)

    def detect(self, text: str) -> tuple[str, ...]:
        """The danger categories a message signals, in a fixed order; empty when none."""
        if not fold(text):
            return ()
        a = analyze(text)
        ctx = self.context
        clean = a.text
        legal = bool(ctx.legal.search(clean) or ctx.legal_en.search(clean))
        # 今 in 「今子どもは7歳です」 tells how things stand, not what is happening: it says nothing of now
        present = ctx.state.sub("", clean)
        now = bool(ctx.now.search(present) or ctx.now_en.search(present))
        told_before = bool(ctx.history.search(clean))
        asked = bool(ctx.question.search(clean))
        past_question = legal and not now and (asked or told_before)
        found: set[str] = set()
        denied: set[str] = set()  # a short message's wish to die the patterns read as not meant (死にたくない)
        reading, ends = _reading_index(a)
        views = (a.lemmas, reading, ends, fold(a.text))
        # A death told inside a legal question (元夫が自殺しました。相続は?) is bereavement: suicide words there
        # name what happened to someone else, not what the writer means to do.
        # 「今」 or "now" there tells where the family stands since (now there's a fight over his pension).
        bereaved = (legal and (asked or told_before) and bool(ctx.death.search(clean))
                    and not _WISH.search(fold(clean)))
        for cat in self.categories:
            if cat.name == "suicide" and bereaved:
                continue
            reported = cat.name in REPORTED_QUIET
            strong = self._matches(a, cat.strong, views, reported)
            weak = (not legal or now) and self._matches(a, cat.weak, views, reported)
            if (strong and not (cat.history_quiet and past_question)) or weak:
                found.add(cat.name)
            elif cat.name == "suicide" and len(clean) <= SHORT and self._mentions(cat.strong, views, a.text):
                denied.add(cat.name)
        # A word or two (help, 殴られた, SOS) is judged by the patterns alone: the classifier neither raises nor
        # vetoes an alarm on so little
        if self.model is not None and _enough_words(clean):
            # what the classifier reads: the message without harm said not to have happened (the message itself,
            # most of the time: then it reuses this turn's analysis and n-grams)
            stripped = _EN_NEGATED_HARM.sub(" ", text)
            read = stripped if stripped != text and fold(stripped) else text
            denies_harm = read != text
            guess = self.model.guess(read)
            danger = 1.0 - dict(guess.ranked).get("none", 0.0)
            # A pattern matched, nothing else reads as danger: violence, threats, the door and confinement are
            # vetoed; suicide, sexual violence and a child at risk never are, except a child's harm told as
            # history inside a legal question (元夫が子どもを叩いたことがある。面会は断れますか).
            doubted = danger < CONFIRM and (legal or told_before) and not _URGENT.search(present)
            # …and harm told as history in a legal question the classifier reads as ordinary, whatever 今 it says
            # (昔殴られて…今も通院しています。治療費は請求できますか), unless the harm goes on (今も殴られています)
            settled = danger < DOUBT and legal and told_before and not _ONGOING.search(present)
            if (danger < DOUBT and not _NOW.search(present)) or doubted or settled:
                found -= self.history_quiet
            # Someone coming by arrangement (元夫が面会で子どもを迎えに来る) or the writer being out (外にいるので
            # 後で返信します) is not someone at the door, unless the classifier also reads danger.
            if danger < CONFIRM and ctx.planned.search(clean):
                found.discard("at_door")
            # Someone else's death or attempt told beside the law (弟が自殺未遂をして、離婚の話は後回し) is quiet
            # too when nothing else reads as danger and the writer names no wish or self (死にたい。遺族年金は).
            if legal and danger < DOUBT and ctx.death.search(clean) and not (
                    _NOW.search(present) or _MYSELF.search(clean) or _WISH.search(fold(clean))):
                found.discard("suicide")
            if past_question and danger < CHILD_HISTORY:
                found.discard("child")
            # harm the writer says did not happen ("he was never violent"): what is left is weighed as strictly as
            # a legal question
            elif (danger >= self._alarm_at(((legal or _WHAT_IF.search(clean) is not None) and not now)
                                           or denies_harm, asked or told_before or denies_harm) and not found
                  and (not denies_harm or _enough_words(analyze(read).text))):
                top = next(c for c, _ in guess.ranked if c != "none")
                # 死にたくない: the patterns read the words and their negation, the classifier only the words; in
                # a message that says nothing else, the patterns' reading stands. Only for a wish: 殺されたくない
                # denies no fact, it fears one
                quiet = (top in self.history_quiet and past_question and danger < SURE) or top in denied
                if not quiet:
                    found.add(top)
            if found:
                found |= _also_meant(guess.ranked, found)
        # A child hurt by another child, with no parent or partner named (子どもが友達に叩かれて帰ってきた, 上の子が下の
        # 子を叩く) is school or sibling trouble: 189 and the police line are for harm at home (児童虐待防止法 2条).
        if found & {"child", "violence"} and ctx.peer.search(clean) and not ctx.guardian.search(clean):
            found -= {"child", "violence"}
        if found & _CHILD_PRESENT and _CHILD.search(clean):  # a child in the harm, the threat, at the door or
            found.add("child")  # locked in with the writer is a child at risk: 189 too (CONTENT.md §9)
        return tuple(c for c in CATEGORIES if c in found)

    @staticmethod
    def _alarm_at(legal: bool, asked_or_past: bool) -> float:
        """How sure the classifier alone must be: least for a plain statement about no law (what someone in
        danger writes), most inside a legal question (asked, or told as history); a statement that only names
        the law (離婚して子どもにも会えなくて、もう終わりにしたい) is in between."""
        if legal and asked_or_past:
            return LEGAL_ALARM
        return ALARM if asked_or_past or legal else STATEMENT_ALARM

    def _matches(self, a: Any, p: Patterns, views: tuple[str, str, list[int], str], reported: bool = False
                 ) -> bool:
        """`reported`: a match someone else is quoted as saying (夫が「死にたい」と言って) does not count."""
        lemmas, reading, ends, surface = views
        if not self._mentions(p, views, a.text):
            return False  # most messages: no pattern of this category anywhere, one search per reading
        for rx in p.lemmas:
            for m in rx.finditer(lemmas):
                after = _token_at(lemmas, m.end())
                if reported and _SAID.match(_NOISE.sub("", "".join(t.surface for t in a.tokens[after:]))):
                    continue
                if not self._dropped_after(a, after, _token_at(lemmas, m.start())):
                    return True
        if p.readings:
            for rx in p.readings:
                for m in rx.finditer(reading):
                    first = _index_at(ends, m.start() + 1) - 1
                    if a.tokens[first].pos in _NOT_A_WORD_START:
                        continue  # read across words: 嫁氏の浮気 reads よめしのうわき, not 死のう
                    after = _index_at(ends, m.end())
                    if reported and _SAID.match(_NOISE.sub("", "".join(t.surface for t in a.tokens[after:]))):
                        continue
                    if not self._dropped_after(a, after, first):
                        return True
                for m in rx.finditer(surface):  # what Sudachi split oddly (しにたぃ), read as typed
                    rest = surface[m.end():]
                    if not (_FOLDED_DROPPED.match(rest) or _AFTER_TERM.match(rest) or _AFTER_QUESTION.match(rest)
                            or (reported and _SAID.match(rest))):
                        return True
        for rx in p.english:
            for m in rx.finditer(a.text):
                before = a.text[: m.start()]
                if not (_EN_NEGATION.search(before) or _EN_HYPOTHETICAL.search(before)
                        or _asks_about_term(a.text, m.start())):
                    return True
        return False

    @staticmethod
    def _mentions(p: Patterns, views: tuple[str, str, list[int], str], text: str) -> bool:
        """Some pattern of the category occurs at all, whatever its context."""
        lemmas, reading, _, surface = views
        return bool(("lemmas" in p.any and p.any["lemmas"].search(lemmas))
                    or ("readings" in p.any and (p.any["readings"].search(reading)
                                                 or p.any["readings"].search(surface)))
                    or ("english" in p.any and p.any["english"].search(text)))

    @staticmethod
    def _dropped_after(a: Any, index: int, start: int = 0) -> bool:
        """Negated (殴られてはいない, 死にたくない), hypothetical (もし殴られたら, 虐待があった場合), named as a
        term (連れ去りとは) or asked about as a kind of act (物を投げるのはDVですか)."""
        if _BEFORE_HYPOTHETICAL.search("".join(t.surface for t in a.tokens[max(0, start - 8): start])):
            return True
        while index < len(a.tokens) and a.tokens[index].lemma in ("れる", "られる", "せる", "させる"):
            index += 1
        rest = _NOISE.sub("", "".join(t.surface for t in a.tokens[index:]))
        if _AFTER_TERM.match(rest) or _AFTER_HYPOTHETICAL.match(rest) or _AFTER_QUESTION.match(rest):
            return True
        # only particles and helpers are passed on the way: さ れ て いる わけ では あり ませ ん
        for t in a.tokens[index: index + 10]:
            if t.lemma in _NEGATION:
                return True
            if t.pos in _PASS or t.lemma in _PASS_WORDS or t.pos2 == "非自立可能" or t.pos == "補助記号":
                continue
            return False
        return False


def _asks_about_term(text: str, at: int) -> bool:
    """The English sentence around position `at` asks what the law says of a kind of act, about no one."""
    for m in _EN_SENTENCE.finditer(text):
        if m.start() <= at < max(m.end(), m.start() + 1):
            sentence = m.group()
            return bool(_EN_TERM_QUESTION.search(sentence)) and not _EN_PERSONAL.search(sentence)
    return False


def _also_meant(ranked: Sequence[tuple[str, float]], found: set[str]) -> set[str]:
    """The classifier's first danger category when it is sure of it and the patterns named another: a pattern
    names the act (殴る → violence) while the words around it say who or what it is about (子供の目の前で → a child
    at risk; 夜が怖い、やめてくれない → sexual violence). The alarm is already up: this only adds contacts."""
    top, p = next(((c, p) for c, p in ranked if c != "none"), ("none", 0.0))
    return {top} if top != "none" and p >= ALSO and top not in found else set()


def _token_at(lemmas: str, end: int) -> int:
    """The index of the first token after a match that ends at `end` in the space-joined lemmas."""
    return lemmas[:end].rstrip().count(" ")


def _reading_index(a: Any) -> tuple[str, list[int]]:
    reading, ends = "", []
    for t in a.tokens:
        reading += fold(t.reading)
        ends.append(len(reading))
    return reading, ends


def _teach(data: dict[str, list[str]], label: str, items: list[str]) -> None:
    """Add examples to a label, each once."""
    data[label] = list(dict.fromkeys([*data.get(label, []), *items]))


_NOT_A_WORD_START = frozenset({"助詞", "助動詞", "接尾辞"})  # where a reading match cannot begin


def _index_at(ends: list[int], end: int) -> int:
    for i, e in enumerate(ends):
        if e >= end:
            return i + 1
    return len(ends)


HARM_ANSWERS = ("harm", "danger_now")  # answers that describe what was done: danger words, never taught as `none`


def _answers(flows_dir: Path, rules: DangerCheck) -> list[str]:
    """Words people answer questions with (each option's labels and synonyms, the commands) are ordinary:
    taught as `none`, unless they answer a question about harm (外に出してもらえない is confinement, whatever
    question it also answers) or a pattern finds danger in them."""
    words: set[str] = set()
    labels: set[str] = set()
    for path in sorted(flows_dir.glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        if not isinstance(data, dict):
            continue
        for node in (data.get("nodes") or {}).values():
            for option in (node or {}).get("options") or ():
                if set(option.get("set") or {}) & set(HARM_ANSWERS):
                    continue
                words.update(str(w) for w in option.get("synonyms") or ())
                labels.add(str(option.get("label", "")))
        if path.name == "commands.yaml":
            words.update(str(w) for ws in data.values() for w in ws or ())
    for path in sorted((flows_dir.parent / "locales").glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            texts = yaml.safe_load(fh) or {}
        for key in labels:
            value: Any = texts
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, str):
                words.add(value)
    return sorted(w for w in words if len(w) >= 2 and not rules.detect(w))
