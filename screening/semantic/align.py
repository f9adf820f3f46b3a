"""Sentence-by-sentence alignment by meaning, after Sanchez-Perez et al. (PAN 2014).

Each sentence becomes a bag of weighted meaning keys (content words folded to synonym
classes, English projected onto Chinese translations across languages, TF-ISF
weighted, terms counted twice). Sentence pairs alike by both cosine and a weighted
Dice of one-to-one matched words are seeds; seeds close in both texts are merged into
passages, and a passage is kept only when its words, matched as a whole, still agree.
Every passage carries its reasons: the aligned word pairs and the shared terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from screening.boundaries import tokens_within
from screening.normalize import NormalizedText
from screening.semantic.latin import (
    LATIN_GIST_PARAMS,
    latin_gist,
    latin_gist_holds,
    latin_sentences,
)
from screening.semantic.lexicon import Lexicon, get_lexicon
from screening.semantic.weights import (
    LOOSE_CREDIT,
    Weights,
    columns,
    key_ids,
    sentence_matrix,
    word_weights,
)
from screening.semantic.words import (
    Word,
    content_words,
    is_chinese,
    native_keys,
    projected_keys,
)
from screening.tokenize import sentences

__all__ = [
    "MeaningPassage",
    "MeaningParams",
    "MeaningSide",
    "align_meaning",
    "covered_sentences",
    "prepare",
]


@dataclass(frozen=True, slots=True)
class MeaningParams:
    """Thresholds of the meaning aligner (tuned for precision first)."""

    prefilter_cos: float = 0.15
    seed_dice: float = 0.42
    # A thesis sentence split out of a longer source sentence is contained in it.
    seed_containment: float = 0.6
    seed_cos: float = 0.15
    min_shared: int = 4
    min_distinctive: int = 2
    gap: int = 2
    min_chars: int = 50
    passage_dice: float = 0.45
    single_seed_dice: float = 0.65
    min_passage_distinctive: int = 6
    min_word_pairs: int = 3
    max_sentence_chars: int = 200
    # Across languages a dictionary finds fewer pairs (a word translates many ways,
    # English carries more words): lower shares, but more seeds and more evidence.
    cross_seed_dice: float = 0.22
    cross_passage_dice: float = 0.22
    cross_single_seed_dice: float = 0.45
    cross_min_passage_distinctive: int = 7
    cross_min_chars: int = 50

    def for_languages(self, cross: bool) -> MeaningParams:
        """The thresholds for one pair of texts (same language or across)."""
        if not cross:
            return self
        return replace(
            self,
            seed_dice=self.cross_seed_dice,
            # A translated word spreads over many keys: its cosine says little.
            prefilter_cos=0.03,
            seed_cos=0.03,
            seed_containment=1.01,
            passage_dice=self.cross_passage_dice,
            single_seed_dice=self.cross_single_seed_dice,
            min_passage_distinctive=self.cross_min_passage_distinctive,
            # A translated passage is judged by its own stricter rules above, not by
            # the longer passages `screen` asks of one language.
            min_chars=min(self.min_chars, self.cross_min_chars),
        )

    max_pairs_shown: int = 16


@dataclass(frozen=True, slots=True)
class MeaningPassage:
    """A passage reused in meaning: spans into both original texts, score, reasons.

    `pairs` are (thesis word, source word) aligned by meaning (same word, synonym or
    translation); `terms` are the shared numbers, formulas and technical terms.
    """

    src_span: tuple[int, int]
    tgt_span: tuple[int, int]
    score: float
    pairs: tuple[tuple[str, str], ...]
    terms: tuple[str, ...]
    cross_language: bool


@dataclass(slots=True)
class MeaningSide:
    """One text's sentences and content words, with each word's keys and sentence."""

    norm: NormalizedText
    chinese: bool
    sents: list[tuple[int, int]]
    words: list[Word]
    word_sent: np.ndarray
    native: list[tuple[str, ...]]
    projected: list[tuple[str, ...]] | None = None

    def subset(self, keep: set[int]) -> MeaningSide:
        """The same text with only the sentences `keep` (spans stay in place)."""
        order = sorted(i for i in keep if 0 <= i < len(self.sents))
        # New sentence numbers (-1: dropped; the extra last slot is for number -1).
        renumber = np.full(len(self.sents) + 1, -1, dtype=np.int64)
        renumber[order] = np.arange(len(order), dtype=np.int64)
        kept = renumber[self.word_sent]
        chosen = np.flatnonzero(kept >= 0).tolist()
        return MeaningSide(
            self.norm,
            self.chinese,
            [self.sents[i] for i in order],
            [self.words[i] for i in chosen],
            kept[chosen],
            [self.native[i] for i in chosen],
            None if self.projected is None else [self.projected[i] for i in chosen],
        )


def prepare(
    norm: NormalizedText,
    params: MeaningParams | None = None,
    lexicon: Lexicon | None = None,
    *,
    near: str | None = None,
    latin: bool | None = None,
    tokens: list[tuple[str, int, int]] | None = None,
) -> MeaningSide:
    """Sentences and content words of a normalised text, computed once per text.

    With `near` (a passage of the other text), a long Chinese text keeps only the
    sentences sharing characters with it (and their neighbours): segmenting words is
    the costly step, and a sentence sharing no character bigram cannot say the same.
    `latin` says whether English text is compared with English (by default: unless
    `near` is Chinese). `tokens` are the text's jieba tokens when the index cached them
    (no cutting then).
    """
    params = params or MeaningParams()
    lexicon = lexicon or get_lexicon()
    text = norm.text
    chinese = is_chinese(text)
    # English read as English (latin.py) unless it is a source for a Chinese thesis.
    if latin is None:
        latin = near is None or not is_chinese(near)
    latin = latin and not chinese
    sents = (latin_sentences if latin else sentences)(
        text, max_chars=params.max_sentence_chars
    )
    if near is not None and chinese and len(text) > 2 * len(near):
        sents = _near_sentences(text, sents, near)
        if tokens is not None:
            tokens = tokens_within(tokens, sents)
    if tokens is not None:
        words = content_words(text, chinese, tokens, latin=latin)
    elif near is not None and chinese and len(text) > 2 * len(near):
        words = [
            Word(w.text, w.start + s, w.end + s, w.kind)
            for s, e in sents
            for w in content_words(text[s:e], chinese)
        ]
    else:
        words = content_words(text, chinese, latin=latin)
    starts = np.array([s for s, _ in sents], dtype=np.int64)
    pos = np.array([w.start for w in words], dtype=np.int64)
    word_sent = (
        np.searchsorted(starts, pos, side="right") - 1
        if len(starts)
        else np.zeros(0, dtype=np.int64)
    )
    native = [native_keys(w, lexicon) for w in words]
    projected = None if chinese else [projected_keys(w, lexicon) for w in words]
    return MeaningSide(norm, chinese, sents, words, word_sent, native, projected)


def _near_sentences(
    text: str, sents: list[tuple[int, int]], near: str, min_share: float = 0.08
) -> list[tuple[int, int]]:
    """Sentences sharing at least `min_share` of their CJK bigrams with `near`, and
    their neighbours."""
    grams = {near[i : i + 2] for i in range(len(near) - 1)}
    keep: set[int] = set()
    for i, (s, e) in enumerate(sents):
        own = {text[j : j + 2] for j in range(s, e - 1)}
        if own and len(own & grams) >= min_share * len(own):
            keep.update((i - 1, i, i + 1))
    return [sents[i] for i in sorted(keep) if 0 <= i < len(sents)]


def _keys(side: MeaningSide, cross: bool) -> list[tuple[str, ...]]:
    """The keys to compare with: an English side projected when languages differ."""
    if cross and not side.chinese and side.projected is not None:
        return side.projected
    return side.native


@dataclass(frozen=True, slots=True)
class _Overlap:
    """Weighted Dice of two word groups, the thesis side's covered share, the pairs."""

    dice: float
    containment: float
    pairs: list[tuple[int, int]]


