"""Screen a thesis against the corpus index (and its batch peers) and return matches.

normalise -> query the passage index -> rank candidates by TF-IDF -> fetch each
candidate's text -> align the regions the index pointed at -> `Match` objects whose
offsets are code points into the original (un-normalised) texts on both sides.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Mapping
from typing import Any

import numpy as np

from screening.align import AlignParams, align
from screening.figures import drop_other_figures
from screening.index import Candidate, CorpusIndex
from screening.normalize import NormalizedText, normalize
from screening.report import Match
from screening.semantic.align import MeaningParams
from screening.semantic.finder import MeaningFinder
from screening.semantic.lexicon import get_lexicon
from screening.tokenize import get_tokenizer

__all__ = ["Screener"]


def _slice(norm: NormalizedText, start: int, end: int) -> NormalizedText:
    """A window of a normalised text whose offset map still points at the full original."""
    return NormalizedText(
        norm.text[start:end], norm.to_original[start : end + 1], norm.original_length
    )


def _merge_regions(
    regions: list[tuple[int, int, int, int]],
) -> list[tuple[int, int, int, int]]:
    """Merge regions whose query windows overlap (their source windows are unioned)."""
    merged: list[list[int]] = []
    for q0, q1, s0, s1 in sorted(regions):
        if merged and q0 <= merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], q1)
            last[2] = min(last[2], s0)
            last[3] = max(last[3], s1)
        else:
            merged.append([q0, q1, s0, s1])
    return [(a, b, c, d) for a, b, c, d in merged]


class Screener:
    """Finds passages of a text reused from corpus documents or batch peers.

    Args:
        index: the corpus index to query (or build one with `fit(corpus)`).
        fetch_text: returns a corpus document's extracted text by id.
        exclude_sources: ids whose matches are kept but marked `excluded_source`.
        peers: other texts of the same batch, by id, compared as extra sources.
        top_k: candidate documents taken from the index.
        max_candidates: candidates aligned after TF-IDF ranking.
        min_rank_score: TF-IDF cosine below which a candidate is not aligned.
        margin: characters added around index regions before aligning.
        align_params: aligner thresholds.
        index_params: `CorpusIndex` parameters used by `fit` and for peers.
        meaning: also look for rewritten (疑似改写) and translated (跨语言) reuse in
            the corpus with the meaning layer (`screening.semantic`).
        meaning_params: the meaning aligner's thresholds.
    """

    def __init__(
        self,
        index: CorpusIndex | None = None,
        fetch_text: Callable[[str], str] | None = None,
        *,
        exclude_sources: Collection[str] = (),
        peers: Mapping[str, str] | None = None,
        top_k: int = 40,
        max_candidates: int = 20,
        min_rank_score: float = 0.2,
        margin: int = 600,
        align_params: AlignParams | None = None,
        index_params: Mapping[str, Any] | None = None,
        meaning: bool = True,
        meaning_params: MeaningParams | None = None,
    ) -> None:
        self.index = index
        self.fetch_text = fetch_text
        self.exclude_sources = exclude_sources
        self.peers = peers
        self.top_k = top_k
        self.max_candidates = max_candidates
        self.min_rank_score = min_rank_score
        self.margin = margin
        self.align_params = align_params
        self.index_params = index_params
        self.meaning = meaning
        self.meaning_params = meaning_params

    def fit(self, corpus: Mapping[str, str] | None = None) -> Screener:
        """Use the given index, or build an in-memory one from `corpus`; returns self."""
        if corpus is not None:
            index = CorpusIndex(None, **dict(self.index_params or {}))
            for doc_id, text in corpus.items():
                index.add(doc_id, text)
            self.index_ = index
            self.fetch_text_: Callable[[str], str] = corpus.__getitem__
        else:
            if self.index is None or self.fetch_text is None:
                raise ValueError("give index and fetch_text, or a corpus to fit on")
            self.index_ = self.index
            self.fetch_text_ = self.fetch_text
        self.align_params_ = self.align_params or AlignParams()
        self.finder_ = MeaningFinder(self.meaning_params)
        return self

    def screen(
        self,
        text: str,
        *,
        exclude_sources: Collection[str] | None = None,
        peers: Mapping[str, str] | None = None,
    ) -> list[Match]:
        """Matches of `text` against the corpus and the peers, sorted by offset."""
        if not hasattr(self, "index_"):
            self.fit()
        excluded = set(
            self.exclude_sources if exclude_sources is None else exclude_sources
        )
        peer_texts = self.peers if peers is None else peers
        norm = normalize(text)
        matches: list[Match] = []
        cands = self.index_.query(norm, top_k=self.top_k)
        # Sources both layers look at are read and normalised once.
        read: dict[str, NormalizedText] = {}
        matches += self._align_candidates(norm, cands, self.fetch_text_, excluded, read)
        if self.meaning:
            matches += self.finder_.find(
                norm,
                self.index_,
                self.fetch_text_,
                excluded=excluded,
                reported=matches,
                sources=read,
            )
        if peer_texts:
            peer_index, skip = self._peer_index(peer_texts, text)
            peer_cands = peer_index.query(norm, top_k=self.top_k, exclude=skip)
            peer_read: dict[str, NormalizedText] = {}
            peer_matches = self._align_candidates(
                norm, peer_cands, peer_texts.__getitem__, excluded, peer_read
            )
            if self.meaning:
                peer_matches += self.finder_.find(
                    norm,
                    peer_index,
                    peer_texts.__getitem__,
                    excluded=excluded,
                    exclude=skip,
                    reported=matches + peer_matches,
                    sources=peer_read,
                )
            matches += peer_matches
        matches.sort(key=lambda m: (m.offset, m.source, m.source_offset))
        freeze_long_lived()
        return matches

    def _peer_index(
        self, peers: Mapping[str, str], text: str
    ) -> tuple[CorpusIndex, set[str]]:
        """An index of the batch's peers, kept across calls so a batch of N theses
        fingerprints each peer once, not N times; returns it and the ids to skip."""
        stale = getattr(self, "peer_texts_", {}).keys() - peers.keys()
        if not hasattr(self, "peer_index_") or len(stale) > len(peers) + 100:
            # Start afresh rather than carry many peers of finished batches.
            self.peer_index_ = CorpusIndex(None, **self.index_.params.to_dict())
            self.peer_texts_: dict[str, str] = {}
        for peer_id, peer_text in peers.items():
            known = self.peer_texts_.get(peer_id)
            if known is not peer_text and known != peer_text:
                self.peer_index_.add(peer_id, peer_text)
                self.peer_texts_[peer_id] = peer_text
        # Peers of other batches, and the screened text itself, are not sources.
        skip = {
            p
            for p, t in self.peer_texts_.items()
            if p not in peers or t is text or t == text
        }
        return self.peer_index_, skip

    def _rank(
        self,
        norm: NormalizedText,
        cands: list[Candidate],
        sources: dict[str, NormalizedText],
    ) -> list[Candidate]:
        """Keep the candidates whose regions are most alike by TF-IDF (char bigrams)."""
        if not cands:
            return []
        q_texts = [
            " ".join(norm.text[r.query_start : r.query_end] for r in c.regions)
            for c in cands
        ]
        s_texts = [
            " ".join(
                sources[c.doc_id].text[r.source_start : r.source_end] for r in c.regions
            )
            for c in cands
        ]
        # scikit-learn costs ~0.75 s to import: loaded by the first ranking, not by every
        # process that imports the screener (`load_dependencies` loads it ahead).
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(
            analyzer="char", ngram_range=(2, 2), lowercase=False, dtype=np.float32
        )
        try:
            mat = vec.fit_transform(q_texts + s_texts)
        except ValueError:  # empty vocabulary
            return []
        n = len(cands)
        sims = np.asarray(mat[:n].multiply(mat[n:]).sum(axis=1)).ravel()
        order = np.argsort(-sims, kind="stable")
        return [
            cands[i]
            for i in order[: self.max_candidates]
            if sims[i] >= self.min_rank_score
        ]

    def _align_candidates(
        self,
        norm: NormalizedText,
        cands: list[Candidate],
        fetch: Callable[[str], str],
        excluded: set[str],
        read: dict[str, NormalizedText] | None = None,
    ) -> list[Match]:
        """Character-layer matches of the candidates; the sources read (normalised)
        are added to `read`, for the meaning layer to reuse."""
        # A fetcher may fetch many texts in one round trip (a database query).
        prefetch = getattr(fetch, "prefetch", None)
        if prefetch is not None and cands:
            prefetch([c.doc_id for c in cands])
        sources = {c.doc_id: normalize(fetch(c.doc_id)) for c in cands}
        if read is not None:
            read.update(sources)
        out: list[Match] = []
        m = self.margin
        for cand in self._rank(norm, cands, sources):
            src = sources[cand.doc_id]
            regions = _merge_regions(
                [
                    (
                        max(0, r.query_start - m),
                        min(len(norm.text), r.query_end + m),
                        max(0, r.source_start - m),
                        min(len(src.text), r.source_end + m),
                    )
                    for r in cand.regions
                ]
            )
            seen: set[tuple[tuple[int, int], tuple[int, int]]] = set()
            for q0, q1, s0, s1 in regions:
                for p in align(
                    _slice(src, s0, s1), _slice(norm, q0, q1), self.align_params_
                ):
                    key = (p.tgt_span, p.src_span)
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(
                        Match(
                            source=cand.doc_id,
                            offset=p.tgt_span[0],
                            length=p.tgt_span[1] - p.tgt_span[0],
                            source_offset=p.src_span[0],
                            source_length=p.src_span[1] - p.src_span[0],
                            score=p.score,
                            excluded="excluded_source"
                            if cand.doc_id in excluded
                            else None,
                        )
                    )
        return drop_other_figures(
            _drop_contained(out), norm, sources, below=self.align_params_.fuzzy_score
        )


def _drop_contained(matches: list[Match]) -> list[Match]:
    """Drop a match lying inside another of the same source (overlapping regions)."""
    out: list[Match] = []
    for mt in sorted(matches, key=lambda x: (x.source, -x.length)):
        if any(
            o.source == mt.source
            and o.offset <= mt.offset
            and mt.end <= o.end
            and o.source_offset <= mt.source_offset
            for o in out
        ):
            continue
        out.append(mt)
    return out


def load_dependencies() -> None:
    """Import the screener's heavy libraries now (a worker does, before it forks)."""
    import sklearn.feature_extraction.text  # noqa: F401 - import cost, paid up front

    get_tokenizer().cut("预热")  # jieba's dictionary, built once per process
    get_lexicon()  # 词林 and CC-CEDICT, read once per process
    freeze_long_lived()


_frozen = False


def freeze_long_lived() -> None:
    """Move what the first screen loaded out of the garbage collector's way, once per
    process: SciPy, scikit-learn and the dictionaries leave some 90,000 long-lived
    objects that every full collection of a later thesis walked again (0.05 s each,
    several per thesis), and none of them is ever freed."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
