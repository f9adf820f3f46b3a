"""MinHash fingerprints of overlapping passages, computed for a whole text at once.

The hashing scheme is pinned: token shingles are hashed with `ngram_hashes` (stable
across processes and versions), and the permutations are datasketch 2.0's "affine32"
scheme for the given seed, so a passage's signature is exactly what
`datasketch.MinHash(num_perm, seed, scheme="affine32", hashfunc=int)` would give for
its shingle hashes.  The parameters travel with every index (`FingerprintParams`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from screening.tokenize import TokenStream, mix32, ngram_hashes, token_stream

__all__ = [
    "FingerprintParams",
    "PassageFingerprints",
    "fingerprint_passages",
    "permutations",
]

_FMIX = (
    np.uint32(16),
    np.uint32(0x85EBCA6B),
    np.uint32(13),
    np.uint32(0xC2B2AE35),
    np.uint32(16),
)


@dataclass(frozen=True, slots=True)
class FingerprintParams:
    """How passages are cut and hashed; stored with an index so queries match it."""

    num_perm: int = 24
    band_rows: int = 2
    seed: int = 1
    shingle: int = 3
    window: int = 50
    stride: int = 25
    scheme: str = "affine32"

    def __post_init__(self) -> None:
        if self.num_perm % self.band_rows:
            raise ValueError("num_perm must be a multiple of band_rows")
        if self.window != 2 * self.stride:
            raise ValueError(
                "window must be twice the stride (windows overlap by half)"
            )
        if self.scheme != "affine32":
            raise ValueError("only datasketch's affine32 scheme is supported")

    @property
    def bands(self) -> int:
        """Number of LSH bands."""
        return self.num_perm // self.band_rows

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for the index manifest."""
        return asdict(self)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (a, b) for this seed.

    Drawn here as datasketch 2.0 draws them (`MinHash._init_permutations`: an odd `a`
    and any `b` below 2**32 from `RandomState(seed)`), not by importing datasketch,
    whose package import pulls in scipy and costs a `chengxin screen` run about 0.4 s;
    tests/screening pin the two equal.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3 32-bit finaliser, as datasketch applies before permuting."""
    s1, m1, s2, m2, s3 = _FMIX
    with np.errstate(over="ignore"):
        hv = hv ^ (hv >> s1)
        hv = hv * m1
        hv = hv ^ (hv >> s2)
        hv = hv * m2
        out: np.ndarray = hv ^ (hv >> s3)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class PassageFingerprints:
    """Per passage: its half-open character span and one uint32 key per LSH band."""

    spans: np.ndarray  # int32 [n, 2], into the normalised text
    bands: np.ndarray  # uint32 [n, bands]
    signatures: np.ndarray  # uint32 [n, num_perm]

    def __len__(self) -> int:
        return len(self.spans)


def fingerprint_passages(
    text: str,
    params: FingerprintParams,
    tokens: TokenStream | None = None,
    stride: int | None = None,
) -> PassageFingerprints:
    """MinHash every window of `window` tokens (every `stride` tokens) of normalised text.

    The index stores windows at `params.stride`; queries pass a finer stride (a divisor
    of the window) so that some query window lines up with each stored one wherever a
    copied passage starts.
    """
    if tokens is None:
        tokens = token_stream(text)
    k = params.shingle
    s = stride or params.stride
    if params.window % s:
        raise ValueError("stride must divide the window")
    shingles = ngram_hashes(tokens.ids, k)
    n_sh = len(shingles)
    if n_sh == 0:
        return PassageFingerprints(
            np.zeros((0, 2), dtype=np.int32),
            np.zeros((0, params.bands), dtype=np.uint32),
            np.zeros((0, params.num_perm), dtype=np.uint32),
        )
    a, b = permutations(params.num_perm, params.seed)
    with np.errstate(over="ignore"):
        phv = _fmix32(shingles)[:, None] * a[None, :] + b[None, :]
    m = params.window // s
    block_starts = np.arange(0, n_sh, s)
    block_min = np.minimum.reduceat(phv, block_starts, axis=0)
    n_win = max(1, len(block_starts) - m + 1)
    sigs = block_min[:n_win].copy()
    for j in range(1, m):
        part = block_min[j : j + n_win]
        sigs[: len(part)] = np.minimum(sigs[: len(part)], part)
    win_first = block_starts[:n_win]
    win_last_sh = np.minimum(win_first + params.window, n_sh) - 1
    # A window covers its shingles' tokens: [first, last shingle start + k).
    last_tok = np.minimum(win_last_sh + k - 1, len(tokens) - 1)
    spans = np.stack((tokens.starts[win_first], tokens.ends[last_tok]), axis=1).astype(
        np.int32
    )
    bands = band_keys(sigs, params.band_rows)
    return PassageFingerprints(spans, bands, sigs)


def band_keys(signatures: np.ndarray, band_rows: int) -> np.ndarray:
    """One stable uint32 key per band from its `band_rows` consecutive MinHash values."""
    n, num_perm = signatures.shape
    nb = num_perm // band_rows
    acc = np.zeros((n, nb), dtype=np.uint64)
    view = signatures.reshape(n, nb, band_rows).astype(np.uint64)
    with np.errstate(over="ignore"):
        for r in range(band_rows):
            acc = acc * np.uint64(0x100000001B3) + view[:, :, r]
    return mix32(acc)
