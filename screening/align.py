"""Passage alignment of two texts: seed, extend, filter (PAN text-alignment style).

After Sanchez-Perez, Sidorov & Gelbukh (PAN 2014): sentence pairs whose TF-ISF cosine
and Dice coefficient both pass a threshold are seeds, plus exact token n-gram runs for
verbatim copies.  Sentence seeds are one-to-one (greedy by cosine) and exact runs may not
overlap, so a phrase repeated elsewhere cannot stretch a passage.  Seeds close in both
texts are clustered into passages (one text may be reordered, as in mosaic plagiarism);
a cluster is trimmed to its shared features and validated by the cosine of its token
trigram sets (the passage score), and one that fails is re-clustered with a smaller gap.
Overlapping and short passages are filtered.  Sentence features are CJK character
bigrams and non-CJK words, so Chinese, English and mixed text align the same way.

The computation is done on a canonical ordering of the two texts, so swapping them
gives mirrored passages with identical scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.normalize import NormalizedText, normalize
from screening.tokenize import TokenStream, mix32, ngram_hashes, sentences, token_stream

__all__ = ["AlignedPassage", "AlignParams", "align", "similarity"]


@dataclass(frozen=True, slots=True)
class AlignedPassage:
    """A reused passage: half-open spans in the source and target text, and its score."""

    src_span: tuple[int, int]
    tgt_span: tuple[int, int]
    score: float


@dataclass(frozen=True, slots=True)
class AlignParams:
    """Thresholds of the aligner (characters are normalised code points)."""

    th_cos: float = 0.33
    th_dice: float = 0.33
    exact_ngram: int = 8
    max_ngram_freq: int = 4
    gap_near: int = 120
    gap_far: int = 800
    min_sim: float = 0.47
    min_chars: int = 40
    # Short overlaps of formulaic text (methods sections, stock phrasing) are fuzzy;
    # below `fuzzy_score` a passage must be at least `fuzzy_min_chars` long.
    fuzzy_score: float = 0.7
    fuzzy_min_chars: int = 80
    sentence_max_chars: int = 150


@dataclass(slots=True)
class _Side:
    """Per-text features: sentences, tokens and positioned feature hashes."""

    text: str
    sents: np.ndarray  # int32 [n, 2]
    tokens: TokenStream
    feat: np.ndarray  # uint32 feature hashes, in text order
    feat_pos: np.ndarray  # int32 start char of each feature
    feat_end: np.ndarray  # int32 end char of each feature
    feat_sent: np.ndarray  # int64 sentence index of each feature (-1 outside)


def _features(text: str, params: AlignParams) -> _Side:
    """CJK character bigrams and non-CJK words, each with its position and sentence."""
    sents = np.array(
        sentences(text, max_chars=params.sentence_max_chars), dtype=np.int32
    ).reshape(-1, 2)
    tokens = token_stream(text)
    ids = tokens.ids.astype(np.uint64)
    cjk = tokens.is_cjk
    if len(sents):
        sid = np.searchsorted(sents[:, 0], tokens.starts, side="right") - 1
        inside = (sid >= 0) & (tokens.starts < sents[np.clip(sid, 0, None), 1])
        sid = np.where(inside, sid, -1)
    else:
        sid = np.full(len(tokens), -1, dtype=np.int64)
    pair = (
        cjk[:-1] & cjk[1:] & (sid[:-1] == sid[1:])
        if len(ids) > 1
        else np.zeros(0, dtype=bool)
    )
    with np.errstate(over="ignore"):
        bigram = mix32(ids[:-1] * np.uint64(0x100000001B3) + ids[1:])
    b_idx = np.flatnonzero(pair)
    w_idx = np.flatnonzero(~cjk)
    # Isolated CJK characters (no CJK neighbour in the sentence) count as unigrams.
    has_left = np.concatenate(([False], pair))
    has_right = np.concatenate((pair, [False]))
    u_idx = np.flatnonzero(cjk & ~has_left & ~has_right)
    feat = np.concatenate(
        (bigram[b_idx], tokens.ids[w_idx] | np.uint32(1), tokens.ids[u_idx])
    )
    pos_tok = np.concatenate((b_idx, w_idx, u_idx))
    end_tok = np.concatenate((b_idx + 1, w_idx, u_idx))
    order = np.argsort(pos_tok, kind="stable")
    pos_tok = pos_tok[order]
    end_tok = end_tok[order]
    return _Side(
        text,
        sents,
        tokens,
        feat[order],
        tokens.starts[pos_tok],
        tokens.ends[end_tok],
        sid[pos_tok],
    )


def _fragment_features(side: _Side, start: int, end: int) -> np.ndarray:
    lo = np.searchsorted(side.feat_pos, start, side="left")
    hi = np.searchsorted(side.feat_pos, end, side="left")
    return side.feat[lo:hi]


def _trim(side: _Side, start: int, end: int, other: np.ndarray) -> tuple[int, int]:
    """Shrink a span to run from the first to the last pair of adjacent shared features.

    Sentence seeds cover whole sentences; a sentence glued to its neighbour (no end
    mark, a heading) would otherwise drag unrelated text into the passage.
    """
    lo = int(np.searchsorted(side.feat_pos, start, side="left"))
    hi = int(np.searchsorted(side.feat_pos, end, side="left"))
    if hi - lo < 2:
        return start, end
    shared = np.isin(side.feat[lo:hi], other)
    both = np.flatnonzero(shared[:-1] & shared[1:])
    if not len(both):
        return start, end
    new_start = int(side.feat_pos[lo + both[0]])
    new_end = int(side.feat_end[lo + both[-1] + 1])
    # Keep the end mark of the last sentence when the span already reached it.
    if (
        new_end < end
        and end - new_end <= 2
        and not side.text[new_end:end].strip(".!?;,:\"' ")
    ):
        new_end = end
    return max(start, new_start), min(end, max(new_end, new_start))


def _set_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two feature sets: symmetric, 1 for identical, 0 for disjoint."""
    ua = np.unique(a)
    ub = np.unique(b)
    if not len(ua) or not len(ub):
        return 0.0
    inter = len(np.intersect1d(ua, ub, assume_unique=True))
    return float(inter / np.sqrt(len(ua) * len(ub)))


