"""Seeded character-level Markov text trained on the CSL abstracts, fast enough for 1G chars.

The model is order-k over characters: for each k-character context, the characters that
follow it in the training text, with repeats (sampling a random occurrence is sampling by
frequency).  Generation is vectorised across many documents at once, so 100,000 documents
of 5,000-20,000 characters take minutes, not hours.  The n-gram statistics up to k+1 are
those of real Chinese scientific prose, and documents do not repeat each other (no long
shared runs beyond what the language itself shares).

Corpora are cached as uint16 character ids (`ids.npy`) plus document offsets
(`offsets.npy`) under a benchmark directory outside the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["MarkovModel", "MarkovCorpus", "train", "generate_corpus"]


@dataclass
class MarkovModel:
    """Order-k character model: sorted context keys, occurrence ranges, next characters."""

    order: int
    vocab: np.ndarray  # <U1 array: id -> character
    keys: np.ndarray  # int64 sorted unique context keys
    starts: np.ndarray  # int64 start of each context's occurrences in `nexts`
    counts: np.ndarray  # int64 number of occurrences
    nexts: np.ndarray  # uint16 next character ids, grouped by context
    start_keys: np.ndarray  # int64 context keys at which documents may start
    succ: np.ndarray | None = None  # int64 context index after each occurrence

    def _key(self, history: np.ndarray) -> np.ndarray:
        v = np.int64(len(self.vocab))
        key = np.zeros(history.shape[0], dtype=np.int64)
        for j in range(self.order):
            key = key * v + history[:, j].astype(np.int64)
        return key

    def generate(self, lengths: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Character ids of len(lengths) documents, concatenated (uint16).

        Each step draws an occurrence of the current context in the training text: its
        next character is emitted and the context at the following position (known in
        advance, `succ`) becomes the current one, so a step is three array lookups.
        """
        assert self.succ is not None, "train() sets succ"
        n = len(lengths)
        total = int(lengths.max())
        out = np.empty((n, total), dtype=np.uint16)
        v = np.int64(len(self.vocab))
        k = self.order
        key = self.start_keys[rng.integers(0, len(self.start_keys), n)]
        tmp = key.copy()
        for j in range(k - 1, -1, -1):
            out[:, j] = (tmp % v).astype(np.uint16)
            tmp //= v
        ctx = np.searchsorted(self.keys, key)
        for t in range(k, total):
            pick = self.starts[ctx] + (rng.random(n) * self.counts[ctx]).astype(
                np.int64
            )
            out[:, t] = self.nexts[pick]
            ctx = self.succ[pick]
        return np.concatenate([out[i, : lengths[i]] for i in range(n)])


def train(texts: list[str], order: int = 3) -> MarkovModel:
    """Count every (context, next character) occurrence of the texts."""
    joined = "\n".join(texts) + "\n"
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    uniq, ids = np.unique(cps, return_inverse=True)
    if len(uniq) >= 65535:
        raise ValueError("vocabulary too large for uint16 ids")
    vocab = np.array([chr(int(c)) for c in uniq])
    ids = ids.astype(np.int64)
    v = np.int64(len(uniq))
    n = len(ids) - order
    key = np.zeros(n, dtype=np.int64)
    for j in range(order):
        key = key * v + ids[j : j + n]
    nxt = ids[order:].astype(np.uint16)
    order_idx = np.argsort(key, kind="stable")
    key_sorted = key[order_idx]
    keys, starts, counts = np.unique(key_sorted, return_index=True, return_counts=True)
    # Documents start after a line break (the start of an abstract or paragraph).
    newline = int(np.searchsorted(uniq, ord("\n")))
    after_nl = np.flatnonzero(ids[: n - 1] == newline) + 1
    start_keys = np.unique(key[after_nl[after_nl < n]])
    # The context index at each training position, and after each sorted occurrence.
    ctx_at = np.searchsorted(keys, key)
    following = np.append(ctx_at[1:], np.searchsorted(keys, start_keys[0]))
    return MarkovModel(
        order,
        vocab,
        keys,
        starts.astype(np.int64),
        counts.astype(np.int64),
        nxt[order_idx],
        start_keys,
        following[order_idx].astype(np.int64),
    )


class MarkovCorpus:
    """A generated corpus on disk: documents as slices of one uint16 id array."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ids = np.load(directory / "ids.npy", mmap_mode="r")
        self.offsets = np.load(directory / "offsets.npy")
        self.vocab = np.load(directory / "vocab.npy")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def doc_id(self, i: int) -> str:
        """The id of document i."""
        return f"m{i:06d}"

    def text(self, i: int) -> str:
        """Document i's text."""
        return decode(self.vocab, self.ids[self.offsets[i] : self.offsets[i + 1]])

    @property
    def n_chars(self) -> int:
        """Characters in the corpus."""
        return int(self.offsets[-1])


def decode(vocab: np.ndarray, ids: np.ndarray) -> str:
    """Characters of an id array."""
    return vocab[np.asarray(ids)].tobytes().decode("utf-32-le")


def _generate_chunk(args: tuple[MarkovModel, int, int, int, int, int]) -> np.ndarray:
    model, seed, chunk, n_docs, min_len, max_len = args
    rng = np.random.default_rng([seed, chunk])
    lengths = rng.integers(min_len, max_len + 1, n_docs)
    ids = model.generate(lengths, rng)
    return np.concatenate(([len(lengths)], lengths, ids.astype(np.int64)))


def generate_corpus(
    model: MarkovModel,
    directory: Path,
    *,
    n_docs: int,
    seed: int,
    min_len: int = 5000,
    max_len: int = 20000,
    processes: int | None = None,
    chunk_docs: int = 1000,
) -> MarkovCorpus:
    """Generate (or reuse the cached) corpus of n_docs documents in `directory`."""
    if (directory / "offsets.npy").exists():
        return MarkovCorpus(directory)
    import multiprocessing as mp

    directory.mkdir(parents=True, exist_ok=True)
    chunks = [
        (model, seed, c, min(chunk_docs, n_docs - c * chunk_docs), min_len, max_len)
        for c in range((n_docs + chunk_docs - 1) // chunk_docs)
    ]
    tmp = directory / "ids.tmp"
    lengths: list[np.ndarray] = []
    with (
        mp.get_context("fork").Pool(processes or os.cpu_count() or 1) as pool,
        open(tmp, "wb") as fh,
    ):
        for packed in pool.imap(_generate_chunk, chunks):
            k = int(packed[0])
            lengths.append(packed[1 : 1 + k])
            fh.write(packed[1 + k :].astype(np.uint16).tobytes())
    all_lengths = np.concatenate(lengths)
    offsets = np.concatenate(([0], np.cumsum(all_lengths))).astype(np.int64)
    raw = np.fromfile(tmp, dtype=np.uint16)
    np.save(directory / "ids.npy", raw)
    tmp.unlink()
    np.save(directory / "vocab.npy", model.vocab)
    np.save(directory / "offsets.npy", offsets)
    return MarkovCorpus(directory)