def _match_words(
    q_idx: Sequence[int],
    s_idx: Sequence[int],
    q_keys: list[tuple[str, ...]],
    s_keys: list[tuple[str, ...]],
    qw: list[float],
    sw: list[float],
) -> _Overlap:
    """Weighted Dice of a one-to-one matching of words sharing a key, and the pairs."""
    by_key: dict[str, list[tuple[int, bool]]] = {}
    for j in s_idx:
        for k in s_keys[j]:
            loose = k.startswith("~")
            by_key.setdefault(k[1:] if loose else k, []).append((j, loose))
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    matched = 0.0
    matched_q = 0.0
    for i in sorted(q_idx, key=lambda i: -qw[i]):
        best, best_credit = -1, 0.0
        for k in q_keys[i]:
            q_loose = k.startswith("~")
            for j, s_loose in by_key.get(k[1:] if q_loose else k, ()):
                credit = LOOSE_CREDIT if (q_loose or s_loose) else 1.0
                if j not in used and (credit, sw[j]) > (best_credit, sw[best]):
                    best, best_credit = j, credit
        if best >= 0:
            used.add(best)
            pairs.append((i, best))
            matched += best_credit * (qw[i] + sw[best])
            matched_q += best_credit * qw[i]
    total_q = sum(qw[i] for i in q_idx)
    total = total_q + sum(sw[j] for j in s_idx)
    return _Overlap(
        matched / total if total else 0.0,
        matched_q / total_q if total_q else 0.0,
        pairs,
    )


