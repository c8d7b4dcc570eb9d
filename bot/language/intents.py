"""Which menu topic does a first message belong to? A linear model learned from reviewable examples.

Features: character 1–3-grams of the text as typed and of its hiragana reading (so こどもにあえない meets
子どもに会えない), plus Sudachi's normalized lemmas and lemma pairs (会えません → 会う ます ず). A logistic
regression over those is the known-good baseline for short Japanese texts and trains in well under a second.
The model is trained from flows/nlu/routing.yaml at start-up and cached on disk under the examples' hash
(never committed: it is rebuilt from the YAML whenever the examples change).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import math
import os
import pickle
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.language.morph import analyze

log = logging.getLogger(__name__)
FEATURES_VERSION = "4"  # bump when the features or the fit change: old cached models are then ignored
NONE = "none"
# How loosely each model fits its examples (LogisticRegression's C, by the name it is cached under). Stratified
# 5-fold cross-validation over the examples found every C from 10 to 200 equally accurate; a looser router
# (50) gives better-calibrated probabilities (log loss 0.25 → 0.22) and a little more confidence in its best
# topic (mean 0.86 → 0.89, which Thresholds absorb). The danger classifier stays at 20: its alarm thresholds
# in danger.py were set on that scale, and a looser one traded alarms for false alarms on the held-out sets.
FIT = {"routing": 50.0}
DEFAULT_FIT = 20.0


def _lemma_features(text: str) -> list[str]:
    lemmas = [t.lemma for t in analyze(text).tokens if t.pos != "補助記号"]
    return lemmas + [f"{a}_{b}" for a, b in zip(lemmas, lemmas[1:], strict=False)]


def _surface(text: str) -> str:
    return analyze(text).text


def _reading(text: str) -> str:
    return analyze(text).reading


@dataclass(frozen=True)
class Guess:
    """The model's ranking: (intent, probability), best first."""

    ranked: tuple[tuple[str, float], ...]

    @property
    def best(self) -> tuple[str, float]:
        return self.ranked[0]

    @property
    def second(self) -> tuple[str, float]:
        return self.ranked[1] if len(self.ranked) > 1 else (NONE, 0.0)


@dataclass(frozen=True)
class Thresholds:
    """Route when the best intent has `route` probability and leads the next by `margin`; when two topics
    both reach `pair` and are close, ask which. Tuned on tests/data/nlu/dev (never on the held-out sets)."""

    route: float = 0.25
    margin: float = 0.10
    pair: float = 0.22
    clause: float = 0.9  # one clause of a longer message this sure of another topic: ask which…
    clause_floor: float = 0.1  # …when the whole message gives that topic this much. Lower than `pair`: the clause
    # is the evidence (別居中で子供に会わせてもらえず、夫は浮気もしている). Leave-one-set-out on the corpora: 7 more
    # questions in 1,787 first messages, 6 of them naming the right topic
    never_asked: tuple[str, ...] = ("emergency",)
    both: float = 0.38  # a second topic this likely was named too (別居中で子に会えず、夫は浮気も): ask which


@dataclass(frozen=True)
class Decision:
    kind: str  # "go" | "ask" | "none"
    intents: tuple[str, ...] = ()


