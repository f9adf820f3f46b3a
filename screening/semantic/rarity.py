"""How rare a meaning passage's paired words are in the corpus: reuse or stock text.

Within one pair of texts the aligner weighs words by how few sentences of the two hold
them; it cannot see that a field's stock text (an element list "富集 Rb、Ba… 亏损 Nb、
Ta…", a trial's methods template "随机分为观察组和对照组…") is written alike by many
documents of the corpus. The word postings hold each word's document frequency, so a
rewrite match found against the corpus is kept only when its paired words single out
its source:

* not many other documents hold most of them together (IDF-weighted), and
* a passage shorter than `screen`'s usual minimum pairs several words that few corpus
  documents use at all, and
* it is not another study told in the same words: when each side names things of its
  own that almost no corpus document holds (a herb, a compound, a place) and the
  passage pairs at most one that rare, the shared words are the method's, not the
  source's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from screening.index import CorpusIndex
from screening.postings import Postings, QueryWords, df_cap_for, window_shares
from screening.report.labels import KIND_REWRITE
from screening.report.model import Match
from screening.semantic.lexicon import Lexicon, get_lexicon
from screening.semantic.words import Word, key_hash, native_keys

__all__ = ["RarityRules", "paired_words", "shared_by_others"]


@dataclass(frozen=True, slots=True)
class RarityRules:
    """Thresholds of the corpus-rarity rules (tuned on the semantic benchmark's tuning
    set and the accuracy benchmark's stock-text false matches)."""

    # Stock text: at least `stock_docs` documents besides the source hold
    # `stock_share` of the passage's paired words, IDF-weighted (two granite studies
    # besides the source writing "富集 Rb、Ba… 亏损 Nb、Ta…" make it the field's).
    stock_share: float = 0.6
    stock_docs: int = 2
    # A passage shorter than `short_chars` pairs at least `short_rare_pairs` words that
    # at most `rare_share` of the corpus documents (and at least 2) hold.
    short_chars: int = 100
    short_rare_pairs: int = 5
    rare_share: float = 0.01
    # Another study: both sides hold `own_names` distinct unpaired words that at most
    # `name_docs` corpus documents hold, and at most `chance_shared` paired words are
    # that rare (two studies of one method can share one rare method word, 回流 say).
    name_docs: int = 3
    own_names: int = 2
    chance_shared: int = 1

    def keep(
        self,
        matches: list[Match],
        index: CorpusIndex,
        *,
        exclude: Collection[str] = (),
        chinese: bool = True,
        words: Mapping[int, tuple[Sequence[Word], ...]] | None = None,
    ) -> list[Match]:
        """The matches, less the rewrite matches the corpus shows to be stock text,
        too thin or another study (a translated match keeps its own stricter rules).
        `words` holds, by `id` of a match, the thesis passage's words the source
        passage shares, and each side's words the other does not hold."""
        rewrites = [m for m in matches if m.kind == KIND_REWRITE]
        if not rewrites:
            return matches
        others, rare = self.evidence(rewrites, index, exclude=exclude, chinese=chinese)
        short = np.array([m.length < self.short_chars for m in rewrites])
        drop = (others >= self.stock_docs) | (short & (rare < self.short_rare_pairs))
        if words:
            parts, _alive, _ids = index.word_postings(exclude)
            drop |= self.other_study(rewrites, words, parts)
        dropped = {id(m) for m, d in zip(rewrites, drop.tolist(), strict=True) if d}
        return [m for m in matches if id(m) not in dropped]

    def evidence(
        self,
        matches: Sequence[Match],
        index: CorpusIndex,
        *,
        exclude: Collection[str] = (),
        chinese: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each match: how many documents besides its source hold most of its
        paired words, and how many of those words are rare in the corpus."""
        parts, alive, ids = index.word_postings(exclude)
        n_docs = int(alive.sum())
        wanted = {m.source for m in matches}
        number = {d: i for i, d in enumerate(ids) if d in wanted}
        query, firm = _query(matches, chinese)
        others = shared_by_others(
            parts,
            query,
            alive=alive,
            df_cap=df_cap_for(n_docs),
            sources=[number.get(m.source, -1) for m in matches],
            min_share=self.stock_share,
        )
        df = _word_df(parts, firm)
        is_rare = (df > 0) & (df <= max(2.0, self.rare_share * n_docs))
        rare = np.bincount(
            _word_window(query, len(firm)), weights=is_rare, minlength=len(matches)
        )
        return others, rare.astype(np.int64)

    def other_study(
        self,
        matches: Sequence[Match],
        words: Mapping[int, tuple[Sequence[Word], ...]],
        parts: Sequence[Postings],
    ) -> np.ndarray:
        """For each match: do both sides name their own nearly unique things while they
        share none (a same-method study of other herbs, compounds, sites)?"""
        lexicon = get_lexicon()
        out = np.zeros(len(matches), dtype=bool)
        for i, m in enumerate(matches):
            shared, t_own, s_own = words.get(id(m), ((), (), ()))
            # An own word the corpus does not hold at all (df 0) counts as named.
            t_df, s_df = (
                _side_df(parts, _distinct(w for w in own if w.kind != "term"), lexicon)
                for own in (t_own, s_own)
            )
            shared_df = _side_df(parts, _distinct(shared), lexicon)
            named = min(
                int(np.sum(t_df <= self.name_docs)), int(np.sum(s_df <= self.name_docs))
            )
            shared_rare = int(np.sum((shared_df > 0) & (shared_df <= self.name_docs)))
            out[i] = named >= self.own_names and shared_rare <= self.chance_shared
        return out


def _distinct(words: Iterable[Word]) -> list[Word]:
    """Each word once (a passage naming its herb three times names one thing)."""
    return list({(w.text, w.kind): w for w in words}.values())


def _side_df(
    parts: Sequence[Postings], words: Sequence[Word], lexicon: Lexicon
) -> np.ndarray:
    """The document frequency of each of `words` that has a firm meaning key."""
    keys = [key_hash(_firm_keys(w, lexicon)) for w in words]
    return _word_df(parts, [k for k in keys if len(k)])


def _firm_keys(word: Word, lexicon: Lexicon) -> list[str]:
    """A word's firm meaning keys (its looser "~" ones left out)."""
    return [k for k in native_keys(word, lexicon) if not k.startswith("~")]


def paired_words(match: Match, chinese: bool) -> list[Word]:
    """The thesis words a meaning match pairs with its source: its reasons shown."""
    kind = "zh" if chinese else "en"
    words = [Word(q, 0, 0, kind) for q, _ in match.pairs]
    words += [Word(t, 0, 0, "term") for t in match.terms]
    return _distinct(words)


def _query(
    matches: Sequence[Match], chinese: bool
) -> tuple[QueryWords, list[np.ndarray]]:
    """The matches' paired words as query entries (one window per match, a word's
    firm keys as its entries), and each word's hashed firm keys."""
    lexicon = get_lexicon()
    window: list[int] = []
    word: list[int] = []
    keys: list[str] = []
    weight: list[float] = []
    firm: list[np.ndarray] = []
    for w_no, m in enumerate(matches):
        for w in paired_words(m, chinese):
            own = _firm_keys(w, lexicon)
            window += [w_no] * len(own)
            word += [len(weight)] * len(own)
            keys += own
            weight.append(w.weight)
            firm.append(key_hash(own))
    query = QueryWords(
        np.array(window, dtype=np.int64),
        np.array(word, dtype=np.int64),
        key_hash(keys),
        np.array(weight, dtype=np.float64),
    )
    return query, firm


def _word_window(query: QueryWords, n_words: int) -> np.ndarray:
    """The window (match) of each query word."""
    out = np.zeros(n_words, dtype=np.int64)
    out[query.word] = query.window
    return out


def _word_df(parts: Sequence[Postings], firm: list[np.ndarray]) -> np.ndarray:
    """Each word's document frequency: that of its rarest key the corpus holds (0 when
    the corpus holds none of its keys)."""
    if not firm:
        return np.zeros(0)
    keys = np.concatenate(firm)
    df = np.zeros(len(keys), dtype=np.int64)
    for p in parts:
        df += np.searchsorted(p.keys, keys, "right") - np.searchsorted(
            p.keys, keys, "left"
        )
    out = np.zeros(len(firm))
    start = 0
    for i, k in enumerate(firm):
        own = df[start : start + len(k)]
        start += len(k)
        held = own[own > 0]
        out[i] = held.min() if len(held) else 0
    return out


def shared_by_others(
    parts: Sequence[Postings],
    query: QueryWords,
    *,
    alive: np.ndarray,
    df_cap: int,
    sources: Sequence[int],
    min_share: float,
) -> np.ndarray:
    """For each passage (a `query` window of its paired words), how many live documents
    other than its source (`sources`, by document number) hold at least `min_share` of
    its paired words, IDF-weighted over the corpus."""
    counts = np.zeros(len(sources), dtype=np.int64)
    if not len(sources) or not len(query.key):
        return counts
    c_window, c_doc, _ = window_shares(
        parts,
        query,
        alive=alive,
        df_cap=df_cap,
        n_idf=max(int(alive.sum()), 1),
        min_share=min_share,
    )
    hit = np.asarray(sources, dtype=np.int64)[c_window] != c_doc
    np.add.at(counts, c_window[hit], 1)
    return counts
