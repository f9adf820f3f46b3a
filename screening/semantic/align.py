"""Sentence-by-sentence alignment by meaning, after Sanchez-Perez et al. (PAN 2014).

Each sentence becomes a bag of weighted meaning keys (content words folded to synonym
classes, English projected onto Chinese translations across languages, TF-ISF
weighted, terms counted twice). Sentence pairs alike by both cosine and a weighted
Dice of one-to-one matched words are seeds; seeds close in both texts are merged into
passages, and a passage is kept only when its words, matched as a whole, still agree
(`passages.py`). Every passage carries its reasons: the aligned word pairs and the
shared terms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from screening.boundaries import tokens_within
from screening.normalize import NormalizedText
from screening.semantic.cosine import cosines
from screening.semantic.latin import (
    LATIN_GIST_PARAMS,
    latin_gist,
    latin_sentences,
)
from screening.semantic.lexicon import Lexicon, get_lexicon
from screening.semantic.passages import Alignment, MeaningPassage
from screening.semantic.weights import (
    columns,
    key_ids,
    sentence_rows,
    word_weights,
)
from screening.semantic.words import (
    Word,
    content_words,
    is_chinese,
    native_keys,
    projected_keys,
    token_words,
)
from screening.tokenize import get_tokenizer, sentences

__all__ = [
    "CachedTokens",
    "MeaningPassage",
    "MeaningParams",
    "MeaningSide",
    "align_meaning",
    "covered_sentences",
    "prepare",
]


_T = TypeVar("_T")

# A text's jieba tokens cut at index time, inside the given spans (None: all), or None.
CachedTokens = Callable[
    [Sequence[tuple[int, int]] | None], list[tuple[str, int, int]] | None
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
    gap: int = 4
    min_chars: int = 50
    passage_dice: float = 0.45
    single_seed_dice: float = 0.65
    # ...unless it pairs this many distinctive words (a long sentence pair: the PAN
    # 2014 winner keeps any seed); then it needs only `passage_dice`.
    long_seed_pairs: int = 20
    min_passage_distinctive: int = 6
    min_word_pairs: int = 3
    max_sentence_chars: int = 200
    # A passage grows by a next sentence (either text) whose words are mostly found in
    # the other text's passage: a sentence merged, split or framed around the seeds.
    extend_containment: float = 0.4
    extend_pairs: int = 3
    # A passage also grows by the sentence pair at its corner (next sentence of both
    # texts) alike by the PAN 2014 winner's Dice bar (0.33); above 1: never.
    corner_dice: float = 0.33
    # Each sentence of a merged (or split) pair must be this much said by the other
    # (0.3 let a clean thesis of the tuning set match a same-field abstract in `screen`).
    window_containment: float = 0.5
    # Across languages a dictionary finds fewer pairs (a word translates many ways,
    # English carries more words): lower shares, but more seeds and more evidence.
    cross_seed_dice: float = 0.22
    cross_passage_dice: float = 0.22
    cross_single_seed_dice: float = 0.45
    cross_min_passage_distinctive: int = 7
    cross_min_chars: int = 50
    cross_long_seed_pairs: int = 12

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
            # Across languages a dictionary's Dice is lower anyway: not grown so.
            corner_dice=1.01,
            long_seed_pairs=self.cross_long_seed_pairs,
            # A translated passage is judged by its own stricter rules above, not by
            # the longer passages `screen` asks of one language.
            min_chars=min(self.min_chars, self.cross_min_chars),
        )

    max_pairs_shown: int = 16


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
        chosen = np.flatnonzero(kept >= 0)
        runs = _runs(chosen)
        return MeaningSide(
            self.norm,
            self.chinese,
            [self.sents[i] for i in order],
            _runs_of(self.words, runs),
            kept[chosen],
            _runs_of(self.native, runs),
            None if self.projected is None else _runs_of(self.projected, runs),
        )


def _runs(chosen: np.ndarray) -> list[tuple[int, int]]:
    """The [start, end) runs of consecutive numbers in `chosen` (ascending): kept
    words come whole sentences at a time, and are copied slice by slice."""
    if not len(chosen):
        return []
    cut = np.flatnonzero(np.diff(chosen) != 1) + 1
    lo = chosen[np.concatenate([[0], cut])]
    hi = chosen[np.append(cut - 1, len(chosen) - 1)] + 1
    return list(zip(lo.tolist(), hi.tolist(), strict=True))


def _runs_of(items: list[_T], runs: list[tuple[int, int]]) -> list[_T]:
    """The items of the given [start, end) runs, in order."""
    out: list[_T] = []
    for lo, hi in runs:
        out += items[lo:hi]
    return out


def prepare(
    norm: NormalizedText,
    params: MeaningParams | None = None,
    lexicon: Lexicon | None = None,
    *,
    near: str | None = None,
    latin: bool | None = None,
    tokens: list[tuple[str, int, int]] | None = None,
    cached: CachedTokens | None = None,
) -> MeaningSide:
    """Sentences and content words of a normalised text, computed once per text.

    With `near` (a passage of the other text), a long Chinese text keeps only the
    sentences sharing characters with it (and their neighbours): segmenting words is
    the costly step, and a sentence sharing no character bigram cannot say the same.
    `latin` says whether English text is compared with English (by default: unless
    `near` is Chinese). `tokens` are the text's jieba tokens when the index cached them
    (no cutting then); `cached` gives them for the sentences kept (None: all of them),
    so that no token of a sentence left out is built.
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
    within: list[tuple[int, int]] | None = None
    if near is not None and chinese and len(text) > 2 * len(near):
        sents = within = _near_sentences(text, sents, near)
        if tokens is not None:
            tokens = tokens_within(tokens, sents)
    if tokens is None and cached is not None:
        tokens = cached(within)
    if tokens is None and within is None and chinese:
        tokens = get_tokenizer().words(text)  # as `content_words` would cut it
    native: list[tuple[str, ...]] | None = None
    if tokens is not None and chinese:
        words, native = token_words(tokens, lexicon)
    elif tokens is not None:
        words = content_words(text, chinese, tokens, latin=latin)
    elif within is not None:
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
    if native is None:
        native = [native_keys(w, lexicon) for w in words]
    projected = None if chinese else _projected(words, lexicon)
    return MeaningSide(norm, chinese, sents, words, word_sent, native, projected)