def load_examples(path: Path) -> dict[str, list[str]]:
    """`intents:` (routing) or `examples:` (danger): label → example texts."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    found = data.get("intents") or data.get("examples") or {}
    return {label: [str(x) for x in (examples or [])] for label, examples in found.items()}


def examples_hash(examples: Mapping[str, Sequence[str]]) -> str:
    blob = yaml.safe_dump({k: list(v) for k, v in sorted(examples.items())}, allow_unicode=True)
    trained_by = importlib.metadata.version("scikit-learn")  # without importing it
    return hashlib.sha256(f"{FEATURES_VERSION}|{trained_by}|{blob}".encode()).hexdigest()[:16]


class IntentModel:
    """A fitted pipeline and the thresholds that turn its probabilities into a decision."""

    def __init__(self, data: Mapping[str, Any], thresholds: Thresholds | None = None, pipeline: Any = None) -> None:
        """`data`: the fitted weights as plain arrays (export()); `pipeline`: the scikit-learn pipeline, only
        when trained in this process (a worker that loads the cache never imports scikit-learn)."""
        self.pipeline = pipeline
        self.classes: list[str] = list(data["classes"])
        self.thresholds = thresholds or Thresholds()
        self._fast = _FastScorer(data)

    @classmethod
    def train(cls, examples: Mapping[str, Sequence[str]], fit: float = DEFAULT_FIT) -> IntentModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline
        from sklearn.preprocessing import FunctionTransformer

        texts = [t for intent, items in examples.items() for t in items]
        labels = [intent for intent, items in examples.items() for _ in items]

        def view(fn: Any, vec: Any) -> Any:
            return make_pipeline(FunctionTransformer(_map, kw_args={"fn": fn}), vec)

        features = FeatureUnion([
            ("surface", view(_surface, TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True))),
            ("reading", view(_reading, TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True))),
            ("lemmas", TfidfVectorizer(analyzer=_lemma_features, sublinear_tf=True)),
        ])
        pipeline = make_pipeline(features, LogisticRegression(C=fit, max_iter=3000))
        pipeline.fit(texts, labels)
        return cls(export(pipeline), pipeline=pipeline)

    @classmethod
    def cached(cls, examples: Mapping[str, Sequence[str]], name: str, cache_dir: Path | None = None
               ) -> IntentModel:
        """The cached model for these examples, or a fresh one (then cached; a read-only disk is fine)."""
        where = (cache_dir or default_cache_dir()) / f"{name}-{examples_hash(examples)}.pkl"
        try:
            with open(where, "rb") as fh:
                data = pickle.load(fh)  # noqa: S301 - our own file, keyed by the examples' hash
            if isinstance(data, dict) and data.get("version") == FEATURES_VERSION:
                return cls(data)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError):
            pass
        model = cls.train(examples, FIT.get(name, DEFAULT_FIT))
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            tmp = where.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(export(model.pipeline), fh)
            tmp.replace(where)
        except OSError as exc:
            log.warning("intent model not cached: %s", type(exc).__name__)
        return model

    def guess(self, text: str) -> Guess:
        probs = self._fast.proba(text)
        ranked = sorted(zip(self.classes, probs, strict=True), key=lambda x: -x[1])
        return Guess(tuple(ranked))

    def decide(self, text: str) -> Decision:
        """Go to the best topic, ask between two close ones, or admit we did not understand."""
        guess = self.guess(text)
        decision = decide(guess, self.thresholds)
        second, p2 = guess.second
        if decision.kind == "go" and p2 >= self.thresholds.clause_floor and second == self._another_topic(
                text, guess.best[0]):
            return Decision("ask", (decision.intents[0], second))
        return decision

    def _another_topic(self, text: str, top: str) -> str | None:
        """A topic one clause names clearly when the whole message went to another: 「別居中で子供に会わせて
        もらえず、夫は浮気もしている」 is about seeing the child AND the affair, so the person chooses."""
        clauses = [c for c in _CLAUSES.split(text) if len(c.strip()) >= 4]
        if len(clauses) < 2:
            return None
        for clause in clauses:
            intent, p = self.guess(clause).best
            if intent not in (top, NONE, *self.thresholds.never_asked) and p >= self.thresholds.clause:
                return intent
        return None


def decide(g: Guess, th: Thresholds) -> Decision:
    (top, p1), (_, p2) = g.best, g.second
    second_topic = g.second[0] != NONE and p2 >= th.both
    if top != NONE and p1 >= th.route and p1 - p2 >= th.margin and not second_topic:
        return Decision("go", (top,))
    topics = [(i, p) for i, p in g.ranked[:3] if i != NONE and p >= th.pair]
    if len(topics) >= 2 and (topics[0][1] - topics[1][1] < max(th.margin, 0.2) or topics[1][1] >= th.both):
        return Decision("ask", (topics[0][0], topics[1][0]))
    if top != NONE and p1 >= th.route:
        return Decision("go", (top,))
    return Decision("none")


def export(pipeline: Any) -> dict[str, Any]:
    """The fitted weights as plain data: what a worker needs to score, without scikit-learn."""
    import numpy as np

    union, model = pipeline.steps[0][1], pipeline.steps[-1][1]
    blocks = []
    for name, part in union.transformer_list:
        vec = part.steps[-1][1] if hasattr(part, "steps") else part
        kind = vec.analyzer if isinstance(vec.analyzer, str) else "lemmas"
        blocks.append((name, kind, tuple(vec.ngram_range), dict(vec.vocabulary_), np.asarray(vec.idf_)))
    return {"version": FEATURES_VERSION, "classes": [str(c) for c in model.classes_], "blocks": blocks,
            "coef": np.asarray(model.coef_), "intercept": np.asarray(model.intercept_)}


_CLAUSES = re.compile(r"[、。,.!?！？\n]+|(?<=[ずで])(?=[^、。]{4,})(?=夫|妻|元|彼|旦那|嫁)")
_VIEWS = {"surface": _surface, "reading": _reading}
_WHITE = re.compile(r"\s\s+")


def _char_wb(text: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's char_wb n-grams (each word padded with spaces), re-implemented: tested against it."""
    grams = []
    for word in _WHITE.sub(" ", text.lower()).split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            offset = 0
            grams.append(w[offset: offset + n])
            while offset + n < len(w):
                offset += 1
                grams.append(w[offset: offset + n])
            if offset == 0:
                break
    return grams


