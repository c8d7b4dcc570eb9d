"""What the engine asks the language layer: which topic, which option, what was already said.

One object per worker process, built at start-up from flows/nlu/*.yaml (bot/wiring.py). The engine works
without it (tests of flows, the old substring matching); with it, free words reach the right place.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bot.language.corpora import routing_lines
from bot.language.morph import KATAKANA, analyze, hiragana
from bot.language.parse import negated, negation_follows, parse_when

# A date as people write it inside a sentence (NFKC, lower case); bot.language.parse.parse_when reads it.
DATE_WORDS = (r"(?:令和|平成|昭和|r|h)?\d{1,4}(?:年の\d{1,2}月|[年/.\-]\d{1,2}(?:月|[/.\-])?)(?:\d{1,2}日?)?"
              r"(?:頃|ごろ|ころ|末|初め)?"
              r"|(?:令和|平成|r|h)?(?:\d{1,4}|元)年(?:の?[春夏秋冬])?"
              r"|(?:去年|昨年|今年|おととし|一昨年)(?:の?\d{1,2}月(?:上旬|中旬|下旬|初め|末)?|の?[春夏秋冬]"
              r"|の?(?:初め|はじめ|前半|後半|末|暮れ))?"
              r"|先々月|先月|(?:\d+|半|[一二三四五六七八九十]+)(?:年|か月|ヶ月|カ月|週間|日)半?(?:くらい|ほど|ぐらい)?前"
              r"|[a-z]+ \d{1,2},? \d{4}|\d{1,2} [a-z]+ \d{4}|\d{1,2}月\d{1,2}日"
              r"|きょねん|ことし|last year|this year|(?:a|an|\d+) (?:years?|months?) ago"
              r"|(?<!\d)(?:19|20)\d\d(?![\d年/.\-])")

# Short answers that mean yes or no to a question whose two options are statements (あった｜なかった).
YES = {"はい", "うん", "ええ", "そう", "そうです", "ある", "あります", "あった", "ありました", "いる", "います",
       "いた",
       "してる", "している", "した", "しました", "yes", "yeah", "yep", "yup", "sure", "y", "ok", "そのとおり", "せやな",
       "はーい", "はいっ", "うんうん", "もちろん", "多分そう", "たぶんそう", "あったよ", "あるよ", "あったと思う",
       "ありましたね", "ある程度", "たまに", "時々", "ときどき", "少し", "すこし", "あるある",
       "おる", "おった", "あるで", "あったで", "そうだ", "そうなんです", "そうだね", "それです",
       "absolutely", "ofcourse", "yesitis", "yesthereis", "yesthereare", "sometimes", "alittle", "abit"}
NO = {"いいえ", "いえ", "いや", "ううん", "ない", "ないです", "ありません", "なかった", "なかったです",
      "ありませんでした", "いない", "いません", "特に", "とくに", "特にない", "特にないです", "特になし", "なし",
      "無し", "全然", "ぜんぜん",
      "まったく", "全く", "ほとんどない", "no", "nope", "nah", "n", "none", "not really", "never", "していない",
      "してない", "しなかった", "ほぼない", "ほぼなかった", "いいや", "ちがう", "違う", "違います", "無い", "無かった",
      "nothing", "notatall", "notreally", "nothinglikethat", "いえいえ", "ないない", "ないっす",
      "おらん", "おらへん", "あらへん", "ないわ", "なかったわ", "ぜんぜんない", "全然ない", "一度もない", "いちども",
      "一度も", "特にありません", "特になかった", "とくにない", "まだない", "まだしてない"}
_NEG_LABEL = re.compile(r"(ない|なかった|なし|いいえ|いない|ません|未満|まだ|not|no\b|never|none)", re.I)
_YES_FIRST = re.compile(r"^(はい|yes)", re.I)
_NO_FIRST = re.compile(r"^(いいえ|no\b)", re.I)
# English answers lead with their polarity: "no, not really", "yes we did", "nope, nothing".
_EN_NO = re.compile(r"^(no|nope|nah|not|never|nothing|none)\b", re.I)
_EN_YES = re.compile(r"^(yes|yeah|yep|yup|sure|there was|we did|i did|he did|she did)\b", re.I)
_STRIP = re.compile(r"[\s、。，．,.!！?？・「」『』()（）\[\]【】~〜ー−\-]+")
_CONTENT = {"名詞", "動詞", "形容詞", "副詞", "形状詞", "代名詞"}
_WEAK_LEMMAS = {"為る", "居る", "有る", "成る", "ある", "いる", "する", "こと", "事", "もの", "物", "の", "よう", "様"}


_AGE = re.compile(r"(?<=\d)(才|さい|sai)")
_MONTHS = re.compile(r"(?<=\d)(ヶ|ケ|カ|ヵ|ｶ|箇|か)?月(間)?")


def _norm(text: str) -> str:
    """Width, case and punctuation folded; 5才/5さい → 5歳 and 3ヶ月/3カ月/3月間 → 3か月, spelled one way."""
    said = _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())
    return _MONTHS.sub("か月", _AGE.sub("歳", said))


def polarity(text: str) -> str | None:
    """"yes", "no" or None for a short answer: いいえ, ないです, 特に, あった, ありません, nope…"""
    plain = unicodedata.normalize("NFKC", text).strip().lower()
    if _EN_NO.match(plain):
        return "no"
    if _EN_YES.match(plain):
        return "yes"
    said = _norm(text)
    if not said or len(said) > 16:
        return None
    for suffix in ("です", "でした", "ね", "よ", "かな", "かも", "と思う", "と思います", "ですね", "けど", "っす",
                   "す"):
        if said.endswith(suffix) and said[: -len(suffix)] in YES | NO:
            said = said[: -len(suffix)]
            break
    if said in NO:
        return "no"
    if said in YES:
        return "yes"
    tokens = [t for t in analyze(text).tokens if t.pos != "補助記号"]
    if not tokens or len(tokens) > 6:
        return None
    if any(t.lemma in ("ない", "無い", "ず", "ぬ", "ん") for t in tokens):
        return "no"
    if tokens[0].lemma in ("有る", "居る", "ある", "いる") or tokens[0].surface in ("はい", "うん", "ええ"):
        return "yes"
    return None


def _signs(options: Sequence[OptionText]) -> dict[str, str]:
    """Each option's polarity: a label that starts with はい/いいえ says it, else a negation in it means "no".
    Of two options where one label starts with はい (はい、危ない｜いまは大丈夫), the other is the "no"."""
    signs = {o.id: ("yes" if _YES_FIRST.match(o.label) else "no" if _NO_FIRST.match(o.label) or
                    _NEG_LABEL.search(o.label) else "yes") for o in options}
    if len(options) == 2 and sum(bool(_YES_FIRST.match(o.label)) for o in options) == 1:
        signs = {o.id: ("yes" if _YES_FIRST.match(o.label) else "no") for o in options}
    return signs


def content_lemmas(text: str) -> set[str]:
    return {t.lemma for t in analyze(text).tokens if t.pos in _CONTENT and t.lemma not in _WEAK_LEMMAS}


@dataclass
class OptionText:
    """One option as the matcher sees it: its id, its label in Japanese (for polarity), and every word for it."""

    id: str
    label: str
    words: list[str]


@dataclass
class Understanding:
    """Routing model, option examples and slot cues; each part optional so tests can build a bare one."""

    router: object | None = None  # bot.language.intents.IntentModel (sklearn stays out of this module)
    option_examples: Mapping[str, Sequence[str]] = field(default_factory=dict)  # "flow.node.option" → words
    slots: Mapping[str, Mapping[str, Mapping[str, Sequence[str]]]] = field(default_factory=dict)
    dates: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)  # flow → date node → cues
    names: Mapping[str, Sequence[str]] = field(default_factory=dict)  # topic → words that name it outright

    @classmethod
    def load(cls, flows_dir: Path, train: bool = True) -> Understanding:
        """Read flows/nlu/*.yaml; load or train the router (only in processes that run turns)."""
        nlu = flows_dir / "nlu"
        router = None
        if train and (nlu / "routing.yaml").exists():
            from bot.language.intents import IntentModel

            router = IntentModel.cached(router_examples(nlu / "routing.yaml"), "routing")
        options = _yaml(nlu / "options.yaml").get("options") or {}
        slots = _yaml(nlu / "slots.yaml").get("slots") or {}
        dates = _yaml(nlu / "slots.yaml").get("dates") or {}
        names = _yaml(nlu / "routing.yaml").get("names") or {}
        return cls(router, {k: [str(w) for w in v or ()] for k, v in options.items()}, slots, dates,
                   {k: [str(w) for w in v or ()] for k, v in names.items()})

    # ── options ────────────────────────────────────────────────────────────────
    def option(self, text: str, flow: str, node: str, options: Sequence[OptionText]) -> str | None:
        """The option a free-text answer means: polarity for yes/no questions, the closest lemmas, a typo's
        nearest word. None when it is not clear (the engine asks again)."""
        said = _norm(text)
        if not said:
            return None
        words = {o.id: [*o.words, *self.option_examples.get(f"{flow}.{node}.{o.id}", ())] for o in options}
        for oid, ws in words.items():  # an example said exactly
            if any(_norm(w) == said for w in ws):
                return oid
        heard = analyze(text).reading
        if len(heard) >= 2:  # the same words in other letters: べっきょちゅう = 別居中, りこんご = 離婚後
            by_sound = {oid for oid, ws in words.items() if any(analyze(w).reading == heard for w in ws)}
            if len(by_sound) == 1:
                return by_sound.pop()
        if len(options) == 2:  # 「大丈夫じゃない」 negates one option's own word: it means the other one
            denied = {oid for oid, ws in words.items()
                      if any(len(_norm(w)) >= 2 and not _NEG_LABEL.search(w) and negated(said, _norm(w)) for w in ws)}
            if len(denied) == 1:
                return next(o.id for o in options if o.id not in denied)
        pol = polarity(text)
        if pol:
            signs = _signs(options)
            chosen = [oid for oid, sign in signs.items() if sign == pol]
            if len(options) == 2 and len(chosen) == 1:
                return chosen[0]
            by_word = [oid for oid, ws in words.items() if any(_norm(w) in (said, pol) for w in ws)]
            if len(by_word) == 1:
                return by_word[0]
        mine = content_lemmas(text)
        if mine:
            scores = {oid: max((len(mine & content_lemmas(w)) for w in ws), default=0) for oid, ws in words.items()}
            best = max(scores.values())
            winners = [oid for oid, sc in scores.items() if sc == best]
            if best >= 1 and len(winners) == 1:
                return winners[0]
        if len(said) >= 3:
            pairs = [(_norm(w), oid) for oid, ws in words.items() for w in ws if len(_norm(w)) >= 3]
            close = difflib.get_close_matches(said, [w for w, _ in pairs], n=2, cutoff=0.75)
            found = {oid for w, oid in pairs if w in close}
            if len(found) == 1:
                return found.pop()
        if len(heard) >= 4 and not _KANJI.search(said):  # a typo typed in kana: りこんしまた, べっきょちゅ
            pairs = [(analyze(w).reading, oid) for oid, ws in words.items() for w in ws]
            close = difflib.get_close_matches(heard, [r for r, _ in pairs if len(r) >= 4], n=2, cutoff=0.8)
            found = {oid for r, oid in pairs if r in close}
            if len(found) == 1:
                return found.pop()
        return None

    # ── slots ──────────────────────────────────────────────────────────────────
    def prefill(self, flow: str, text: str, today: date | None = None) -> dict[str, str]:
        """{node: option} for the questions of `flow` that the message already answers, e.g.
        「夫のDVが原因で離婚しました」 → ground: dv, divorce: divorced; and {node: "date:EARLIEST:LATEST"} for a
        date question whose cue names a date (「2023年3月に離婚」). Only unambiguous cues count."""
        clean = hiragana(text)  # NFKC, lower case, katakana as hiragana (cues are folded the same way)
        lemmas = analyze(text).lemmas
        found: dict[str, str] = {}
        for node, cues in (self.dates.get(flow) or {}).items():
            for cue in cues or ():
                m = re.search(_fold(cue).replace("{date}", f"(?P<when>{DATE_WORDS})"), clean) if today else None
                when = parse_when(m.group("when"), today) if m and today else None
                if when is not None:
                    found[node] = f"date:{when.earliest.isoformat()}:{when.latest.isoformat()}"
                    break
        for node, options in (self.slots.get(flow) or {}).items():
            hits = [oid for oid, cues in options.items() if any(_said(_fold(c), clean, lemmas) for c in cues or ())]
            if len(hits) == 1:
                found[node] = hits[0]
        return found

    # ── topics ─────────────────────────────────────────────────────────────────
    def route(self, text: str) -> tuple[str, tuple[str, ...]]:
        """("go", (topic,)), ("ask", (a, b)) or ("none", ())."""
        if self.router is None:
            return "none", ()
        decision = self.router.decide(text)  # type: ignore[attr-defined]
        if decision.kind == "go":
            other = self._named_beside(text, decision.intents[0])
            if other is not None:
                return "ask", (decision.intents[0], other)
        if decision.kind == "ask":
            asked = self._question_decides(text, decision.intents)
            if asked is not None:
                return "go", (asked,)
        return decision.kind, decision.intents

    def _question_decides(self, text: str, pair: Sequence[str]) -> str | None:
        """Of two topics a long story touches, the one its last sentence (the question, after the story) is
        sure of: 「夫が職場の人と浮気していました。…相手にいくら請求できますか」 asks for money. None when the
        message is one sentence, or its last sentence is unsure or about something else."""
        sentences = [s for s in _SENTENCES.split(text) if len(s.strip()) >= 4]
        if len(sentences) < 2:
            return None
        topic, p = self.router.guess(sentences[-1]).best  # type: ignore[attr-defined]
        return topic if topic in pair and p >= QUESTION_SURE else None

    def _named_beside(self, text: str, top: str) -> str | None:
        """A second topic the message names as plainly as the one chosen: side by side (慰謝料と養育費,
        "custody and compensation"), or anywhere when the model also rates it RUNNER_UP or more."""
        clean = hiragana(text)
        spans = {topic: [m.span() for w in words for m in re.finditer(_fold(w), clean)]
                 for topic, words in self.names.items()}
        if not spans.get(top):
            return None
        ranked = dict(self.router.guess(text).ranked)  # type: ignore[attr-defined]
        for other in sorted((t for t, found in spans.items() if found and t != top), key=lambda t: -ranked.get(t, 0)):
            beside = any(_SIDE_BY_SIDE.fullmatch(clean[min(a[1], b[1]):max(a[0], b[0])])
                         for a in spans[top] for b in spans[other] if a[1] <= b[0] or b[1] <= a[0])
            if beside or ranked.get(other, 0.0) >= RUNNER_UP:
                return other
        return None


_KANJI = re.compile(r"[\u4e00-\u9fff]")  # written in kanji: not a kana typo (東京 is not 西東京 misspelt)


def _fold(cue: str) -> str:
    """A cue folded like the text: katakana as hiragana (ベッキョ meets べっきょ); its regex syntax untouched."""
    return unicodedata.normalize("NFKC", cue).translate(KATAKANA)


def _said(cue: str, clean: str, lemmas: str) -> bool:
    """The cue occurs in the text and is not turned around by what follows (離婚して|いない), or in the lemmas."""
    if any(not negation_follows(clean[m.end():]) for m in re.finditer(cue, clean)):
        return True
    return re.search(cue, lemmas) is not None


def router_examples(path: Path) -> dict[str, list[str]]:
    """What the router learns: routing.yaml's `intents` (the danger classifier learns them too, as ordinary),
    its `router_only` lines (kept from the danger classifier: see the comment in routing.yaml) and the first
    messages of the corpora beside it (bot/language/corpora.py)."""
    data = _yaml(path)
    examples = {k: [str(x) for x in v or ()] for k, v in (data.get("intents") or {}).items()}
    for more in (data.get("router_only") or {}, routing_lines(path.parent)):
        for topic, items in more.items():
            examples[topic] = list(dict.fromkeys([*examples.get(topic, []), *(str(x) for x in items or ())]))
    return examples


# What joins two things named side by side: 慰謝料と養育費, 親権や面会, 親権・養育費, "custody and support".
_SIDE_BY_SIDE = re.compile(r"\s*(と|や|とか|も|し|、|,|・|/|&|and|or|および|及び|または|のことと|について、?)\s*")
RUNNER_UP = 0.2  # the model's own doubt that, with the topic named outright, is worth a question
_SENTENCES = re.compile(r"[。.!?！？\n]+\s*")  # where a story ends and its question begins
QUESTION_SURE = 0.9  # how sure the router must be of the last sentence alone to settle a question between two


def _yaml(path: Path) -> dict:
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}
