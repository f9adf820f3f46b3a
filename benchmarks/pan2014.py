"""The PAN 2014 text-alignment winner, ported: Sanchez-Perez, Sidorov and Gelbukh's TF-IDF
sentence alignment ("A Winning Approach to Text Alignment for Text Reuse Detection at
PAN 2014", CLEF 2014), written again in Python 3 for Chinese with jieba words.

A baseline for the benchmarks only, not part of the product. The four stages of the paper:

1. preprocessing: sentences, words (jieba; Latin words lower-cased), punctuation dropped;
   a sentence of fewer than `min_sentlen` words is joined to the next one;
2. seeding: every sentence pair whose tf-isf cosine exceeds `th1` and whose Dice
   coefficient over word sets exceeds `th2` is a seed;
3. extension: seeds are clustered by gaps of at most `gap` sentences, alternately on the
   suspicious and the source side until stable; a cluster whose fragments' summed vectors
   have a cosine of at most `th3` is re-clustered with a smaller gap (validation); run
   with the regular gap and the summary gap, the summary result is taken when the source
   side is much longer than the suspicious side (the paper's adaptive behaviour);
4. filtering: of cases overlapping in the suspicious document the less similar goes;
   cases shorter than `min_plaglen` characters on either side go.

The paper's thresholds are kept (0.33, 0.33, 0.34; gaps 4 and 24). The minimum case
length is scaled from 150 characters of English to Chinese by characters per word
(about 6 in English with its space, about 1.7 in Chinese): 45 characters.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from screening.pan import Detection
from screening.tokenize import get_tokenizer

# A full stop between digits (2.1%) does not end a sentence.
_SENT = re.compile(
    r"(?:[^。！？!?；;.\n]|\.(?=[0-9]))*(?:[。！？!?；;\n]|\.(?![0-9])|$)"
)
_WORD = re.compile(r"\w", re.UNICODE)
_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "对",
        "为",
        "以",
        "于",
        "将",
        "把",
        "被",
        "其",
        "该",
        "这",
        "那",
        "之",
        "也",
        "都",
        "而",
        "并",
        "从",
        "由",
        "等",
        "中",
        "上",
        "下",
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "that",
        "this",
        "it",
        "as",
        "at",
        "from",
    ]
)


@dataclass(frozen=True)
class Params:
    """The paper's parameters (Table 1), with the minimum length scaled for Chinese."""

    th1: float = 0.33  # seeding: cosine
    th2: float = 0.33  # seeding: Dice
    th3: float = 0.34  # validation: fragment cosine
    gap: int = 4  # extension: regular maximum gap in sentences
    summary_gap: int = 24  # extension: gap for summary obfuscation
    min_gap: int = 0  # validation stops shrinking the gap here
    min_sentlen: int = 3  # words; shorter sentences join the next
    min_plaglen: int = 45  # characters (150 in English; see the module docstring)
    summary_ratio: float = 3.0  # source side this many times longer: summary mode


@dataclass(frozen=True)
class _Sent:
    start: int
    end: int
    words: tuple[str, ...]


def _sentences(text: str, min_words: int) -> list[_Sent]:
    """Sentence spans with their content words; short sentences join the next."""
    cut = get_tokenizer().cut
    out: list[_Sent] = []
    pending: tuple[int, list[str]] | None = None
    for m in _SENT.finditer(text):
        raw = m.group(0)
        if not raw.strip():
            continue
        start, end = m.start(), m.end()
        words = [
            w.lower()
            for w in cut(raw)
            if _WORD.search(w) and w.strip() and w.lower() not in _STOP
        ]
        if pending is not None:
            start, words = pending[0], pending[1] + words
        if len(words) < min_words:
            pending = (start, words)
            continue
        pending = None
        out.append(_Sent(start, end, tuple(words)))
    if pending is not None and pending[1]:
        if out:
            last = out.pop()
            out.append(_Sent(last.start, len(text), last.words + tuple(pending[1])))
        else:
            out.append(_Sent(pending[0], len(text), tuple(pending[1])))
    return out


