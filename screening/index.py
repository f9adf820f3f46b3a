"""A lean, persistent MinHash-LSH index of corpus passages.

No per-passage Python objects: each immutable segment holds, per LSH band, a sorted
uint32 array of band keys and the matching passage ids, searched with
`np.searchsorted`; plus each passage's document number and character span.  New
documents go to a new segment (adding costs what is added), removals are tombstones
until `compact()`, and a JSON manifest replaced atomically (`os.replace`) names the
segments, so a reader always loads a consistent snapshot while one writer works.
Keys found in more than `max_df` documents (boilerplate, stock phrases) are ignored.
"""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from screening.boundaries import (
    Boundaries,
    merge_boundaries,
    pack_starts,
    unpack_tokens,
)
from screening.fingerprint import FingerprintParams, fingerprint_passages
from screening.normalize import NormalizedText, normalize
from screening.postings import (
    Postings,
    QueryWords,
    build_postings,
    df_cap_for,
    merge_postings,
    rank_documents,
)
from screening.segment import Segment
from screening.semantic.lexicon import get_lexicon
from screening.semantic.words import document_keys, is_chinese
from screening.storage import MANIFEST, DirectoryStorage, IndexStorage, SegmentMissing
from screening.tokenize import get_tokenizer

__all__ = [
    "CorpusIndex",
    "Candidate",
    "Region",
    "fingerprint_document",
    "document_words",
    "document_meaning",
]

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Region:
    """A query span and the source span whose passages share LSH keys with it.

    Offsets are code points into the normalised texts (`normalize(text).text`).
    """

    query_start: int
    query_end: int
    source_start: int
    source_end: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate source document, its evidence score and where the evidence lies."""

    doc_id: str
    score: float
    regions: tuple[Region, ...]


class CorpusIndex:
    """Passage-level MinHash-LSH index over corpus documents, in segments on disk.

    Args:
        directory: where segments and the manifest live; None keeps everything in memory.
            If it already holds an index, that index is opened (its parameters win).
        storage: an `IndexStorage` to use instead of a directory (e.g. Redis).
        max_df: a band key seen in more than max(min_df_cap, max_df * documents)
            documents (capped at max_df_docs) is boilerplate and ignored in queries.
        **params: `FingerprintParams` fields (num_perm, band_rows, seed, shingle,
            window, stride).
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        storage: IndexStorage | None = None,
        max_df: float = 0.005,
        min_df_cap: int = 5,
        max_df_docs: int = 200,
        mmap: bool = True,
        query_stride: int = 5,
        words: bool = True,
        **params: Any,
    ) -> None:
        self.directory = Path(directory) if directory is not None else None
        if storage is None and self.directory is not None:
            storage = DirectoryStorage(self.directory)
        self.storage = storage
        self.version: str | None = None
        self.max_df = max_df
        self.min_df_cap = min_df_cap
        self.max_df_docs = max_df_docs
        self.mmap = mmap
        self.query_stride = query_stride
        self.words = words  # keep word postings for the meaning layer
        self.params = FingerprintParams(**params)
        self._doc_ids: list[str | None] = []  # doc number -> id (None once removed)
        self._doc_lengths: list[int] = []
        self._live: dict[str, int] = {}
        self._segments: list[Segment] = []
        self._pending: list[
            tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
        ] = []
        self._unsaved: list[Segment] = []
        self._obsolete: list[str] = []
        if self.storage is not None:
            # A writer may compact between our reading the manifest and opening its
            # segments; the new manifest then names segments that exist, so retry.
            for attempt in range(5):
                try:
                    self._read_manifest(params)
                    break
                except SegmentMissing:
                    if attempt == 4:
                        raise

    # ----------------------------------------------------------------- persistence
    @classmethod
    def load(
        cls, directory: str | os.PathLike[str], *, mmap: bool = True
    ) -> CorpusIndex:
        """Open the index saved in `directory` (a consistent snapshot of its manifest)."""
        path = Path(directory)
        if not (path / MANIFEST).exists():
            raise FileNotFoundError(f"no index manifest in {path}")
        return cls(path, mmap=mmap)

    def _read_manifest(self, params: dict[str, Any]) -> None:
        assert self.storage is not None
        manifest = self.storage.read_manifest()
        if manifest is None:
            return
        if manifest.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported index format {manifest.get('format')!r}")
        stored = FingerprintParams(**manifest["params"])
        if params and FingerprintParams(**params) != stored:
            raise ValueError(
                "index parameters differ from those stored in the manifest"
            )
        self.params = stored
        self.max_df = manifest.get("max_df", self.max_df)
        self.min_df_cap = manifest.get("min_df_cap", self.min_df_cap)
        self.max_df_docs = manifest.get("max_df_docs", self.max_df_docs)
        self._doc_ids = list(manifest["doc_ids"])
        self._doc_lengths = list(manifest["doc_lengths"])
        self._live = {d: i for i, d in enumerate(self._doc_ids) if d is not None}
        self._segments = [
            Segment.load(self.storage, name, self.mmap) for name in manifest["segments"]
        ]
        self.version = manifest.get("version")

    def save(self) -> None:
        """Write pending documents as a new segment, then atomically swap the manifest.

        Trailing segments are merged while the newer one is at least half the size of
        the one before (a binary-counter policy): O(log n) segments, and each passage
        is rewritten O(log n) times over the life of the index.
        """
        if self.storage is None:
            raise ValueError("this index has no directory; pass one to CorpusIndex()")
        self._flush_pending()
        self._merge_tail()
        self._write()

    def _write(self) -> None:
        """Write unsaved segments, swap the manifest, then delete obsolete segments."""
        assert self.storage is not None
        for segment in self._unsaved:
            stored = segment.save(self.storage)
            if self.mmap and stored is segment and self.directory is not None:
                stored = Segment.load(self.storage, segment.name, True)
            idx = self._segments.index(segment)
            self._segments[idx] = stored
        self._unsaved = []
        self.version = uuid.uuid4().hex
        manifest = {
            "format": FORMAT_VERSION,
            "version": self.version,
            "params": self.params.to_dict(),
            "max_df": self.max_df,
            "min_df_cap": self.min_df_cap,
            "max_df_docs": self.max_df_docs,
            "segments": [s.name for s in self._segments],
            "doc_ids": self._doc_ids,
            "doc_lengths": self._doc_lengths,
        }
        self.storage.write_manifest(manifest)
        # Readers that mapped the old files keep them alive until they close them.
        for name in self._obsolete:
            self.storage.delete_segment(name)
        self._obsolete = []

    def _flush_pending(self) -> Segment | None:
        """Turn buffered documents into one sorted segment (time ~ what was added)."""
        if not self._pending:
            return None
        pending = self._pending
        docs = np.concatenate(
            [np.full(len(p[1]), p[0], dtype=np.int32) for p in pending]
        )
        spans = np.concatenate([p[1] for p in pending]).reshape(-1, 2)
        bands = np.concatenate([p[2] for p in pending]).reshape(-1, self.params.bands)
        numbers = [p[0] for p in pending]
        words = build_postings(numbers, [p[3] for p in pending])
        bounds = Boundaries.build(numbers, [p[4] for p in pending])
        name = f"seg-{uuid.uuid4().hex[:12]}"
        segment = Segment.build(name, docs, spans, bands, words, bounds)
        self._pending = []
        self._segments.append(segment)
        self._unsaved.append(segment)
        return segment

    def _merge(self, segments: list[Segment]) -> Segment:
        """One segment holding the live passages of `segments` (tombstones dropped)."""
        docs, spans, bands = [], [], []
        alive = np.array([d is not None for d in self._doc_ids], dtype=bool)
        for seg in segments:
            mask = alive[np.asarray(seg.passage_doc)]
            n = len(seg.passage_doc)
            seg_bands = np.empty((n, self.params.bands), dtype=np.uint32)
            for b in range(self.params.bands):
                seg_bands[np.asarray(seg.pids[b]), b] = seg.keys[b]
            docs.append(np.asarray(seg.passage_doc)[mask])
            spans.append(np.asarray(seg.spans)[mask])
            bands.append(seg_bands[mask])
        return Segment.build(
            f"seg-{uuid.uuid4().hex[:12]}",
            np.concatenate(docs),
            np.concatenate(spans).reshape(-1, 2),
            np.concatenate(bands).reshape(-1, self.params.bands),
            merge_postings([seg.words for seg in segments], alive),
            merge_boundaries([seg.bounds for seg in segments], alive),
        )

    def _replace(self, old: list[Segment], merged: Segment) -> None:
        """Swap `old` (a trailing run or all segments) for `merged` in the segment list."""
        names = {s.name for s in old}
        self._obsolete += [s.name for s in old if s not in self._unsaved]
        self._unsaved = [s for s in self._unsaved if s.name not in names] + [merged]
        self._segments = [s for s in self._segments if s.name not in names] + [merged]

    def _merge_tail(self) -> None:
        while len(self._segments) >= 2:
            prev, last = self._segments[-2], self._segments[-1]
            if 2 * len(last.passage_doc) < len(prev.passage_doc):
                break
            self._replace([prev, last], self._merge([prev, last]))

    def compact(self) -> None:
        """Merge all segments into one, dropping removed documents' passages."""
        self._flush_pending()
        if not self._segments:
            return
        self._replace(list(self._segments), self._merge(list(self._segments)))
        if self.storage is not None:
            self._write()

    @property
    def segment_count(self) -> int:
        """Number of segments (saved or not): what `compact()` would reduce to one."""
        return len(self._segments) + (1 if self._pending else 0)

    @property
    def removed_count(self) -> int:
        """Removed documents whose passages remain until `compact()`."""
        return len(self._doc_ids) - len(self._live)

    # ------------------------------------------------------------------ documents
    def add(self, doc_id: str, text: str | NormalizedText) -> None:
        """Fingerprint a document and buffer it for the next segment (replaces an old one)."""
        if doc_id in self._live:
            self.remove(doc_id)
        norm = text if isinstance(text, NormalizedText) else normalize(text)
        fp = fingerprint_passages(norm.text, self.params)
        words, bounds = document_meaning(norm) if self.words else (_NO_WORDS, _NO_BITS)
        self.add_fingerprinted(
            doc_id, len(norm.text), fp.spans, fp.bands, words, bounds=bounds
        )

    def add_fingerprinted(
        self,
        doc_id: str,
        length: int,
        spans: np.ndarray,
        bands: np.ndarray,
        words: np.ndarray = np.zeros(0, dtype=np.uint32),  # noqa: B008 - read only
        *,
        bounds: np.ndarray = np.zeros(0, dtype=np.uint8),  # noqa: B008 - read only
    ) -> None:
        """Add a document fingerprinted elsewhere (`fingerprint_document`, e.g. in a
        process pool) with this index's parameters, its meaning keys and packed word
        boundaries (`document_meaning`); replaces an old one."""
        if bands.ndim != 2 or bands.shape[1] != self.params.bands:
            raise ValueError("fingerprints were made with other parameters")
        if doc_id in self._live:
            self.remove(doc_id)
        number = len(self._doc_ids)
        self._doc_ids.append(doc_id)
        self._doc_lengths.append(int(length))
        self._live[doc_id] = number
        if len(spans) or len(words) or len(bounds):
            self._pending.append((number, spans, bands, words, bounds))

    def remove(self, doc_id: str) -> None:
        """Tombstone a document; its passages are dropped for good by `compact()`."""
        number = self._live.pop(doc_id)
        self._doc_ids[number] = None

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._live

    def __len__(self) -> int:
        return len(self._live)

    def doc_ids(self) -> list[str]:
        """Ids of the live documents, in the order they were added."""
        return [d for d in self._doc_ids if d is not None]

    def __iter__(self) -> Iterator[str]:
        return iter(self.doc_ids())

    @property
    def nbytes(self) -> int:
        """Bytes held by the segment arrays (memory-mapped or not)."""
        return sum(s.nbytes for s in self._segments)

    @property
    def n_passages(self) -> int:
        """Passages stored, including those of removed documents not yet compacted."""
        return sum(len(s.passage_doc) for s in self._segments) + sum(
            len(p[1]) for p in self._pending
        )

    def _df_cap(self) -> int:
        n = max(len(self._live), 1)
        return int(
            min(self.max_df_docs, max(self.min_df_cap, math.ceil(self.max_df * n)))
        )

    # ---------------------------------------------------------------------- query
    def query(
        self,
        text: str | NormalizedText,
        *,
        top_k: int = 30,
        exclude: Collection[str] = (),
        min_hits: int = 2,
    ) -> list[Candidate]:
        """Rank documents sharing passage fingerprints with `text`, with matched regions.

        A document needs `min_hits` (query passage, band) key matches; documents are
        ranked by the sum over query passages of the share of bands they match,
        weighted by the keys' inverse document frequency.
        """
        norm = text if isinstance(text, NormalizedText) else normalize(text)
        fp = fingerprint_passages(norm.text, self.params, stride=self.query_stride)
        if not len(fp) or not self._live:
            return []
        self._flush_pending()
        cap = self._df_cap()
        hits = self._lookup(fp.bands, hard_cap=cap * 4 + 16)
        if hits is None:
            return []
        alive = np.array(
            [d is not None and d not in exclude for d in self._doc_ids], dtype=bool
        )
        keep = (hits.df <= cap) & alive[hits.doc]
        if not keep.any():
            return []
        return self._rank(hits.take(keep), fp.spans, top_k=top_k, min_hits=min_hits)

    def query_meaning(
        self,
        query: QueryWords,
        *,
        top_k: int = 10,
        min_share: float = 0.4,
        exclude: Collection[str] = (),
    ) -> list[tuple[str, float, tuple[int, ...]]]:
        """(document id, share, windows) of documents holding most content words of
        some window of the query, by meaning keys (the meaning layer's retrieval)."""
        self._flush_pending()
        if not self._live:
            return []
        alive = np.array(
            [d is not None and d not in exclude for d in self._doc_ids], dtype=bool
        )
        ranked = rank_documents(
            [s.words for s in self._segments],
            query,
            n_docs=len(self._doc_ids),
            alive=alive,
            df_cap=df_cap_for(len(self._live)),
            min_share=min_share,
            top_k=top_k,
        )
        return [(self._doc_ids[d] or "", share, w) for d, share, w in ranked]

    def word_tokens(
        self, doc_id: str, text: str, within: Sequence[tuple[int, int]] | None = None
    ) -> list[tuple[str, int, int]] | None:
        """`text`'s jieba tokens cut at index time (inside `within`), or None if not held."""
        number = self._live.get(doc_id)
        if number is None or self._doc_lengths[number] != len(text):
            return None
        self._flush_pending()
        for seg in self._segments:
            bits = seg.bounds.get(number)
            if bits is not None:
                if len(bits) != (len(text) + 7) // 8:
                    return None
                return unpack_tokens(text, bits, within)
        return None

    def word_postings(
        self, exclude: Collection[str] = ()
    ) -> tuple[list[Postings], np.ndarray, list[str | None]]:
        """The segments' word postings, which document numbers are live (and not in
        `exclude`), and each number's id: what corpus-trained meaning models learn from."""
        self._flush_pending()
        alive = np.array(
            [d is not None and d not in exclude for d in self._doc_ids], dtype=bool
        )
        return [s.words for s in self._segments], alive, list(self._doc_ids)

    def _lookup(self, bands: np.ndarray, *, hard_cap: int) -> _Hits | None:
        """Every (query passage, band) key found in the segments, with the document
        frequency of its key; None when no key is found. Keys behind more than
        `hard_cap` passages are skipped without looking at them."""
        nb = self.params.bands
        q_all, b_all, d_all, sp_all = [], [], [], []
        # Distinct documents per (query window, band): each document lives in one
        # segment and a key's passages come in document order, so counting document
        # changes along each key's run gives the same figure as np.unique, without
        # hashing every hit (at 100,000 documents that was most of a query's time).
        df_mat = np.zeros((len(bands), nb), dtype=np.int64)
        exact = all(seg.docs_sorted for seg in self._segments)
        for seg in self._segments:
            for b in range(nb):
                keys = seg.keys[b]
                qk = bands[:, b]
                lo = np.searchsorted(keys, qk, side="left")
                hi = np.searchsorted(keys, qk, side="right")
                counts = hi - lo
                counts[counts > hard_cap] = 0
                total = int(counts.sum())
                if total == 0:
                    continue
                q_idx = np.repeat(np.arange(len(qk)), counts)
                starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
                pos = starts + np.arange(total)
                pids = np.asarray(seg.pids[b][pos]).astype(np.int64)
                docs = np.asarray(seg.passage_doc)[pids].astype(np.int64)
                if exact:
                    changes = np.ones(total, dtype=bool)
                    changes[1:] = (q_idx[1:] != q_idx[:-1]) | (docs[1:] != docs[:-1])
                    df_mat[:, b] += np.bincount(
                        q_idx, weights=changes, minlength=len(qk)
                    ).astype(np.int64)
                q_all.append(q_idx)
                b_all.append(np.full(total, b, dtype=np.int64))
                d_all.append(docs)
                sp_all.append(np.asarray(seg.spans)[pids])
        if not q_all:
            return None
        q = np.concatenate(q_all)
        band = np.concatenate(b_all)
        doc = np.concatenate(d_all)
        # Document frequency of each query key = distinct documents behind (q, band).
        if exact:
            df = df_mat[q, band]
        else:  # pragma: no cover - segments written out of document order
            df = _distinct_docs(q * nb + band, doc, len(self._doc_ids))
        return _Hits(q, doc, np.concatenate(sp_all), df)

    def _rank(
        self, hits: _Hits, q_spans: np.ndarray, *, top_k: int, min_hits: int
    ) -> list[Candidate]:
        """The `top_k` documents with `min_hits` hits or more, by IDF-weighted band
        share, each with its hits grouped into regions."""
        nb = self.params.bands
        idf = np.log((1.0 + len(self._live)) / (1.0 + hits.df)) + 1.0
        order = np.lexsort((hits.q, hits.doc))
        q, doc, spans, idf = (
            hits.q[order],
            hits.doc[order],
            hits.spans[order],
            idf[order],
        )
        starts = np.r_[0, np.flatnonzero(np.diff(doc)) + 1]
        ends = np.r_[starts[1:], len(doc)]
        scores = np.add.reduceat(idf, starts) / nb
        ok = (ends - starts) >= min_hits
        ids = [self._doc_ids[int(d)] or "" for d in doc[starts]]
        ranked = sorted(
            np.flatnonzero(ok).tolist(), key=lambda k: (-scores[k], ids[k])
        )[:top_k]
        # Query windows closer than one window length belong to the same region.
        gap = max(2, self.params.window // (self.query_stride or self.params.stride))
        out: list[Candidate] = []
        for k in ranked:
            lo_i, hi_i = int(starts[k]), int(ends[k])
            regions = _regions(q[lo_i:hi_i], q_spans, spans[lo_i:hi_i], gap=gap)
            out.append(Candidate(ids[k], float(scores[k]), regions))
        return out


@dataclass(frozen=True, slots=True)
class _Hits:
    """Key matches of a query: query passage, source document and span, key's df."""

    q: np.ndarray
    doc: np.ndarray
    spans: np.ndarray
    df: np.ndarray

    def take(self, mask: np.ndarray) -> _Hits:
        """The hits the boolean mask keeps."""
        return _Hits(self.q[mask], self.doc[mask], self.spans[mask], self.df[mask])


def _distinct_docs(group: np.ndarray, doc: np.ndarray, n_docs: int) -> np.ndarray:
    """For each hit, how many distinct documents share its (query passage, band) group."""
    pair = np.unique(group * n_docs + doc)
    g_of_pair = pair // n_docs
    ug, df = np.unique(g_of_pair, return_counts=True)
    return df[np.searchsorted(ug, group)]


def fingerprint_document(
    text: str | NormalizedText, params: FingerprintParams
) -> tuple[int, np.ndarray, np.ndarray]:
    """(normalised length, passage spans, band keys) of a document, as `add` computes
    them; a picklable step for indexing in parallel processes."""
    norm = text if isinstance(text, NormalizedText) else normalize(text)
    fp = fingerprint_passages(norm.text, params)
    return len(norm.text), fp.spans, fp.bands


_NO_WORDS = np.zeros(0, dtype=np.uint32)
_NO_BITS = np.zeros(0, dtype=np.uint8)


def document_words(text: str | NormalizedText) -> np.ndarray:
    """A document's distinct meaning keys for the word postings (picklable step)."""
    return document_meaning(text)[0]


def document_meaning(text: str | NormalizedText) -> tuple[np.ndarray, np.ndarray]:
    """A document's distinct meaning keys and, for Chinese text, its jieba token starts
    as packed bits (`screening.boundaries`): cut once here, never at screen time."""
    norm = text if isinstance(text, NormalizedText) else normalize(text)
    if not is_chinese(norm.text):
        return document_keys(norm.text, get_lexicon()), _NO_BITS
    tokens = get_tokenizer().words(norm.text)
    keys = document_keys(norm.text, get_lexicon(), tokens=tokens)
    # Where each token starts and ends (blanks between tokens are dropped again).
    cuts = [t[1] for t in tokens] + [t[2] for t in tokens if t[2] < len(norm.text)]
    return keys, pack_starts(len(norm.text), cuts)


def _regions(
    q: np.ndarray, q_spans: np.ndarray, s_spans: np.ndarray, gap: int = 2
) -> tuple[Region, ...]:
    """Group hits of consecutive query passages into (query span, source span) regions."""
    regions: list[Region] = []
    uq = np.unique(q)
    breaks = np.flatnonzero(np.diff(uq) > gap) + 1
    for group in np.split(uq, breaks):
        mask = (q >= group[0]) & (q <= group[-1])
        regions.append(
            Region(
                int(q_spans[group[0], 0]),
                int(q_spans[group[-1], 1]),
                int(s_spans[mask, 0].min()),
                int(s_spans[mask, 1].max()),
            )
        )
    return tuple(regions)