# English words' projected keys, per lexicon: an English candidate source of a Chinese
# thesis repeats the words of the last ones, and projecting each (its forms, their
# translations and classes) was most of preparing it.
_PROJECTED_LIMIT = 200_000
_projected_memo: tuple[Lexicon | None, dict[tuple[str, str], tuple[str, ...]]] = (
    None,
    {},
)


def _projected(words: list[Word], lexicon: Lexicon) -> list[tuple[str, ...]]:
    """`projected_keys` of each word, remembered by its text and kind."""
    global _projected_memo
    owner, memo = _projected_memo
    if owner is not lexicon or len(memo) > _PROJECTED_LIMIT:
        memo = {}
        _projected_memo = (lexicon, memo)
    out: list[tuple[str, ...]] = []
    for w in words:
        keys = memo.get((w.text, w.kind))
        if keys is None:
            keys = memo[w.text, w.kind] = projected_keys(w, lexicon)
        out.append(keys)
    return out


def _near_sentences(
    text: str,
    sents: list[tuple[int, int]],
    near: str,
    min_share: float = 0.15,
    neighbour_share: float = 0.25,
) -> list[tuple[int, int]]:
    """Sentences sharing at least `min_share` of their distinct character bigrams with
    `near`, and the neighbours of those sharing `neighbour_share` (bigrams as numbers,
    every sentence at once: each candidate source of a thesis is read so).

    A long source of the thesis's field shares a few common bigrams with most of its
    sentences: at 8%, with every kept sentence's neighbours, the filter kept 64% of
    thesis-length sources' characters (scale benchmark) and reading them was half the
    meaning layer's time. At 15%, with the neighbours of firmer hits only, a 降重
    rewrite's source sentences still pass (`benchmarks.semantic --long-sources`)."""
    if not sents:
        return []
    grams = np.unique(_bigrams(near))
    codes = _bigrams(text)
    lo = np.array([s for s, _ in sents], dtype=np.int64)
    hi = np.array([e for _, e in sents], dtype=np.int64) - 1  # last bigram start + 1
    count = np.maximum(hi - lo, 0)
    total = int(count.sum())
    pos = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(total)
    sent = np.repeat(np.arange(len(sents), dtype=np.int64), count)
    # Each sentence's distinct bigrams: (sentence, bigram) pairs sorted and made
    # unique, and looked up in the passage's sorted bigrams (np.unique and np.isin
    # took three times as long on a thesis-length source).
    pairs = np.sort(sent << np.int64(42) | codes[pos])
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    own_sent = pairs >> np.int64(42)
    own = np.bincount(own_sent, minlength=len(sents))
    gram = pairs & np.int64((1 << 42) - 1)
    hit = np.zeros(len(gram), dtype=bool)
    if len(grams):
        # Each bigram is compared with the passage's one bigram of its bucket (a
        # binary search of every bigram of a thesis-length source was half of this
        # filter); only the buckets the passage fills twice are searched.
        bucket = _bucket(grams)
        slot = np.full(1 << _BUCKET_BITS, -1, dtype=np.int64)
        slot[bucket] = np.arange(len(grams), dtype=np.int64)
        crowded = np.bincount(bucket, minlength=1 << _BUCKET_BITS) > 1
        own_bucket = _bucket(gram)
        cand = slot[own_bucket]
        hit = (cand >= 0) & (grams[cand] == gram)
        search = np.flatnonzero(crowded[own_bucket])
        if len(search):
            sub = gram[search]
            at = np.minimum(np.searchsorted(grams, sub), len(grams) - 1)
            hit[search] = grams[at] == sub
    shared = np.bincount(own_sent[hit], minlength=len(sents))
    ok = (own > 0) & (shared >= min_share * own)
    firm = np.flatnonzero(ok & (shared >= neighbour_share * own))
    keep = np.zeros(len(sents) + 2, dtype=bool)  # shifted by one: room either side
    keep[np.flatnonzero(ok) + 1] = True
    keep[firm] = keep[firm + 2] = True  # a firm hit's neighbours
    return [sents[i] for i in np.flatnonzero(keep[1:-1]).tolist()]


