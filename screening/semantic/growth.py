"""Growing a meaning passage, after Sanchez-Perez et al. (PAN 2014): words matched one
to one between sentence groups, and a cluster of seeds grown sentence by sentence at its
ends (by a next sentence the other side's passage says, or by the sentence pair at its
corner). `passages.Alignment` seeds, clusters and judges; this module grows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from screening.semantic.weights import LOOSE_CREDIT, Weights

if TYPE_CHECKING:
    from screening.semantic.align import MeaningParams, MeaningSide

__all__ = ["Overlap", "Seed", "corner", "extend", "match_words", "next_to"]

# A seed: thesis sentence, source sentence, score, aligned (thesis, source) word pairs.
Seed = tuple[int, int, float, list[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class Overlap:
    """Weighted Dice of two word groups, the thesis side's covered share, the pairs."""

    dice: float
    containment: float
    pairs: list[tuple[int, int]]


def match_words(
    q_idx: Sequence[int],
    s_idx: Sequence[int],
    q_keys: list[tuple[str, ...]],
    s_keys: list[tuple[str, ...]],
    qw: list[float],
    sw: list[float],
) -> Overlap:
    """Weighted Dice of a one-to-one matching of words sharing a key, and the pairs."""
    by_key: dict[str, list[tuple[int, bool]]] = {}
    for j in s_idx:
        for k in s_keys[j]:
            loose = k.startswith("~")
            by_key.setdefault(k[1:] if loose else k, []).append((j, loose))
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    matched = 0.0
    matched_q = 0.0
    for i in sorted(q_idx, key=lambda i: -qw[i]):
        best, best_credit = -1, 0.0
        for k in q_keys[i]:
            q_loose = k.startswith("~")
            for j, s_loose in by_key.get(k[1:] if q_loose else k, ()):
                credit = LOOSE_CREDIT if (q_loose or s_loose) else 1.0
                if j not in used and (credit, sw[j]) > (best_credit, sw[best]):
                    best, best_credit = j, credit
        if best >= 0:
            used.add(best)
            pairs.append((i, best))
            matched += best_credit * (qw[i] + sw[best])
            matched_q += best_credit * qw[i]
    total_q = sum(qw[i] for i in q_idx)
    total = total_q + sum(sw[j] for j in s_idx)
    return Overlap(
        matched / total if total else 0.0,
        matched_q / total_q if total_q else 0.0,
        pairs,
    )


def extend(
    cluster: list[Seed],
    groups: tuple[list[list[int]], list[list[int]]],
    keys: tuple[list[tuple[str, ...]], list[tuple[str, ...]]],
    sides: tuple[MeaningSide, MeaningSide],
    weights: Weights,
    params: MeaningParams,
    taken: set[int],
) -> list[Seed]:
    """The cluster grown sentence by sentence at its four ends, as long as the next
    sentence's words are mostly found in the other text's passage.

    Seeds are sentence pairs; a rewrite also merges two source sentences into one, splits
    one into two, or frames the seeds with a question: such a sentence matches no single
    sentence well, but the passage as a whole says it.
    """
    q_groups, s_groups = groups
    tgt, src = sides
    out = list(cluster)
    grown = True
    while grown:
        grown = False
        q_lo, q_hi = min(x[0] for x in out), max(x[0] for x in out)
        s_lo, s_hi = min(x[1] for x in out), max(x[1] for x in out)
        # Words pair one to one across the passage: a next sentence is matched with
        # the other side's words no seed has paired yet (a verbatim copy leaves none
        # for the source's next sentence, however many terms it repeats).
        used_q = {i for x in out for i, _ in x[3]}
        used_s = {j for x in out for _, j in x[3]}
        s_words = [
            j for si in range(s_lo, s_hi + 1) for j in s_groups[si] if j not in used_s
        ]
        for qi, at_q in ((q_lo - 1, q_lo), (q_hi + 1, q_hi)):
            if qi not in taken and next_to(tgt, min(qi, at_q), max(qi, at_q)):
                ov = match_words(
                    q_groups[qi], s_words, keys[0], keys[1], weights.q, weights.s
                )
                if extends(ov, ov.pairs, weights, params):
                    at = Counter(int(src.word_sent[j]) for _, j in ov.pairs)
                    # Grown, not seeded: its score vouches for nothing on its own.
                    out.append((qi, at.most_common(1)[0][0], 0.0, ov.pairs))
                    taken.add(qi)
                    grown = True
        q_words = [
            i for qi in range(q_lo, q_hi + 1) for i in q_groups[qi] if i not in used_q
        ]
        for si, at_s in ((s_lo - 1, s_lo), (s_hi + 1, s_hi)):
            if next_to(src, min(si, at_s), max(si, at_s)):
                ov = match_words(
                    s_groups[si], q_words, keys[1], keys[0], weights.s, weights.q
                )
                pairs = [(i, j) for j, i in ov.pairs]
                if extends(ov, pairs, weights, params):
                    at = Counter(int(tgt.word_sent[i]) for i, _ in pairs)
                    out.append((at.most_common(1)[0][0], si, 0.0, pairs))
                    grown = True
        if not grown:
            pair = corner(out, groups, keys, sides, weights, params, taken)
            if pair is not None:
                out.append(pair)
                taken.add(pair[0])
                grown = True
    return sorted(out, key=lambda x: (x[0], x[1]))


