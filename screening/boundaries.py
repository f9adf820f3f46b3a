"""Word boundaries of corpus documents, cached in the index's segments.

The meaning layer aligns a thesis with its candidate sources word by word, and cutting a
source into jieba words is the costly step of screening. The index already cuts every
document once (for its word postings), so it keeps where each token starts: one bit per
character of the normalised text (0.125 bytes per corpus character), packed per
document. Slicing the document's text at those bits gives back exactly the tokens jieba
gave, with no dictionary lookup and no string table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BOUNDARY_FIELDS",
    "Boundaries",
    "merge_boundaries",
    "pack_starts",
    "tokens_within",
    "unpack_tokens",
]

BOUNDARY_FIELDS = ("bound_docs", "bound_offsets", "bound_bits")


def pack_starts(length: int, starts: Sequence[int] | np.ndarray) -> np.ndarray:
    """Token boundaries (where tokens start or end) in a text of `length` characters,
    as packed bits."""
    bits = np.zeros(length, dtype=bool)
    if len(starts):
        bits[np.asarray(starts, dtype=np.int64)] = True
    return np.packbits(bits)


def unpack_tokens(
    text: str, bits: np.ndarray, within: Sequence[tuple[int, int]] | None = None
) -> list[tuple[str, int, int]]:
    """The non-blank tokens (word, start, end) that the packed boundaries cut `text`
    into: what `Tokenizer.words` gave for it; with `within` (sorted, disjoint spans),
    only the tokens lying inside them, as `tokens_within` keeps (no other is built)."""
    n = len(text)
    starts = np.flatnonzero(np.unpackbits(np.asarray(bits), count=n))
    if not len(starts) or starts[0] != 0:
        starts = np.concatenate([np.zeros(1, dtype=starts.dtype), starts])
    ends = np.append(starts[1:], n)
    if within is not None:
        lo = np.array([s for s, _ in within], dtype=np.int64)
        hi = np.array([e for _, e in within], dtype=np.int64)
        k = np.searchsorted(lo, starts, side="right") - 1
        ok = (k >= 0) & (ends <= hi[np.maximum(k, 0)]) if len(lo) else k >= 0
        starts, ends = starts[ok], ends[ok]
    # One comprehension, not a loop of appends: a thesis-length source has thousands.
    return [
        (word, s, e)
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
        if not (word := text[s:e]).isspace()
    ]


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Packed token starts of documents: document numbers (sorted), each one's byte
    range in `bits`."""

    docs: np.ndarray  # int32 [n], sorted
    offsets: np.ndarray  # int64 [n + 1]
    bits: np.ndarray  # uint8, each document's bits padded to whole bytes

    @classmethod
    def empty(cls) -> Boundaries:
        """No cached boundaries (a segment written before the cache)."""
        return cls(
            np.zeros(0, dtype=np.int32),
            np.zeros(1, dtype=np.int64),
            np.zeros(0, dtype=np.uint8),
        )

    @classmethod
    def build(cls, docs: Sequence[int], packed: Sequence[np.ndarray]) -> Boundaries:
        """Boundaries of documents from their packed bits (an empty array: none)."""
        keep = [(d, p) for d, p in zip(docs, packed, strict=True) if len(p)]
        if not keep:
            return cls.empty()
        keep.sort(key=lambda x: x[0])
        sizes = np.array([len(p) for _, p in keep], dtype=np.int64)
        return cls(
            np.array([d for d, _ in keep], dtype=np.int32),
            np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            np.concatenate([np.asarray(p, dtype=np.uint8) for _, p in keep]),
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays under their segment field names."""
        return dict(
            zip(BOUNDARY_FIELDS, (self.docs, self.offsets, self.bits), strict=True)
        )

    def get(self, doc: int) -> np.ndarray | None:
        """The packed starts of document number `doc`, or None when not cached."""
        i = int(np.searchsorted(self.docs, doc))
        if i >= len(self.docs) or int(self.docs[i]) != doc:
            return None
        return np.asarray(self.bits[int(self.offsets[i]) : int(self.offsets[i + 1])])

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return int(self.docs.nbytes + self.offsets.nbytes + self.bits.nbytes)


def merge_boundaries(parts: Sequence[Boundaries], alive: np.ndarray) -> Boundaries:
    """One `Boundaries` of the live documents of `parts` (documents are in one part)."""
    docs: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    chunks: list[np.ndarray] = []
    for part in parts:
        d = np.asarray(part.docs)
        if not len(d):
            continue
        off = np.asarray(part.offsets)
        mask = alive[d]
        lo, hi = off[:-1][mask], off[1:][mask]
        docs.append(d[mask])
        sizes.append(hi - lo)
        total = int((hi - lo).sum())
        starts = np.repeat(lo - np.cumsum(hi - lo) + (hi - lo), hi - lo)
        chunks.append(np.asarray(part.bits)[starts + np.arange(total)])
    if not docs:
        return Boundaries.empty()
    all_docs = np.concatenate(docs)
    all_sizes = np.concatenate(sizes)
    bits = np.concatenate(chunks)
    order = np.argsort(all_docs, kind="stable")
    if (np.diff(order) != 1).any():  # parts out of document order: reorder bytes
        starts = np.concatenate([[0], np.cumsum(all_sizes)])[:-1][order]
        sz = all_sizes[order]
        pos = np.repeat(starts - np.cumsum(sz) + sz, sz) + np.arange(int(sz.sum()))
        bits, all_docs, all_sizes = bits[pos], all_docs[order], sz
    return Boundaries(
        all_docs.astype(np.int32),
        np.concatenate([[0], np.cumsum(all_sizes)]).astype(np.int64),
        bits.astype(np.uint8),
    )


def tokens_within(
    tokens: list[tuple[str, int, int]], spans: list[tuple[int, int]]
) -> list[tuple[str, int, int]]:
    """The tokens lying inside the sorted, disjoint `spans` (e.g. chosen sentences)."""
    if not spans or not tokens:
        return []
    lo = np.array([s for s, _ in spans], dtype=np.int64)
    hi = np.array([e for _, e in spans], dtype=np.int64)
    starts = np.array([t[1] for t in tokens], dtype=np.int64)
    ends = np.array([t[2] for t in tokens], dtype=np.int64)
    k = np.searchsorted(lo, starts, side="right") - 1
    ok = (k >= 0) & (ends <= hi[np.maximum(k, 0)])
    return [t for t, keep in zip(tokens, ok.tolist(), strict=True) if keep]