def _vectors(
    susp: list[_Sent], src: list[_Sent]
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """tf-isf vectors: term frequency times log(sentences / sentences with the term)."""
    sf: Counter[str] = Counter()
    for s in (*susp, *src):
        sf.update(set(s.words))
    n = len(susp) + len(src)

    def vec(s: _Sent) -> dict[str, float]:
        tf = Counter(s.words)
        return {w: c * math.log(n / sf[w]) for w, c in tf.items()}

    return [vec(s) for s in susp], [vec(s) for s in src]


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def _dice(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    sa, sb = set(a), set(b)
    return 2 * len(sa & sb) / (len(sa) + len(sb)) if sa or sb else 0.0


def _sum(vecs: list[dict[str, float]], idx: set[int]) -> dict[str, float]:
    out: dict[str, float] = {}
    for i in idx:
        for k, v in vecs[i].items():
            out[k] = out.get(k, 0.0) + v
    return out


def _split(
    seeds: list[tuple[int, int]], side: int, gap: int
) -> list[list[tuple[int, int]]]:
    """Seeds cut into runs whose neighbours on `side` lie at most `gap` sentences apart."""
    ordered = sorted(seeds, key=lambda p: (p[side], p[1 - side]))
    groups: list[list[tuple[int, int]]] = [[ordered[0]]]
    for p in ordered[1:]:
        if p[side] - groups[-1][-1][side] > gap + 1:
            groups.append([p])
        else:
            groups[-1].append(p)
    return groups


def _cluster(seeds: list[tuple[int, int]], gap: int) -> list[list[tuple[int, int]]]:
    """Alternate splitting on the suspicious and the source side until nothing splits."""
    work = [seeds]
    done: list[list[tuple[int, int]]] = []
    side = 0
    while work:
        nxt: list[list[tuple[int, int]]] = []
        for group in work:
            parts = _split(group, side, gap)
            if len(parts) == 1 and len(_split(group, 1 - side, gap)) == 1:
                done.append(group)
            else:
                nxt.extend(parts)
        work = nxt
        side = 1 - side
    return done


@dataclass(frozen=True)
class _Case:
    susp: tuple[int, int]  # sentence index range, inclusive
    src: tuple[int, int]
    sim: float


def _extend(
    seeds: list[tuple[int, int]],
    vs: list[dict[str, float]],
    vr: list[dict[str, float]],
    gap: int,
    p: Params,
) -> list[_Case]:
    """Clusters of seeds validated by fragment similarity, re-clustered with a smaller gap."""
    out: list[_Case] = []
    for group in _cluster(seeds, gap):
        s_idx = range(min(a for a, _ in group), max(a for a, _ in group) + 1)
        r_idx = range(min(b for _, b in group), max(b for _, b in group) + 1)
        sim = _cos(_sum(vs, set(s_idx)), _sum(vr, set(r_idx)))
        if sim > p.th3:
            out.append(_Case((s_idx[0], s_idx[-1]), (r_idx[0], r_idx[-1]), sim))
        elif gap > p.min_gap and len(group) > 1:
            out.extend(_extend(group, vs, vr, gap - 1, p))
    return out


def _filter(
    cases: list[_Case], susp: list[_Sent], src: list[_Sent], p: Params
) -> list[_Case]:
    """Drop the less similar of overlapping cases, then cases too short on either side."""
    kept: list[_Case] = []
    for c in sorted(cases, key=lambda c: -c.sim):
        if all(c.susp[1] < k.susp[0] or k.susp[1] < c.susp[0] for k in kept):
            kept.append(c)
    return [
        c
        for c in kept
        if susp[c.susp[1]].end - susp[c.susp[0]].start >= p.min_plaglen
        and src[c.src[1]].end - src[c.src[0]].start >= p.min_plaglen
    ]


def align_pair(
    susp_name: str,
    susp_text: str,
    src_name: str,
    src_text: str,
    p: Params | None = None,
) -> list[Detection]:
    """The baseline's detections for one (suspicious, source) pair."""
    p = p or Params()
    susp = _sentences(susp_text, p.min_sentlen)
    src = _sentences(src_text, p.min_sentlen)
    if not susp or not src:
        return []
    vs, vr = _vectors(susp, src)
    seeds = [
        (i, j)
        for i in range(len(susp))
        for j in range(len(src))
        if _cos(vs[i], vr[j]) > p.th1 and _dice(susp[i].words, src[j].words) > p.th2
    ]
    if not seeds:
        return []
    cases = _extend(seeds, vs, vr, p.gap, p)
    susp_len = sum(susp[c.susp[1]].end - susp[c.susp[0]].start for c in cases)
    src_len = sum(src[c.src[1]].end - src[c.src[0]].start for c in cases)
    if cases and src_len >= p.summary_ratio * max(susp_len, 1):
        cases = _extend(seeds, vs, vr, p.summary_gap, p)
    return [
        Detection(
            susp_name,
            susp[c.susp[0]].start,
            susp[c.susp[1]].end - susp[c.susp[0]].start,
            src_name,
            src[c.src[0]].start,
            src[c.src[1]].end - src[c.src[0]].start,
        )
        for c in _filter(cases, susp, src, p)
    ]