def _token_trigrams(side: _Side, start: int, end: int) -> np.ndarray:
    lo = int(np.searchsorted(side.tokens.starts, start, side="left"))
    hi = int(np.searchsorted(side.tokens.starts, end, side="left"))
    return ngram_hashes(side.tokens.ids[lo:hi], 3)


def _trigram_cosine(a: _Side, a0: int, a1: int, b: _Side, b0: int, b1: int) -> float:
    """Passage score: cosine of the token-trigram sets (sharper than bigrams on topic)."""
    return _set_cosine(_token_trigrams(a, a0, a1), _token_trigrams(b, b0, b1))


def similarity(a: str, b: str) -> float:
    """Symmetric similarity of two (normalised) fragments in [0, 1]: the passage score."""
    params = AlignParams()
    sa, sb = _features(a, params), _features(b, params)
    return _trigram_cosine(sa, 0, len(a), sb, 0, len(b))


def _sentence_seeds(a: _Side, b: _Side, params: AlignParams) -> np.ndarray:
    """Sentence pairs passing TF-ISF cosine and Dice thresholds, as char-span seeds."""
    na, nb = len(a.sents), len(b.sents)
    if not na or not nb:
        return np.zeros((0, 4), dtype=np.int64)
    ma = a.feat_sent >= 0
    mb = b.feat_sent >= 0
    vocab, inv = np.unique(
        np.concatenate((a.feat[ma], b.feat[mb])), return_inverse=True
    )
    ca = inv[: int(ma.sum())]
    cb = inv[int(ma.sum()) :]
    # scipy costs ~0.25 s to import: loaded by the first alignment, not at start-up.
    import scipy.sparse as sp

    xa = sp.csr_matrix(
        (np.ones(len(ca)), (a.feat_sent[ma], ca)), shape=(na, len(vocab))
    )
    xb = sp.csr_matrix(
        (np.ones(len(cb)), (b.feat_sent[mb], cb)), shape=(nb, len(vocab))
    )
    xa.sum_duplicates()
    xb.sum_duplicates()
    ba = (xa > 0).astype(np.float64)
    bb = (xb > 0).astype(np.float64)
    # Inverse sentence frequency over the sentences of both texts.
    sf = np.asarray(ba.sum(axis=0)).ravel() + np.asarray(bb.sum(axis=0)).ravel()
    isf = np.log((1.0 + na + nb) / (1.0 + sf)) + 1.0  # smoothed, as sklearn does
    wa = xa.multiply(isf[None, :]).tocsr()
    wb = xb.multiply(isf[None, :]).tocsr()
    norm_a = np.sqrt(np.asarray(wa.multiply(wa).sum(axis=1)).ravel())
    norm_b = np.sqrt(np.asarray(wb.multiply(wb).sum(axis=1)).ravel())
    inter = (ba @ bb.T).tocoo()
    if inter.nnz == 0:
        return np.zeros((0, 4), dtype=np.int64)
    size_a = np.asarray(ba.sum(axis=1)).ravel()
    size_b = np.asarray(bb.sum(axis=1)).ravel()
    i, j = inter.row, inter.col
    dice = 2 * inter.data / (size_a[i] + size_b[j])
    cand = dice > params.th_dice
    i, j = i[cand], j[cand]
    if not len(i):
        return np.zeros((0, 4), dtype=np.int64)
    dots = np.asarray(wa[i].multiply(wb[j]).sum(axis=1)).ravel()
    denom = norm_a[i] * norm_b[j]
    cos = np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0)
    ok = cos > params.th_cos
    i, j, cos = i[ok], j[ok], cos[ok]
    if not len(i):
        return np.zeros((0, 4), dtype=np.int64)
    # One-to-one (greedy by cosine): a copied sentence must not also pull in a similar
    # or repeated sentence elsewhere in the source, nor two sentences claim one.
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[int] = []
    for k in np.lexsort((j, i, -cos)).tolist():
        ii, jj = int(i[k]), int(j[k])
        if ii in used_a or jj in used_b:
            continue
        used_a.add(ii)
        used_b.add(jj)
        chosen.append(k)
    i, j = i[chosen], j[chosen]
    return np.stack(
        (a.sents[i, 0], a.sents[i, 1], b.sents[j, 0], b.sents[j, 1]), axis=1
    ).astype(np.int64)