_BUCKET_BITS = 16


def _bucket(grams: np.ndarray) -> np.ndarray:
    """A bigram's bucket: both characters' code points mixed, low bits kept."""
    return ((grams >> np.int64(21)) * np.int64(40503) + grams) & np.int64(
        (1 << _BUCKET_BITS) - 1
    )


def _bigrams(text: str) -> np.ndarray:
    """The text's character bigrams as numbers (two 21-bit code points), by start."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    return points[:-1] << np.int64(21) | points[1:]


def _keys(side: MeaningSide, cross: bool) -> list[tuple[str, ...]]:
    """The keys to compare with: an English side projected when languages differ."""
    if cross and not side.chinese and side.projected is not None:
        return side.projected
    return side.native


def _groups(side: MeaningSide) -> list[list[int]]:
    """Word indices of each sentence."""
    n = len(side.sents)
    ws = np.asarray(side.word_sent, dtype=np.int64)
    valid = np.flatnonzero((ws >= 0) & (ws < n))
    order = valid[np.argsort(ws[valid], kind="stable")]
    bounds = np.searchsorted(ws[order], np.arange(n + 1, dtype=np.int64)).tolist()
    words = order.tolist()
    return [words[bounds[k] : bounds[k + 1]] for k in range(n)]


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
    cols = columns(ids, weights.isf_key)
    qm, sm = sentence_rows(
        ids,
        [
            (ids.q, tgt.word_sent, len(tgt.sents)),
            (ids.s, src.word_sent, len(src.sents)),
        ],
        cols,
    )
    cos = cosines(qm, sm, cols.width)
    # Every seed starts from a sentence pair at the prefilter's cosine (English
    # against English: maybe the gist's looser one): without one, nothing aligns.
    loose = replace(params, **LATIN_GIST_PARAMS)
    bar = params.prefilter_cos
    if not cross and not tgt.chinese:
        bar = min(bar, loose.prefilter_cos)
    if not len(cos.data) or float(cos.data.max()) < bar:
        return []
    q_groups, s_groups = _groups(tgt), _groups(src)
    covered = covered_sentences(tgt, skip)
    # English against English: where the thesis keeps the source's word pairings
    # (a heavy rewrite), sentences are aligned with the looser thresholds of latin.py.
    gist = set() if cross or tgt.chinese else latin_gist(q_groups, tgt, src)
    run = Alignment(
        src,
        tgt,
        (q_keys, s_keys),
        (q_groups, s_groups),
        weights,
        cross,
        gist,
        loose,
        params,
        set(covered),
    )
    seeds = run.seeds(cos)
    run.taken.update(seed[0] for seed in seeds)
    return run.passages(seeds, loose.gap if gist else params.gap)


def covered_sentences(side: MeaningSide, skip: Sequence[tuple[int, int]]) -> set[int]:
    """Sentences more than half inside already reported spans (original offsets)."""
    if not skip or not side.sents:
        return set()
    to_orig = side.norm.to_original
    starts = np.array([s for s, _ in side.sents], dtype=np.int64)
    ends = np.array([e for _, e in side.sents], dtype=np.int64)
    s = np.asarray(to_orig[starts], dtype=np.int64)
    e = np.asarray(to_orig[ends - 1], dtype=np.int64) + 1
    spans = np.array(skip, dtype=np.int64).reshape(-1, 2)
    spans = spans[spans[:, 0] < spans[:, 1]]  # an empty span covers nothing
    # The reported characters before x, spans counted as often as given (a span
    # [a, b) holds max(0, x - a) - max(0, x - b) of them): a sentence's share inside
    # is a difference of two, every sentence at once (integers: the same counts).
    a, b = np.sort(spans[:, 0]), np.sort(spans[:, 1])
    sum_a = np.concatenate([[0], np.cumsum(a)])
    sum_b = np.concatenate([[0], np.cumsum(b)])

    def before(x: np.ndarray) -> np.ndarray:
        """Reported characters before each offset in `x`."""
        ka = np.searchsorted(a, x, side="right")
        kb = np.searchsorted(b, x, side="right")
        return (ka * x - sum_a[ka]) - (kb * x - sum_b[kb])

    inside = before(e) - before(s)
    return set(np.flatnonzero(2 * inside > e - s).tolist())
