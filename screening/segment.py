"""An immutable segment of the corpus index: passages' LSH band keys, sorted per band
for binary search, the word postings of the meaning layer and its documents' cached
word boundaries."""

from __future__ import annotations

import numpy as np

from screening.boundaries import BOUNDARY_FIELDS, Boundaries
from screening.postings import WORD_FIELDS, Postings
from screening.storage import IndexStorage, SegmentMissing

__all__ = ["Segment", "FIELDS"]

_FIELDS = ("passage_doc", "spans", "keys", "pids")
FIELDS = _FIELDS


class Segment:
    """One immutable block of passages (per-band sorted keys and passage ids) and
    its documents' word postings and word boundaries."""

    __slots__ = (
        "name",
        "passage_doc",
        "spans",
        "keys",
        "pids",
        "words",
        "bounds",
        "_docs_sorted",
    )

    def __init__(
        self,
        name: str,
        passage_doc: np.ndarray,
        spans: np.ndarray,
        keys: np.ndarray,
        pids: np.ndarray,
        words: Postings | None = None,
        bounds: Boundaries | None = None,
    ) -> None:
        self.name = name
        self.words = words or Postings.empty()
        self.bounds = bounds or Boundaries.empty()
        self.passage_doc = passage_doc  # int32 [n]
        self.spans = spans  # int32 [n, 2]
        self.keys = keys  # uint32 [bands, n], each row sorted
        self.pids = pids  # uint32 [bands, n]
        self._docs_sorted: bool | None = None

    @property
    def docs_sorted(self) -> bool:
        """Passages are in document order (as `add`, merges and compaction keep them):
        then each key's passages are in document order too (stable sort by key)."""
        if self._docs_sorted is None:
            docs = np.asarray(self.passage_doc)
            self._docs_sorted = bool(len(docs) < 2 or (np.diff(docs) >= 0).all())
        return self._docs_sorted

    @classmethod
    def build(
        cls,
        name: str,
        passage_doc: np.ndarray,
        spans: np.ndarray,
        bands: np.ndarray,
        words: Postings | None = None,
        bounds: Boundaries | None = None,
    ) -> Segment:
        """Sort each band's keys once so lookups are binary searches."""
        n, nb = bands.shape
        keys = np.empty((nb, n), dtype=np.uint32)
        pids = np.empty((nb, n), dtype=np.uint32)
        for b in range(nb):
            order = np.argsort(bands[:, b], kind="stable")
            keys[b] = bands[order, b]
            pids[b] = order
        return cls(
            name,
            passage_doc.astype(np.int32),
            spans.astype(np.int32),
            keys,
            pids,
            words,
            bounds,
        )

    def save(self, storage: IndexStorage) -> Segment:
        """Write the arrays to the storage; returns the segment to keep (maybe mapped)."""
        arrays = {f: getattr(self, f) for f in _FIELDS}
        arrays.update(word_keys=self.words.keys, word_docs=self.words.docs)
        arrays.update(self.bounds.arrays())
        stored = storage.write_segment(self.name, arrays)
        if stored is None:
            return self
        words = Postings(stored["word_keys"], stored["word_docs"])
        bounds = Boundaries(*(stored[f] for f in BOUNDARY_FIELDS))
        return Segment(self.name, *(stored[f] for f in _FIELDS), words, bounds)

    @classmethod
    def load(cls, storage: IndexStorage, name: str, mmap: bool) -> Segment:
        """Memory-map (or read) a saved segment."""
        # One read of every field (a storage may cache a segment per read). Older
        # segments lack the newer fields: they still load, and screening works
        # without them (no word postings: reindex to fill; no cached boundaries:
        # candidates are segmented afresh).
        arrays: dict[str, np.ndarray] = {}
        for fields in (
            _FIELDS + WORD_FIELDS + BOUNDARY_FIELDS,
            _FIELDS + WORD_FIELDS,
            _FIELDS,
        ):
            try:
                arrays = storage.read_segment(name, fields, mmap)
                break
            except SegmentMissing:
                if fields == _FIELDS:
                    raise
        words = (
            Postings(arrays["word_keys"], arrays["word_docs"])
            if "word_keys" in arrays
            else None
        )
        bounds = (
            Boundaries(*(arrays[f] for f in BOUNDARY_FIELDS))
            if "bound_bits" in arrays
            else None
        )
        return cls(name, *(arrays[f] for f in _FIELDS), words, bounds)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return int(
            self.passage_doc.nbytes
            + self.spans.nbytes
            + self.keys.nbytes
            + self.pids.nbytes
            + self.words.nbytes
            + self.bounds.nbytes
        )
