"""The meaning layer's pass over a thesis: retrieve sources by content words, align
them sentence by sentence, and return explained matches of their own kinds.

Runs after the character layer; text it already reported is not aligned again, so a
rewritten or translated match never doubles a copied one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from screening.index import CorpusIndex
from screening.normalize import NormalizedText, normalize
from screening.postings import Postings, QueryWords, df_cap_for
from screening.report.labels import KIND_REWRITE, KIND_TRANSLATED
from screening.report.model import Match
from screening.semantic.align import (
    CachedTokens,
    MeaningParams,
    MeaningSide,
    align_meaning,
    covered_sentences,
    prepare,
)
from screening.semantic.formkeys import FormTable, form_table
from screening.semantic.latin import LATIN_WINDOW_CHARS
from screening.semantic.lexicon import Lexicon, get_lexicon
from screening.semantic.rarity import RarityRules
from screening.semantic.retrieval import window_candidates
from screening.semantic.weights import by_first_appearance
from screening.semantic.words import Word, english_keys, key_hash, projected_keys

__all__ = ["MeaningFinder", "WindowWords", "query_words", "window_words"]

_WINDOW_CHARS = 240
# Shortest meaning passage `screen` reports; one shorter than `RarityRules.short_chars`
# must also pair several words that are rare in the corpus.
SCREEN_MIN_CHARS = 60


def _windows(
    sents: list[tuple[int, int]], width: int = _WINDOW_CHARS
) -> list[tuple[int, int]]:
    """Runs of sentences about `width` characters long, each overlapping the next by
    half (English text is given `LATIN_WINDOW_CHARS`: as many words take more letters)."""
    n = len(sents)
    starts = np.fromiter(map(itemgetter(0), sents), dtype=np.int64, count=n)
    ends = np.fromiter(map(itemgetter(1), sents), dtype=np.int64, count=n)
    if np.any(ends[1:] < ends[:-1]):
        return _windows_walked(sents, width)
    # Where each window starting at sentence i ends: the first sentence from i on
    # ending `width` past its start (sentences end in order: one binary search each).
    reach = np.maximum(
        np.searchsorted(ends, starts + width, side="left"), np.arange(n)
    ).tolist()
    out: list[tuple[int, int]] = []
    i = 0
    while i < n:
        j = max(reach[i], i + 1)
        out.append((i, j))
        if j >= n:
            break
        i = max(i + 1, (i + j) // 2)
    return out


def _windows_walked(sents: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """`_windows` sentence by sentence, for sentences that do not end in order."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(sents):
        j = i
        while j < len(sents) and sents[j][1] - sents[i][0] < width:
            j += 1
        j = max(j, i + 1)
        out.append((i, j))
        if j >= len(sents):
            break
        i = max(i + 1, (i + j) // 2)
    return out


@dataclass(frozen=True, slots=True)
class WindowWords:
    """Where a thesis's content words fall in its retrieval windows, worked out once
    for both retrievals (own language and translated)."""

    occ_word: np.ndarray  # int64: word index of each (window, word) occurrence
    occ_window: np.ndarray  # int64: its window, windows in order
    used: np.ndarray  # int64: the distinct word indices occurring, sorted
    form: np.ndarray  # int64 per `used` word: its form (text, kind) number
    first: list[int]  # per form, its first word index
    windows: list[tuple[int, int]]  # the windows' (first, end) sentences
    occ_used: np.ndarray  # int64 per occurrence: its word's place in `used`
    weight: np.ndarray  # float64 per form: its first word's evidence weight
    table: FormTable  # where the forms' hashed keys are remembered
    numbers: np.ndarray  # int64 per form: its number in `table`


def window_words(side: MeaningSide) -> WindowWords:
    """Each window's words (its sentences' words in order) and the words' forms."""
    n = len(side.sents)
    ws = np.asarray(side.word_sent, dtype=np.int64)
    valid = np.flatnonzero((ws >= 0) & (ws < n))
    order = valid[np.argsort(ws[valid], kind="stable")]
    # Where each sentence's words start in `order` (the last entry: the end).
    bounds = np.searchsorted(ws[order], np.arange(n + 1, dtype=np.int64))
    width = _WINDOW_CHARS if side.chinese else LATIN_WINDOW_CHARS
    wins = _windows(side.sents, width)
    lo = bounds[np.array([a for a, _ in wins], dtype=np.int64)]
    hi = bounds[np.array([b for _, b in wins], dtype=np.int64)]
    count = hi - lo
    total = int(count.sum())
    pos = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(total)
    occ_word = order[pos]
    # The distinct words by marking, not sorting: `used` sorted, and each occurrence's
    # place in it, for the query entries of both retrievals.
    seen = np.zeros(len(side.words) + 1, dtype=bool)
    seen[occ_word] = True
    used = np.flatnonzero(seen)
    slot = np.cumsum(seen) - 1
    # A word's keys follow from its text and kind, and a text and kind has one
    # remembered tuple of keys (`words.native_keys`): forms are numbered by that
    # tuple's identity, in order of first appearance.
    native = side.native
    ident = np.fromiter(map(id, native), dtype=np.int64, count=len(native))[used]
    _, _, firsts, form = by_first_appearance(ident)
    first = used[firsts].tolist()
    table = form_table(get_lexicon())
    numbers, weight = table.numbers(ident[firsts], side.words, native, first)
    return WindowWords(
        occ_word,
        np.repeat(np.arange(len(wins), dtype=np.int64), count),
        used,
        form,
        first,
        wins,
        slot[occ_word],
        weight,
        table,
        numbers,
    )


def query_words(
    side: MeaningSide,
    keys_of: Callable[[int], Sequence[str]],
    where: WindowWords | None = None,
    *,
    memo: str | None = None,
) -> QueryWords:
    """Query entries of a thesis: for each window, each content word and its keys
    (`memo` names what `keys_of` gives, to remember each form's hashed keys by)."""
    if where is None:
        where = window_words(side)
    used = where.used
    # Each word's keys are looked up and hashed once per form, though windows overlap.
    if memo is None:
        own = [key_hash(list(keys_of(i))) for i in where.first]
        hashes = np.concatenate([np.zeros(0, dtype=np.uint32), *own])
        d_keys = np.array([len(k) for k in own], dtype=np.int64)
    else:
        word_of = where.first
        hashes, d_keys = where.table.hashes(
            memo, where.numbers, lambda n: key_hash(list(keys_of(word_of[n])))
        )
    if not len(d_keys):
        d_keys = np.zeros(1, dtype=np.int64)
    pick = where.form if len(used) else np.zeros(1, dtype=np.int64)
    n_keys = d_keys[pick]
    first = (np.cumsum(d_keys) - d_keys)[pick]
    occ = where.occ_used
    window = where.occ_window
    keep = n_keys[occ] > 0 if len(used) else np.zeros(0, dtype=bool)
    occ, window = occ[keep], window[keep]
    count = n_keys[occ]
    pos = np.repeat(first[occ] - np.cumsum(count) + count, count)
    return QueryWords(
        np.repeat(window, count),
        np.repeat(np.arange(len(occ), dtype=np.int64), count),
        hashes[pos + np.arange(int(count.sum()))],
        where.weight[pick[occ]] if len(used) else np.zeros(0, dtype=np.float64),
        pick[occ] if len(used) else np.zeros(0, dtype=np.int64),
    )


def _native_firm(side: MeaningSide) -> Callable[[int], Sequence[str]]:
    """Keys a document of the thesis's own language holds for word i."""
    return lambda i: [k for k in side.native[i] if not k.startswith("~")]


def _translated(lexicon: Lexicon, side: MeaningSide) -> Callable[[int], Sequence[str]]:
    """Keys a document of the other language holds for word i's translations."""
    if side.chinese:
        return lambda i: english_keys(side.words[i], lexicon)

    def keys_of(i: int) -> Sequence[str]:
        return [
            k[1:]
            for k in projected_keys(side.words[i], lexicon)
            if k.startswith(("~w:", "~c:"))
        ]

    return keys_of


class MeaningFinder:
    """Finds rewritten (疑似改写) and translated (跨语言) passages of a thesis."""

    def __init__(
        self,
        params: MeaningParams | None = None,
        *,
        top_k: int = 40,
        min_share: float = 0.3,
        english_to_chinese_share: float = 0.2,
        per_window: int = 3,
        rarity: RarityRules | None = None,
        context: int = 1,
    ) -> None:
        # Against a whole corpus a thesis meets many studies of its own field; a
        # passage of one stock methods sentence (TLC and HPLC, XRD and SEM) is not
        # evidence of reuse there, so `screen` wants longer passages than `pan`.
        # The aligner counts a seed's distinctive words by how few sentences of the
        # two texts hold them; `screen` aligns only a few thesis sentences around each
        # retrieval window, where the topic words a rewrite repeats look common. One
        # such word is asked of a seed here, and a thesis sentence split out of a
        # longer source sentence seeds when it holds 45% of its words there (a
        # rewrite splits sentences): the corpus-rarity rules then judge the whole
        # passage's words against the corpus.
        # Passages are not grown by corner pairs here, nor is a long lone seed held
        # to a passage's bar (`pan`, pairs given, does both): the rarity rules that
        # judge `screen`'s passages against the corpus were tuned without them.
        self.params = params or MeaningParams(
            min_chars=SCREEN_MIN_CHARS,
            min_distinctive=1,
            seed_containment=0.45,
            corner_dice=1.01,
            long_seed_pairs=10**6,
        )
        self.top_k = top_k
        self.min_share = min_share
        self.english_to_chinese_share = english_to_chinese_share
        # The last thesis prepared: screening against the corpus and then the batch's
        # peers looks at the same thesis twice, and cutting it is the costly step.
        self._last: tuple[NormalizedText, MeaningSide] | None = None
        # Retrieval window by window: each window's `per_window` best documents
        # (0: the `top_k` best documents of the whole thesis).
        self.per_window = per_window
        # Against the whole corpus: stock text of a field is not reported.
        self.rarity = rarity or RarityRules()
        self.context = context

    def candidates(
        self, side: MeaningSide, index: CorpusIndex, exclude: Collection[str] = ()
    ) -> list[tuple[str, set[int]]]:
        """Source ids holding most content words of some window, either language,
        each with the thesis sentences of those windows."""
        lexicon = get_lexicon()
        found: dict[str, float] = {}
        where: dict[str, set[int]] = {}
        occurs = window_words(side)
        windows = occurs.windows
        # The postings and live documents, once for both retrievals.
        postings = index.word_postings(exclude) if self.per_window else None
        translated = "to-en" if side.chinese else "to-zh"
        # An English thesis's words reach Chinese documents through translations
        # that miss what Chinese packs into compounds and single characters (氮, 磷):
        # its windows find their sources at a lower share.
        to_chinese = self.min_share if side.chinese else self.english_to_chinese_share
        for keys_of, memo, min_share in (
            (_native_firm(side), "firm", self.min_share),
            (_translated(lexicon, side), translated, to_chinese),
        ):
            query = query_words(side, keys_of, occurs, memo=memo)
            for doc_id, share, wins in self._retrieve(
                query, index, exclude, postings, min_share
            ):
                found[doc_id] = max(found.get(doc_id, 0.0), share)
                sents = where.setdefault(doc_id, set())
                for w in wins:
                    sents.update(range(*windows[w]))
        ranked = sorted(found.items(), key=lambda x: (-x[1], x[0]))
        return [(d, where[d]) for d, _ in ranked[: self.top_k]]

    def _retrieve(
        self,
        query: QueryWords,
        index: CorpusIndex,
        exclude: Collection[str],
        postings: tuple[list[Postings], np.ndarray, list[str | None]] | None = None,
        min_share: float | None = None,
    ) -> list[tuple[str, float, Sequence[int]]]:
        """(source id, share, windows) of the documents the word postings point at
        (`postings`: `index.word_postings(exclude)`, when already at hand) holding at
        least `min_share` (by default the finder's) of a window's words."""
        if min_share is None:
            min_share = self.min_share
        if not self.per_window:
            return index.query_meaning(
                query, top_k=self.top_k, min_share=min_share, exclude=exclude
            )
        parts, alive, ids = postings or index.word_postings(exclude)
        near = window_candidates(
            parts,
            query,
            alive=alive,
            df_cap=df_cap_for(int(alive.sum())),
            min_share=min_share,
            per_window=self.per_window,
        )
        return [(ids[d] or "", best, wins) for d, (best, wins) in near.items()]

    def find(
        self,
        norm: NormalizedText,
        index: CorpusIndex,
        fetch: Callable[[str], str],
        *,
        excluded: Collection[str] = (),
        exclude: Collection[str] = (),
        reported: Sequence[Match] = (),
        sources: Mapping[str, NormalizedText] | None = None,
    ) -> list[Match]:
        """Explained meaning matches of the thesis, outside what `reported` covers;
        `excluded` sources are marked, `exclude` ones not looked at; `sources` are
        texts `fetch` gave, already normalised (the character layer's)."""
        if len(index) == 0:
            # Nothing to compare with: skip segmenting the thesis and loading the
            # dictionaries (most of a small screen run's fixed cost).
            return []
        last = self._last
        if last is not None and last[0] is norm:
            side = last[1]
        else:
            side = prepare(norm, self.params)
            self._last = (norm, side)
        if not side.words:
            return []
        cands = self.candidates(side, index, exclude)
        if not cands:
            return []
        read = sources or {}
        missing = [d for d, _ in cands if d not in read]
        prefetch = getattr(fetch, "prefetch", None)
        if prefetch is not None and missing:
            prefetch(missing)
        skip = [(m.offset, m.end) for m in reported]
        covered = covered_sentences(side, skip)
        out: list[Match] = []
        words: dict[int, tuple[list[Word], list[Word], list[Word]]] = {}
        # Candidates found by the same windows share a region: cut out once.
        regions: dict[frozenset[int], tuple[MeaningSide, str]] = {}
        for doc_id, sents in cands:
            # Only the thesis sentences the retrieval pointed at are aligned (with a
            # sentence either side), and not those the character layer reported.
            core = sents - covered
            if len(core) < 2:
                continue
            wide = frozenset(
                {j for i in core for j in range(i - self.context, i + self.context + 1)}
                - covered
            )
            if wide not in regions:
                cut = side.subset(set(wide))
                regions[wide] = cut, "".join(norm.text[s:e] for s, e in cut.sents)
            region, near = regions[wide]
            src = self._source(doc_id, near, index, fetch, read)
            for p in align_meaning(src, region, self.params, skip=skip):
                match = Match(
                    source=doc_id,
                    offset=p.tgt_span[0],
                    length=p.tgt_span[1] - p.tgt_span[0],
                    source_offset=p.src_span[0],
                    source_length=p.src_span[1] - p.src_span[0],
                    score=p.score,
                    excluded="excluded_source" if doc_id in excluded else None,
                    kind=KIND_TRANSLATED if p.cross_language else KIND_REWRITE,
                    pairs=p.pairs,
                    terms=p.terms,
                )
                out.append(match)
                if not p.cross_language:
                    words[id(match)] = _own_and_shared(
                        region, p.tgt_span, src, p.src_span
                    )
        out = self.rarity.keep(
            out, index, exclude=exclude, chinese=side.chinese, words=words
        )
        return _best_per_span(out)

    def _source(
        self,
        doc_id: str,
        near: str,
        index: CorpusIndex,
        fetch: Callable[[str], str],
        read: Mapping[str, NormalizedText],
    ) -> MeaningSide:
        """A candidate source prepared around the thesis region `near` (normalised
        once: the character layer's reading, in `read`, when it had read it)."""
        src_norm = read.get(doc_id)
        if src_norm is None:
            src_norm = normalize(fetch(doc_id))
        return prepare(
            src_norm,
            self.params,
            near=near,
            cached=_cached_tokens(index, doc_id, src_norm.text),
        )


def _cached_tokens(index: CorpusIndex, doc_id: str, text: str) -> CachedTokens:
    """A source's tokens as cut at index time, within the sentences asked for."""
    return lambda within: index.word_tokens(doc_id, text, within)


def _in_span(side: MeaningSide, span: tuple[int, int]) -> list[int]:
    """Indices of the words inside a span of the original text."""
    to_orig = side.norm.to_original
    return [
        i
        for i, w in enumerate(side.words)
        if span[0] <= int(to_orig[w.start]) < span[1]
    ]


def _own_and_shared(
    tgt: MeaningSide,
    t_span: tuple[int, int],
    src: MeaningSide,
    s_span: tuple[int, int],
) -> tuple[list[Word], list[Word], list[Word]]:
    """The thesis passage's words the source passage shares (by a meaning key), and
    each side's words the other does not hold at all."""
    t_idx, s_idx = _in_span(tgt, t_span), _in_span(src, s_span)
    t_keys = [{k.lstrip("~") for k in tgt.native[i]} for i in t_idx]
    s_keys = [{k.lstrip("~") for k in src.native[j]} for j in s_idx]
    t_all = set().union(*t_keys) if t_keys else set()
    s_all = set().union(*s_keys) if s_keys else set()
    shared = [tgt.words[i] for i, ks in zip(t_idx, t_keys, strict=True) if ks & s_all]
    t_own = [
        tgt.words[i] for i, ks in zip(t_idx, t_keys, strict=True) if not ks & s_all
    ]
    s_own = [
        src.words[j] for j, ks in zip(s_idx, s_keys, strict=True) if not ks & t_all
    ]
    return shared, t_own, s_own


def _best_per_span(matches: list[Match]) -> list[Match]:
    """Where meaning matches of several sources overlap, keep the best scoring one."""
    out: list[Match] = []
    for m in sorted(matches, key=lambda x: (-x.score, x.offset, x.source)):
        if any(
            min(m.end, o.end) - max(m.offset, o.offset) > m.length // 2 for o in out
        ):
            continue
        out.append(m)
    return sorted(out, key=lambda x: (x.offset, x.source))