def _groups(side: MeaningSide) -> list[list[int]]:
    """Word indices of each sentence."""
    out: list[list[int]] = [[] for _ in side.sents]
    for i, s in enumerate(side.word_sent.tolist()):
        if 0 <= s < len(out):
            out[s].append(i)
    return out


def align_meaning(
    src: MeaningSide,
    tgt: MeaningSide,
    params: MeaningParams | None = None,
    *,
    skip: Sequence[tuple[int, int]] = (),
) -> list[MeaningPassage]:
    """Passages of `tgt` (the thesis) that say what passages of `src` say.

    `skip` are spans of the thesis's original text already reported (copied text);
    sentences lying mostly inside them are not aligned again.
    """
    params = params or MeaningParams()
    cross = src.chinese != tgt.chinese
    params = params.for_languages(cross)
    q_keys, s_keys = _keys(tgt, cross), _keys(src, cross)
    if not q_keys or not s_keys:
        return []
    ids = key_ids(q_keys, s_keys)
    n_sents = len(tgt.sents) + len(src.sents)
    weights = word_weights(
        ids, tgt.words, tgt.word_sent, src.words, src.word_sent, n_sents
    )
    qw, sw = weights.q, weights.s
    cols = columns(ids, weights.isf)
    qm = sentence_matrix(ids, ids.q, tgt.word_sent, len(tgt.sents), cols)
    sm = sentence_matrix(ids, ids.s, src.word_sent, len(src.sents), cols)
    cos = (qm @ sm.T).tocoo()
    q_groups, s_groups = _groups(tgt), _groups(src)
    covered = covered_sentences(tgt, skip)
    # English against English: where the thesis keeps the source's word pairings
    # (a heavy rewrite), sentences are aligned with the looser thresholds of latin.py.
    gist = set() if cross or tgt.chinese else latin_gist(q_groups, tgt, src)
    loose = replace(params, **LATIN_GIST_PARAMS)
    seeds: list[tuple[int, int, float, list[tuple[int, int]]]] = []
    best: dict[int, tuple[float, int, list[tuple[int, int]]]] = {}
    for qi, si, c in zip(
        cos.row.tolist(), cos.col.tolist(), cos.data.tolist(), strict=True
    ):
        p = loose if qi in gist else params
        if c < p.prefilter_cos or qi in covered:
            continue
        ov = _match_words(q_groups[qi], s_groups[si], q_keys, s_keys, qw, sw)
        dice, pairs = ov.dice, ov.pairs
        if (
            (dice >= p.seed_dice or ov.containment >= p.seed_containment)
            and c >= p.seed_cos
            and len(pairs) >= p.min_shared
            and sum(weights.distinctive[i] for i, _ in pairs) >= p.min_distinctive
            and dice > best.get(qi, (0.0, -1, []))[0]
        ):
            best[qi] = (dice, si, pairs)
    for qi, (dice, si, pairs) in sorted(best.items()):
        seeds.append((qi, si, dice, pairs))
    out: list[MeaningPassage] = []
    for cluster in _clusters(seeds, loose.gap if gist else params.gap):
        p = loose if all(seed[0] in gist for seed in cluster) else params
        passage = _passage(cluster, src, tgt, (q_keys, s_keys), weights, p, cross)
        if p is loose and not latin_gist_holds(cluster, tgt, src):
            passage = None
        if passage is not None:
            out.append(passage)
    return out


def covered_sentences(side: MeaningSide, skip: Sequence[tuple[int, int]]) -> set[int]:
    """Sentences more than half inside already reported spans (original offsets)."""
    if not skip:
        return set()
    to_orig = side.norm.to_original
    spans = sorted(skip)
    out: set[int] = set()
    for i, (s0, e0) in enumerate(side.sents):
        s, e = int(to_orig[s0]), int(to_orig[e0 - 1]) + 1
        inside = sum(max(0, min(e, b) - max(s, a)) for a, b in spans if a < e and b > s)
        if 2 * inside > e - s:
            out.add(i)
    return out


