"""Meaning passages from sentence pairs, after Sanchez-Perez et al. (PAN 2014).

Seeds are sentence pairs alike by a weighted Dice of one-to-one matched words (one thesis
sentence may say two adjacent source sentences, two thesis sentences may split one);
seeds close in both texts are clustered as the PAN 2014 winner does, a cluster grows by
the next sentences whose words the other side's passage still holds (`growth.py`), and a
passage is kept only when its words, matched as a whole, agree. `align.align_meaning` prepares
both texts' words and weights and hands them to `Alignment`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from screening.semantic.edges import answered_spans
from screening.semantic.growth import Seed, extend, match_words, next_to
from screening.semantic.latin import latin_gist_holds
from screening.semantic.weights import Weights

if TYPE_CHECKING:
    from screening.semantic.align import MeaningParams, MeaningSide

__all__ = ["Alignment", "MeaningPassage"]


@dataclass(frozen=True, slots=True)
class MeaningPassage:
    """A passage reused in meaning: spans into both original texts, score, reasons.

    `pairs` are (thesis word, source word) aligned by meaning (same word, synonym or
    translation); `terms` are the shared numbers, formulas and technical terms.
    """

    src_span: tuple[int, int]
    tgt_span: tuple[int, int]
    score: float
    pairs: tuple[tuple[str, str], ...]
    terms: tuple[str, ...]
    cross_language: bool


@dataclass(slots=True)
class Alignment:
    """One pair of texts being aligned: what seeding, clustering, growing and judging
    share."""

    src: MeaningSide
    tgt: MeaningSide
    keys: tuple[list[tuple[str, ...]], list[tuple[str, ...]]]
    groups: tuple[list[list[int]], list[list[int]]]
    weights: Weights
    cross: bool
    gist: set[int]
    loose: MeaningParams
    params: MeaningParams
    # Thesis sentences a passage may not grow into: seeds, reported or covered text.
    taken: set[int]
    # Which comparison found each seed: a merged or split pair of sentences gives two
    # seeds from one comparison, still one piece of evidence.
    origin: dict[tuple[int, int], int] = field(default_factory=dict)

    def seeds(self, cos: Any) -> list[Seed]:
        """Sentence pairs alike in meaning: each thesis sentence with the source
        sentence it says best, or with two adjacent ones when it merges them; two
        adjacent thesis sentences that split one source sentence are tried together."""
        sims: dict[tuple[int, int], float] = {}
        best: dict[int, tuple[float, list[Seed]]] = {}
        for qi, si, c in zip(
            cos.row.tolist(), cos.col.tolist(), cos.data.tolist(), strict=True
        ):
            if c >= self._for(qi).prefilter_cos and qi not in self.taken:
                sims[qi, si] = c
                self._seed(best, (qi,), (si,), c)
        for (qi, si), c in sorted(sims.items()):
            if qi in self.gist or qi + 1 in self.gist:
                continue  # the English gist's looser seeds are taken one by one
            # Only sentences next to each other in the text (a side may hold a subset).
            if (qi, si + 1) in sims and next_to(self.src, si, si + 1):
                # one thesis sentence, two source sentences
                self._seed(best, (qi,), (si, si + 1), max(c, sims[qi, si + 1]))
            if self.cross:
                self._runs(best, qi, si, c)
            if (qi + 1, si) in sims and next_to(self.tgt, qi, qi + 1):
                # two thesis sentences, one source sentence
                self._seed(best, (qi, qi + 1), (si,), max(c, sims[qi + 1, si]))
        unique = {seed for _, found in best.values() for seed in _hashable(found)}
        return [(q, s, d, list(pairs)) for q, s, d, pairs in sorted(unique)]

    def _runs(
        self, best: dict[int, tuple[float, list[Seed]]], qi: int, si: int, c: float
    ) -> None:
        """Across languages: thesis sentence `qi` against the two and three source
        sentences from `si` on. A Chinese sentence runs on with commas where English
        stops (one sentence may translate a whole abstract), and the later English
        sentences alone share too few dictionary keys with it to pass the prefilter:
        the run's word overlap decides, as for any merge. (An English thesis against
        a Chinese source needs no such run: its sentences are seeded one by one.)"""
        for end in (si + 1, si + 2):
            if not next_to(self.src, end - 1, end):
                break
            self._seed(best, (qi,), tuple(range(si, end + 1)), c)

    def _for(self, qi: int) -> MeaningParams:
        """The thresholds for one thesis sentence (looser inside an English gist)."""
        return self.loose if qi in self.gist else self.params

    def _seed(
        self,
        best: dict[int, tuple[float, list[Seed]]],
        qs: tuple[int, ...],
        ss: tuple[int, ...],
        c: float,
    ) -> None:
        """Record the sentences `qs` against `ss` as seeds when they are alike and
        better than what each thesis sentence had."""
        p = self._for(qs[0])
        q_groups, s_groups = self.groups
        ov = match_words(
            [i for q in qs for i in q_groups[q]],
            [j for s in ss for j in s_groups[s]],
            self.keys[0],
            self.keys[1],
            self.weights.q,
            self.weights.s,
        )
        if not (
            (ov.dice >= p.seed_dice or ov.containment >= p.seed_containment)
            and c >= p.seed_cos
            and len(ov.pairs) >= p.min_shared
            and sum(self.weights.distinctive[i] for i, _ in ov.pairs)
            >= p.min_distinctive
        ):
            return
        if any(ov.dice <= best.get(q, (0.0, []))[0] for q in qs):
            return
        q_at, s_at = self.tgt.word_sent, self.src.word_sent
        found = [
            (
                q,
                s,
                ov.dice,
                [(i, j) for i, j in ov.pairs if q_at[i] == q and s_at[j] == s],
            )
            for q in qs
            for s in ss
        ]
        # A merge (or split) is one only when each of its two sentences is mostly said
        # by the other side, as a sentence a passage grows by must be.
        if len(qs) + len(ss) > 2 and not all(
            _said(found, side, n, self.groups[side][n], weight) >= p.window_containment
            for side, ns, weight in ((0, qs, self.weights.q), (1, ss, self.weights.s))
            if len(ns) >= 2
            for n in ns
        ):
            return
        origin = len(self.origin)
        for seed in found:
            self.origin[seed[0], seed[1]] = origin
        for q in qs:
            best[q] = (ov.dice, [seed for seed in found if seed[0] == q])

    def passages(self, seeds: list[Seed], gap: int) -> list[MeaningPassage]:
        """Passages of the seeds clustered with `gap`; a cluster that does not hold as
        a whole is clustered again with a smaller gap (as Sanchez-Perez et al. do)."""
        out: list[MeaningPassage] = []
        # English read by its gist seeds loosely: each seed must stay near the passage
        # so far (one independent answer on the same topic covers its points too).
        clustered = _chains(seeds, gap) if self.gist else _clusters(seeds, gap)
        for cluster in clustered:
            p = (
                self.loose
                if all(seed[0] in self.gist for seed in cluster)
                else self.params
            )
            grown = extend(
                cluster,
                self.groups,
                self.keys,
                (self.tgt, self.src),
                self.weights,
                p,
                self.taken,
            )
            # One comparison alone (a merged or split pair of sentences too) must be
            # closer than a passage, unless the passage grew around it.
            alone = len({self.origin.get((x[0], x[1]), -1) for x in cluster}) == 1
            if (
                alone
                and len(grown) == len(cluster)
                and max(x[2] for x in cluster) < _lone_bar(cluster, self.weights, p)
            ):
                continue
            passage = self._judged(cluster, grown, p)
            if passage is not None:
                self.taken.update(range(grown[0][0], grown[-1][0] + 1))
                out.append(passage)
            elif len(cluster) > 1 and gap > 0:
                out += self.passages(cluster, gap - 1)
        return sorted(out, key=lambda m: m.tgt_span)

    def _judged(
        self, cluster: list[Seed], grown: list[Seed], p: MeaningParams
    ) -> MeaningPassage | None:
        """The passage of a grown cluster, or None when it does not hold as a whole."""
        passage = _passage(
            grown, self.src, self.tgt, self.keys, self.weights, p, self.cross
        )
        # Terms are judged on what the seeds say: growing does not vouch for facts.
        if (
            passage is not None
            and not self.cross
            and _terms_differ(
                self.tgt,
                _words_of(self.tgt, cluster, 0),
                self.src,
                _words_of(self.src, cluster, 1),
            )
        ):
            return None
        if p is self.loose and not latin_gist_holds(grown, self.tgt, self.src):
            return None
        return passage


def _lone_bar(cluster: list[Seed], weights: Weights, params: MeaningParams) -> float:
    """The Dice one comparison alone must reach: a passage's own, when it pairs as
    many distinctive words as a passage of several sentences does (a long sentence
    pair is as much evidence), else the closer single-seed bar."""
    rare = sum(weights.distinctive[i] for seed in cluster for i, _ in seed[3])
    if rare >= params.long_seed_pairs:
        return params.passage_dice
    return params.single_seed_dice


def _clusters(seeds: list[Seed], gap: int) -> list[list[Seed]]:
    """Seeds close in both texts form one passage: split wherever seeds lie more than
    `gap` sentences apart in the thesis, then in the source, until nothing splits (the
    PAN 2014 winner's extension), so reordered sentences stay one passage."""
    if not seeds:
        return []
    work, done = [seeds], []
    side = 0
    while work:
        nxt: list[list[Seed]] = []
        for group in work:
            parts = _split(group, side, gap)
            if len(parts) == 1 and len(_split(group, 1 - side, gap)) == 1:
                done.append(sorted(group, key=lambda x: (x[0], x[1])))
            else:
                nxt.extend(parts)
        work = nxt
        side = 1 - side
    return sorted(done, key=lambda c: c[0][0])


def _said(
    found: list[Seed], side: int, n: int, words: list[int], weight: list[float]
) -> float:
    """The share of sentence `n`'s word weight (thesis side 0, source side 1) that the
    seeds `found` pair."""
    total = sum(weight[w] for w in words)
    paired = sum(
        weight[pair[side]] for seed in found if seed[side] == n for pair in seed[3]
    )
    return paired / total if total else 0.0


def _hashable(seeds: list[Seed]) -> list[Any]:
    """Seeds as tuples all through, so that a set can drop repeats."""
    return [(q, s, d, tuple(pairs)) for q, s, d, pairs in seeds]


def _chains(seeds: list[Seed], gap: int) -> list[list[Seed]]:
    """Seeds in thesis order, each joining the passage before it when it lies within
    `gap` sentences of it in both texts."""
    out: list[list[Seed]] = []
    for seed in sorted(seeds, key=lambda x: (x[0], x[1])):
        if out:
            last = out[-1]
            s_lo = min(x[1] for x in last)
            s_hi = max(x[1] for x in last)
            if (
                seed[0] - last[-1][0] <= gap + 1
                and s_lo - gap - 1 <= seed[1] <= s_hi + gap + 1
            ):
                last.append(seed)
                continue
        out.append([seed])
    return out


def _split(seeds: list[Seed], side: int, gap: int) -> list[list[Seed]]:
    """Seeds cut into runs whose neighbours on `side` lie at most `gap` sentences apart."""
    ordered = sorted(seeds, key=lambda x: (x[side], x[1 - side]))
    groups: list[list[Seed]] = [[ordered[0]]]
    for seed in ordered[1:]:
        if seed[side] - groups[-1][-1][side] > gap + 1:
            groups.append([seed])
        else:
            groups[-1].append(seed)
    return groups


def _words_of(side: MeaningSide, cluster: list[Seed], at: int) -> list[int]:
    """The words of the sentences a cluster's seeds span on one side (0 thesis)."""
    lo, hi = min(x[at] for x in cluster), max(x[at] for x in cluster)
    return [i for i, s in enumerate(side.word_sent.tolist()) if lo <= s <= hi]


def _terms_differ(
    tgt: MeaningSide, q_words: list[int], src: MeaningSide, s_words: list[int]
) -> bool:
    """Both passages name terms, or figures, and share none of them: a rewrite keeps
    its facts, so this is another study of the same kind (Rankine vs Michell)."""
    q_terms = {tgt.words[i].text for i in q_words if tgt.words[i].kind == "term"}
    s_terms = {src.words[j].text for j in s_words if src.words[j].kind == "term"}
    if q_terms and s_terms and not q_terms & s_terms:
        return True
    # Figures above all: two passages reporting their own rates and years differ.
    q_nums = {t for t in q_terms if _FIGURE.fullmatch(t)}
    s_nums = {t for t in s_terms if _FIGURE.fullmatch(t)}
    return bool(q_nums) and bool(s_nums) and not q_nums & s_nums


_FIGURE = re.compile(r"[0-9][0-9.,%\-]*")


def _passage(
    cluster: list[tuple[int, int, float, list[tuple[int, int]]]],
    src: MeaningSide,
    tgt: MeaningSide,
    keys: tuple[list[tuple[str, ...]], list[tuple[str, ...]]],
    weights: Weights,
    params: MeaningParams,
    cross: bool,
) -> MeaningPassage | None:
    """Validate a cluster as a whole and describe it; None when it does not hold."""
    q_keys, s_keys = keys
    qw, sw, distinctive = weights.q, weights.s, weights.distinctive
    q_lo, q_hi = cluster[0][0], cluster[-1][0]
    s_lo = min(x[1] for x in cluster)
    s_hi = max(x[1] for x in cluster)
    q_words = [i for i, s in enumerate(tgt.word_sent.tolist()) if q_lo <= s <= q_hi]
    s_words = [j for j, s in enumerate(src.word_sent.tolist()) if s_lo <= s <= s_hi]
    ov = match_words(q_words, s_words, q_keys, s_keys, qw, sw)
    dice = ov.dice
    # Across languages figures and terms are written differently (万, GDP): not there.
    if dice < params.passage_dice or (
        not cross and _terms_differ(tgt, q_words, src, s_words)
    ):
        return None
    # One thesis sentence alone (even said against two source sentences) must be
    # closer than a passage of several.
    if len({x[0] for x in cluster}) == 1 and max(x[2] for x in cluster) < (
        _lone_bar(cluster, weights, params)
    ):
        return None
    # Across languages the whole passage's pairs count as evidence, not only its
    # seeds': a translator re-divides sentences, so a word is often translated in the
    # sentence next to the one its seed pairs.
    evidence = ov.pairs if cross else [pair for seed in cluster for pair in seed[3]]
    if sum(distinctive[i] for i, _ in evidence) < params.min_passage_distinctive:
        return None
    # Terms alone (element symbols, units, codes of a field) do not make a rewrite:
    # it also says the same things in words.
    said = {
        tgt.words[i].text
        for seed in cluster
        for i, j in seed[3]
        if tgt.words[i].kind != "term" and src.words[j].kind != "term"
    }
    if len(said) < params.min_word_pairs:
        return None
    t0, t1 = tgt.sents[q_lo][0], tgt.sents[q_hi][1]
    s0, s1 = src.sents[s_lo][0], src.sents[s_hi][1]
    if not cross:  # across languages a stretch's length in characters says little
        (t0, t1), (s0, s1) = answered_spans(
            tgt, src, (q_lo, q_hi, s_lo, s_hi), ov.pairs
        )
    if t1 - t0 < params.min_chars:
        return None
    shown, terms = _reasons(
        cluster, tgt, src, qw, params.max_pairs_shown, keys if cross else None
    )
    if not shown:
        return None  # nothing to show an investigator: not reported
    tmap, smap = tgt.norm.to_original, src.norm.to_original
    return MeaningPassage(
        src_span=(int(smap[s0]), int(smap[s1 - 1]) + 1),
        tgt_span=(int(tmap[t0]), int(tmap[t1 - 1]) + 1),
        score=round(float(dice), 4),
        pairs=tuple(shown),
        terms=tuple(terms[:12]),
        cross_language=cross,
    )


# Enough dictionary pairs to show a translated passage without the looser ones.
MIN_DIRECT_SHOWN = 4


def _reasons(
    cluster: list[tuple[int, int, float, list[tuple[int, int]]]],
    tgt: MeaningSide,
    src: MeaningSide,
    qw: list[float],
    max_pairs: int,
    cross_keys: tuple[list[tuple[str, ...]], list[tuple[str, ...]]] | None = None,
) -> tuple[list[tuple[str, str]], list[str]]:
    """The word pairs and terms an investigator is shown: the sentence pairs' own word
    alignments, those carrying most of the matched weight first (a word paired in
    every sentence counts each time). Across languages (`cross_keys` given), pairs a
    dictionary gives directly come first, and pairs met only through a synonym of a
    translation are left out when enough direct ones show the passage."""
    shown: list[tuple[str, str]] = []
    terms: list[str] = []
    seed_pairs = [pair for seed in cluster for pair in seed[3]]
    carried: Counter[tuple[str, str]] = Counter()
    for i, j in seed_pairs:
        carried[tgt.words[i].text, src.words[j].text] += qw[i]
    hops = {
        (i, j): 0 if cross_keys is None else _hops(cross_keys[0][i], cross_keys[1][j])
        for i, j in seed_pairs
    }
    direct = len(
        {(tgt.words[i].text, src.words[j].text) for (i, j), h in hops.items() if h == 0}
    )
    for i, j in sorted(
        seed_pairs,
        key=lambda p: (
            hops[p],
            -carried[tgt.words[p[0]].text, src.words[p[1]].text],
            p,
        ),
    ):
        qt, st = tgt.words[i].text, src.words[j].text
        if tgt.words[i].kind == "term" or src.words[j].kind == "term":
            if qt not in terms:
                terms.append(qt)
        elif hops[i, j] and direct >= MIN_DIRECT_SHOWN:
            continue
        elif (qt, st) not in shown and len(shown) < max_pairs:
            shown.append((qt, st))
    return shown, terms


def _hops(q_keys: tuple[str, ...], s_keys: tuple[str, ...]) -> int:
    """0 when two words meet as themselves, a translation or a gloss (a "w:", "e:" or
    "t:" key), 1 when only through a synonym class (of a translation)."""
    mine = {k.lstrip("~") for k in q_keys}
    shared = mine.intersection(k.lstrip("~") for k in s_keys)
    return 0 if any(not k.startswith("c:") for k in shared) else 1