def _exact_seeds(a: _Side, b: _Side, params: AlignParams) -> np.ndarray:
    """Runs of shared token n-grams on one diagonal: verbatim copies, exact bounds."""
    k = params.exact_ngram
    ha = ngram_hashes(a.tokens.ids, k)
    hb = ngram_hashes(b.tokens.ids, k)
    if not len(ha) or not len(hb):
        return np.zeros((0, 4), dtype=np.int64)
    common = np.intersect1d(ha, hb)
    if not len(common):
        return np.zeros((0, 4), dtype=np.int64)
    pa = np.flatnonzero(np.isin(ha, common))
    pb = np.flatnonzero(np.isin(hb, common))
    # Hashes that repeat a lot (lists, tables, stock phrases) would pair everything.
    ua, cnt_a = np.unique(ha[pa], return_counts=True)
    ub, cnt_b = np.unique(hb[pb], return_counts=True)
    rare = np.intersect1d(
        ua[cnt_a <= params.max_ngram_freq], ub[cnt_b <= params.max_ngram_freq]
    )
    pa = pa[np.isin(ha[pa], rare)]
    pb = pb[np.isin(hb[pb], rare)]
    if not len(pa):
        return np.zeros((0, 4), dtype=np.int64)
    order_b = np.argsort(hb[pb], kind="stable")
    sb_h = hb[pb][order_b]
    sb_p = pb[order_b]
    lo = np.searchsorted(sb_h, ha[pa], side="left")
    hi = np.searchsorted(sb_h, ha[pa], side="right")
    counts = hi - lo
    ia = np.repeat(pa, counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    ib = sb_p[starts + np.arange(int(counts.sum()))]
    diag = ib.astype(np.int64) - ia.astype(np.int64)
    order = np.lexsort((ia, diag))
    ia, ib, diag = ia[order], ib[order], diag[order]
    brk = np.flatnonzero((np.diff(diag) != 0) | (np.diff(ia) > k)) + 1
    first = np.r_[0, brk]
    last = np.r_[brk, len(ia)] - 1
    a_tok_s, a_tok_e = ia[first], ia[last] + k - 1
    b_tok_s, b_tok_e = ib[first], ib[last] + k - 1
    # Where runs overlap in either text, the longest wins: a phrase repeated elsewhere
    # in the source must not stretch the passage to cover that repetition.
    run_len = a_tok_e - a_tok_s
    cov_a = np.zeros(len(a.tokens) + 1, dtype=bool)
    cov_b = np.zeros(len(b.tokens) + 1, dtype=bool)
    keep: list[int] = []
    for r in np.argsort(-run_len, kind="stable").tolist():
        sa, ea, sb, eb = (
            int(a_tok_s[r]),
            int(a_tok_e[r]) + 1,
            int(b_tok_s[r]),
            int(b_tok_e[r]) + 1,
        )
        if cov_a[sa:ea].any() or cov_b[sb:eb].any():
            continue
        cov_a[sa:ea] = True
        cov_b[sb:eb] = True
        keep.append(r)
    sel = np.array(sorted(keep), dtype=np.int64)
    a_tok_s, a_tok_e, b_tok_s, b_tok_e = (
        a_tok_s[sel],
        a_tok_e[sel],
        b_tok_s[sel],
        b_tok_e[sel],
    )
    ts_a, ts_b = a.tokens, b.tokens
    return np.stack(
        (
            ts_a.starts[a_tok_s],
            ts_a.ends[a_tok_e],
            ts_b.starts[b_tok_s],
            ts_b.ends[b_tok_e],
        ),
        axis=1,
    ).astype(np.int64)


def _gaps(
    s: np.ndarray, e: np.ndarray, idx_i: np.ndarray, idx_j: np.ndarray
) -> np.ndarray:
    gaps: np.ndarray = np.maximum(
        0, np.maximum(s[idx_i], s[idx_j]) - np.minimum(e[idx_i], e[idx_j])
    )
    return gaps


def _cluster(seeds: np.ndarray, params: AlignParams, gap_far: int) -> list[np.ndarray]:
    """Connected components of seeds close in both texts (near in one, within far in the other)."""
    n = len(seeds)
    if n == 0:
        return []
    order = np.argsort(seeds[:, 2], kind="stable")
    seeds = seeds[order]
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    # Seeds sorted by target start: only pairs within gap_far in the target can link.
    bs, be = seeds[:, 2], seeds[:, 3]
    max_end = np.maximum.accumulate(be)
    limit = np.searchsorted(bs, max_end + gap_far, side="right")
    for i in range(n):
        j = np.arange(i + 1, limit[i])
        if not len(j):
            continue
        ii = np.full(len(j), i)
        gb = _gaps(seeds[:, 2], seeds[:, 3], ii, j)
        ga = _gaps(seeds[:, 0], seeds[:, 1], ii, j)
        ok = ((gb <= params.gap_near) & (ga <= gap_far)) | (
            (ga <= params.gap_near) & (gb <= gap_far)
        )
        rows.append(ii[ok])
        cols.append(j[ok])
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    import scipy.sparse as sp  # lazily, as in `_sentence_seeds`
    from scipy.sparse.csgraph import connected_components

    graph = sp.coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
    n_comp, labels = connected_components(graph, directed=False)
    return [seeds[labels == k] for k in range(n_comp)]


def _validate(
    a: _Side, b: _Side, group: np.ndarray, params: AlignParams
) -> tuple[int, int, int, int, float] | None:
    """The passage a seed cluster spans (trimmed), if long and similar enough."""
    a0, a1 = int(group[:, 0].min()), int(group[:, 1].max())
    b0, b1 = int(group[:, 2].min()), int(group[:, 3].max())
    fa = _fragment_features(a, a0, a1)
    fb = _fragment_features(b, b0, b1)
    a0, a1 = _trim(a, a0, a1, fb)
    b0, b1 = _trim(b, b0, b1, fa)
    if min(a1 - a0, b1 - b0) < params.min_chars:
        return None
    score = _trigram_cosine(a, a0, a1, b, b0, b1)
    if score < params.min_sim:
        return None
    if score < params.fuzzy_score and min(a1 - a0, b1 - b0) < params.fuzzy_min_chars:
        return None
    return a0, a1, b0, b1, score


def _align_sides(
    a: _Side, b: _Side, params: AlignParams
) -> list[tuple[int, int, int, int, float]]:
    seeds = np.concatenate((_sentence_seeds(a, b, params), _exact_seeds(a, b, params)))
    found: list[tuple[int, int, int, int, float]] = []
    # A cluster failing validation is re-clustered with a smaller gap (Sanchez-Perez et
    # al.): one stray seed linked from afar must not sink a real passage.
    gaps = [g for g in (params.gap_far, 300, params.gap_near) if g <= params.gap_far]
    stack: list[tuple[np.ndarray, int]] = [(seeds, 0)]
    while stack:
        group_seeds, level = stack.pop()
        for group in _cluster(group_seeds, params, gaps[level]):
            passage = _validate(a, b, group, params)
            if passage is not None:
                found.append(passage)
            elif level + 1 < len(gaps) and len(group) > 1:
                stack.append((group, level + 1))
    # Overlap filter: of passages overlapping in either text, keep the stronger one.
    found.sort(key=lambda p: -(p[4] * (p[3] - p[2] + p[1] - p[0])))
    kept: list[tuple[int, int, int, int, float]] = []
    for p in found:
        clash = False
        for q in kept:
            ob = min(p[3], q[3]) - max(p[2], q[2])
            oa = min(p[1], q[1]) - max(p[0], q[0])
            if ob > 0.5 * (p[3] - p[2]) or (ob > 0 and oa > 0):
                clash = True
                break
        if not clash:
            kept.append(p)
    kept.sort(key=lambda p: (p[2], p[0]))
    return kept


def align(
    src: str | NormalizedText,
    tgt: str | NormalizedText,
    params: AlignParams | None = None,
) -> list[AlignedPassage]:
    """Find reused passages between `src` and `tgt`.

    Plain strings are normalised first and the spans mapped back, so spans are always
    code points into the strings given (or into `.text` for `NormalizedText` inputs
    mapped through their offset map: into the original text).
    """
    params = params or AlignParams()
    na = src if isinstance(src, NormalizedText) else normalize(src)
    nb = tgt if isinstance(tgt, NormalizedText) else normalize(tgt)
    swapped = (len(na.text), na.text) > (len(nb.text), nb.text)
    first, second = (nb, na) if swapped else (na, nb)
    raw = _align_sides(
        _features(first.text, params), _features(second.text, params), params
    )
    out: list[AlignedPassage] = []
    for a0, a1, b0, b1, score in raw:
        span_first = first.span_to_original(a0, a1)
        span_second = second.span_to_original(b0, b1)
        src_span, tgt_span = (
            (span_second, span_first) if swapped else (span_first, span_second)
        )
        out.append(AlignedPassage(src_span, tgt_span, round(score, 6)))
    out.sort(key=lambda p: (p.tgt_span, p.src_span))
    return out