def _char(text: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's char n-grams, re-implemented: tested against it."""
    text = _WHITE.sub(" ", text.lower())
    grams = list(text) if lo == 1 else []
    for n in range(max(lo, 2), min(hi + 1, len(text) + 1)):
        grams += [text[i: i + n] for i in range(len(text) - n + 1)]
    return grams


@functools.lru_cache(maxsize=256)
def _counts(text: str, view: str, kind: str, lo: int, hi: int) -> Mapping[str, int]:
    """How often each n-gram of one view occurs: shared by the danger classifier and the router, which read a
    first message with the same features."""
    if kind == "lemmas":
        return Counter(_lemma_features(text))
    return Counter((_char_wb if kind == "char_wb" else _char)(_VIEWS[view](text), lo, hi))


class _FastScorer:
    """predict_proba for one text without scikit-learn (≈2 ms → ≈0.03 ms, and no 80 MB import): the same
    n-grams, TF-IDF weights (sublinear tf, idf, l2 per block) and softmax over the same coefficients.
    tests/test_nlu_router.py checks it agrees with the pipeline."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        import numpy as np

        self.np = np
        self.blocks: list[tuple[tuple[str, str, int, int], dict[str, int]]] = []
        self.idf: list[float] = []  # per feature, all blocks in a row: a block's vocabulary maps to its rows
        for name, kind, (lo, hi), vocab, idf in data["blocks"]:
            offset = len(self.idf)
            self.blocks.append(((name, kind, int(lo), int(hi)), {g: offset + j for g, j in vocab.items()}))
            self.idf += [float(x) for x in idf]
        self.coef_t = np.ascontiguousarray(np.asarray(data["coef"]).T)  # one row of class weights per feature
        self.intercept = np.asarray(data["intercept"], dtype=float)
        if self.coef_t.shape[1] == 1:  # two classes: one column of log-odds for the second
            self.coef_t = np.hstack([np.zeros_like(self.coef_t), self.coef_t])
            self.intercept = np.array([0.0, float(self.intercept[0])])

    def proba(self, text: str) -> list[float]:
        """The TF-IDF weights of the known n-grams in plain Python (a message has a few hundred), then one
        product with their rows of coefficients."""
        idf = self.idf
        rows: list[int] = []
        weights: list[float] = []
        for (view, kind, lo, hi), vocab in self.blocks:
            start, norm = len(weights), 0.0
            for gram, n in _counts(text, view, kind, lo, hi).items():
                j = vocab.get(gram)
                if j is not None:
                    w = idf[j] if n == 1 else (1.0 + math.log(n)) * idf[j]
                    rows.append(j)
                    weights.append(w)
                    norm += w * w
            if norm:
                scale = 1.0 / math.sqrt(norm)
                weights[start:] = [w * scale for w in weights[start:]]
        np = self.np
        scores = self.intercept + np.asarray(weights) @ self.coef_t[rows] if rows else self.intercept.copy()
        scores = np.exp(scores - scores.max())
        return [float(x) for x in scores / scores.sum()]


def forget_texts() -> None:
    """Drop the n-grams kept per text (to time a text read afresh)."""
    _counts.cache_clear()


def _map(texts: Sequence[str], fn: Any) -> list[str]:
    return [fn(t) for t in texts]


def default_cache_dir() -> Path:
    """KAKEHASHI_NLU_CACHE, else the user's cache directory."""
    env = os.environ.get("KAKEHASHI_NLU_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kakehashi"