def corner(
    cluster: list[Seed],
    groups: tuple[list[list[int]], list[list[int]]],
    keys: tuple[list[tuple[str, ...]], list[tuple[str, ...]]],
    sides: tuple[MeaningSide, MeaningSide],
    weights: Weights,
    params: MeaningParams,
    taken: set[int],
) -> Seed | None:
    """The best sentence pair just outside the passage in both texts (a next thesis
    sentence with the next one or two source sentences, either end) alike by the PAN
    2014 winner's own seed bar, or None.

    Sanchez-Perez et al. seed every sentence pair over Dice 0.33 and let clustering
    join the seeds that lie close: a sentence rewritten beside a firm seed is such a
    pair, though too weak to seed a passage alone here. Only a passage's own corners
    are tried, so a weak pair never starts one, and the passage is judged as a whole.
    """
    if params.corner_dice > 1.0:
        return None
    q_groups, s_groups = groups
    tgt, src = sides
    q_lo, q_hi = min(x[0] for x in cluster), max(x[0] for x in cluster)
    s_lo, s_hi = min(x[1] for x in cluster), max(x[1] for x in cluster)
    best: tuple[float, Seed] | None = None
    for qi, at_q in ((q_lo - 1, q_lo), (q_hi + 1, q_hi)):
        if qi in taken or not next_to(tgt, min(qi, at_q), max(qi, at_q)):
            continue
        for run in (
            (s_lo - 1,),
            (s_lo - 2, s_lo - 1),
            (s_hi + 1,),
            (s_hi + 1, s_hi + 2),
        ):
            edge = s_lo if run[0] < s_lo else s_hi
            chain = sorted((*run, edge))
            if not all(next_to(src, a, b) for a, b in pairwise(chain)):
                continue
            ov = match_words(
                q_groups[qi],
                [j for si in run for j in s_groups[si]],
                keys[0],
                keys[1],
                weights.q,
                weights.s,
            )
            if ov.dice < params.corner_dice or not extends_pairs(
                ov.pairs, weights, params
            ):
                continue
            if best is None or ov.dice > best[0]:
                at = Counter(int(src.word_sent[j]) for _, j in ov.pairs)
                best = (ov.dice, (qi, at.most_common(1)[0][0], 0.0, ov.pairs))
    return None if best is None else best[1]


def next_to(side: MeaningSide, a: int, b: int) -> bool:
    """Whether sentence `b` follows sentence `a` in the text: a side may hold only some
    of its text's sentences (those retrieval pointed at), numbered anew."""
    n = len(side.sents)
    return 0 <= a < n and 0 <= b < n and side.sents[b][0] - side.sents[a][1] <= 3


def extends(
    ov: Overlap, pairs: list[tuple[int, int]], weights: Weights, params: MeaningParams
) -> bool:
    """Whether a next sentence belongs to the passage: most of its words found there,
    in enough pairs, two of them distinctive."""
    return ov.containment >= params.extend_containment and extends_pairs(
        pairs, weights, params
    )


def extends_pairs(
    pairs: list[tuple[int, int]], weights: Weights, params: MeaningParams
) -> bool:
    """Whether the word pairs of a growing sentence are enough: several, two of them
    distinctive."""
    return (
        len(pairs) >= params.extend_pairs
        and sum(weights.distinctive[i] for i, _ in pairs) >= params.min_distinctive
    )