def _clusters(
    seeds: list[tuple[int, int, float, list[tuple[int, int]]]], gap: int
) -> list[list[tuple[int, int, float, list[tuple[int, int]]]]]:
    """Seeds close in both texts (within `gap` sentences) form one passage."""
    out: list[list[tuple[int, int, float, list[tuple[int, int]]]]] = []
    for seed in seeds:
        if out:
            last = out[-1]
            s_lo = min(x[1] for x in last)
            s_hi = max(x[1] for x in last)
            if (
                seed[0] - last[-1][0] <= gap + 1
                and s_lo - gap - 1 <= seed[1] <= s_hi + gap + 1
            ):
                last.append(seed)
                continue
        out.append([seed])
    return out


def _terms_differ(
    tgt: MeaningSide, q_words: list[int], src: MeaningSide, s_words: list[int]
) -> bool:
    """Both passages name terms, or figures, and share none of them: a rewrite keeps
    its facts, so this is another study of the same kind (Rankine vs Michell)."""
    q_terms = {tgt.words[i].text for i in q_words if tgt.words[i].kind == "term"}
    s_terms = {src.words[j].text for j in s_words if src.words[j].kind == "term"}
    if q_terms and s_terms and not q_terms & s_terms:
        return True
    # Figures above all: two passages reporting their own rates and years differ.
    q_nums = {t for t in q_terms if _FIGURE.fullmatch(t)}
    s_nums = {t for t in s_terms if _FIGURE.fullmatch(t)}
    return bool(q_nums) and bool(s_nums) and not q_nums & s_nums


_FIGURE = re.compile(r"[0-9][0-9.,%\-]*")


def _passage(
    cluster: list[tuple[int, int, float, list[tuple[int, int]]]],
    src: MeaningSide,
    tgt: MeaningSide,
    keys: tuple[list[tuple[str, ...]], list[tuple[str, ...]]],
    weights: Weights,
    params: MeaningParams,
    cross: bool,
) -> MeaningPassage | None:
    """Validate a cluster as a whole and describe it; None when it does not hold."""
    q_keys, s_keys = keys
    qw, sw, distinctive = weights.q, weights.s, weights.distinctive
    q_lo, q_hi = cluster[0][0], cluster[-1][0]
    s_lo = min(x[1] for x in cluster)
    s_hi = max(x[1] for x in cluster)
    q_words = [i for i, s in enumerate(tgt.word_sent.tolist()) if q_lo <= s <= q_hi]
    s_words = [j for j, s in enumerate(src.word_sent.tolist()) if s_lo <= s <= s_hi]
    ov = _match_words(q_words, s_words, q_keys, s_keys, qw, sw)
    dice = ov.dice
    # Across languages figures and terms are written differently (万, GDP): not there.
    if dice < params.passage_dice or (
        not cross and _terms_differ(tgt, q_words, src, s_words)
    ):
        return None
    if len(cluster) == 1 and cluster[0][2] < params.single_seed_dice:
        return None
    if sum(distinctive[i] for seed in cluster for i, _ in seed[3]) < (
        params.min_passage_distinctive
    ):
        return None
    # Terms alone (element symbols, units, codes of a field) do not make a rewrite:
    # it also says the same things in words.
    said = {
        tgt.words[i].text
        for seed in cluster
        for i, j in seed[3]
        if tgt.words[i].kind != "term" and src.words[j].kind != "term"
    }
    if len(said) < params.min_word_pairs:
        return None
    t0, t1 = tgt.sents[q_lo][0], tgt.sents[q_hi][1]
    s0, s1 = src.sents[s_lo][0], src.sents[s_hi][1]
    if t1 - t0 < params.min_chars:
        return None
    shown: list[tuple[str, str]] = []
    terms: list[str] = []
    # The reasons shown are the sentence pairs' own word alignments.
    seed_pairs = [pair for seed in cluster for pair in seed[3]]
    for i, j in sorted(seed_pairs, key=lambda p: -qw[p[0]]):
        qt, st = tgt.words[i].text, src.words[j].text
        if tgt.words[i].kind == "term" or src.words[j].kind == "term":
            if qt not in terms:
                terms.append(qt)
        elif (qt, st) not in shown and len(shown) < params.max_pairs_shown:
            shown.append((qt, st))
    if not shown:
        return None  # nothing to show an investigator: not reported
    tmap, smap = tgt.norm.to_original, src.norm.to_original
    return MeaningPassage(
        src_span=(int(smap[s0]), int(smap[s1 - 1]) + 1),
        tgt_span=(int(tmap[t0]), int(tmap[t1 - 1]) + 1),
        score=round(float(dice), 4),
        pairs=tuple(shown),
        terms=tuple(terms[:12]),
        cross_language=cross,
    )
