"""Accuracy benchmark of the screener on a PAN-style corpus built from real CSL abstracts.

Corpus documents are several real abstracts each; theses are other real abstracts with
passages of corpus documents inserted and obfuscated (verbatim, formatting tricks, word
edits, mosaic), plus clean theses.  Everything is seeded.  The screener runs through the
persistent index (no all-pairs), then the same data is written as a PAN corpus and run
through `screening.pan.run_pan`, and both are judged with the official PAN measures.

    .venv/bin/python -m benchmarks.accuracy [--docs 1200] [--theses 40] [--seed 7] [--skip-pan]

The abstracts are read in place from ../shared/corpora/csl and never copied.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.pan_measures import Scores, pan_scores
from screening.index import CorpusIndex
from screening.pan import Detection, read_detections, run_pan, write_detections
from screening.screener import Screener
from screening.tokenize import get_tokenizer

CSL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "csl"
TYPES = ("verbatim", "formatting", "word_edits", "mosaic")
TARGETS = {
    "overall": 0.88,
    "verbatim": 0.95,
    "formatting": 0.93,
    "word_edits": 0.80,
    "mosaic": 0.75,
}

_SENT = re.compile(r"[^。！？!?；;.]*(?:[。！？!?；;]|\.(?![0-9])|$)")


def load_abstracts() -> list[str]:
    """Every CSL abstract (>= 80 chars) that shares no 40-char run with an earlier one.

    CSL repeats some papers across its sub-sets (with a title appended, "[正文]" prefixed,
    or other punctuation), and some abstracts share boilerplate; such pairs would be
    real reuse missing from the truth, so only the first of them is kept.
    """
    seen: set[str] = set()
    out: list[str] = []

    def take(text: str) -> None:
        text = text.strip()
        if len(text) >= 80 and text not in seen:
            seen.add(text)
            out.append(text)

    for path in sorted((CSL / "FewCLUE").rglob("*.json")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                take(row.get("content") or row.get("abst") or "")
    for path in sorted((CSL / "ydli-ai-CSL" / "benchmark").rglob("*.tsv")):
        if "cls_ctg" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2:
                take(parts[1].rsplit(" ", 1)[0] if "/kg/" in str(path) else parts[1])
    for path in sorted((CSL / "CLGE").rglob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2:
                take(parts[1])
    return _drop_near_duplicates(out)


def _drop_near_duplicates(
    abstracts: list[str], k: int = 8, share: float = 0.15
) -> list[str]:
    """Keep abstracts sharing < `share` of their k-char runs (or < 30) with any kept one.

    Independent of the screener (plain exact k-grams), this removes re-published or
    self-reused abstracts, whose reuse would be real but missing from the truth.
    """
    from collections import Counter

    from screening.normalize import normalize

    owner: dict[str, int] = {}
    kept: list[str] = []
    for text in abstracts:
        norm = normalize(text).text
        grams = {norm[i : i + k] for i in range(0, max(len(norm) - k + 1, 1))}
        hits = Counter(owner[g] for g in grams if g in owner)
        if hits and hits.most_common(1)[0][1] >= min(share * len(grams), 30):
            continue
        number = len(kept)
        for g in grams:
            owner.setdefault(g, number)
        kept.append(text)
    return kept


def split_sentences(text: str) -> list[str]:
    """Sentences of an abstract, each keeping its end mark (benchmark-side splitter)."""
    return [m.group(0) for m in _SENT.finditer(text) if m.group(0).strip()]


# ------------------------------------------------------------------ obfuscations
_FULLWIDTH = {
    c: chr(ord(c) + 0xFEE0)
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
}
_CYRILLIC = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "A": "А",
    "E": "Е",
    "O": "О",
}
_PUNCT_SWAP = {
    ",": "，",
    "，": ",",
    ".": "。",
    "。": ".",
    ";": "；",
    "；": ";",
    ":": "：",
    "：": ":",
    "(": "（",
    ")": "）",
}
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060"]


def formatting_tricks(text: str, rng: random.Random) -> str:
    """Traditional characters, full-width or homoglyph letters, invisibles, breaks, punctuation."""
    import opencc

    text = opencc.OpenCC("s2t").convert(text)
    out: list[str] = []
    for ch in text:
        if ch in _PUNCT_SWAP and rng.random() < 0.8:
            ch = _PUNCT_SWAP[ch]
        elif ch in _CYRILLIC and rng.random() < 0.3:
            ch = _CYRILLIC[ch]
        elif ch in _FULLWIDTH and rng.random() < 0.7:
            ch = _FULLWIDTH[ch]
        out.append(ch)
        r = rng.random()
        if r < 0.08:
            out.append(rng.choice(_INVISIBLE))
        elif r < 0.11:
            out.append(rng.choice(["\n", "\r\n", " ", "\u3000"]))
    return "".join(out)


def _is_word(w: str) -> bool:
    return any(ch.isalnum() for ch in w)


def word_edits(text: str, rng: random.Random, vocab: list[str], share: float) -> str:
    """Delete, replace, insert or swap `share` of the jieba words."""
    words = get_tokenizer().cut(text)
    idx = [i for i, w in enumerate(words) if _is_word(w)]
    chosen = set(rng.sample(idx, k=round(share * len(idx)))) if idx else set()
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if i not in chosen:
            out.append(w)
            i += 1
            continue
        op = rng.choice(("delete", "replace", "insert", "swap"))
        if op == "replace":
            out.append(rng.choice(vocab))
        elif op == "insert":
            out.extend((w, rng.choice(vocab)))
        elif op == "swap" and i + 1 < len(words):
            out.extend((words[i + 1], w))
            i += 1
        elif op == "swap":
            out.append(w)
        i += 1
    return "".join(out)


def mosaic(sentences: list[str], rng: random.Random, vocab: list[str]) -> str:
    """Reorder the sentences, drop about a fifth, edit a few words of each."""
    kept = [s for s in sentences if rng.random() > 0.2] or sentences[:2]
    if len(kept) < 2 and len(sentences) >= 2:
        kept = sentences[:2]
    rng.shuffle(kept)
    return "".join(word_edits(s, rng, vocab, 0.08) for s in kept)


# --------------------------------------------------------------------- the data
@dataclass
class Case:
    """One reuse case with true offsets in the thesis and in the source document."""

    thesis: str
    source: str
    offset: int
    length: int
    source_offset: int
    source_length: int
    kind: str

    def feature(self) -> Detection:
        """As a PAN feature."""
        return Detection(
            self.thesis,
            self.offset,
            self.length,
            self.source,
            self.source_offset,
            self.source_length,
        )


@dataclass
class Bench:
    """The corpus, the theses, their kinds and the true cases."""

    corpus: dict[str, str]
    theses: dict[str, str]
    kinds: dict[str, str]
    cases: list[Case]


def build(n_docs: int, n_per_type: int, seed: int) -> Bench:
    """Seeded PAN-style data: corpus docs of 5 abstracts, theses of 8-90 abstracts."""
    rng = random.Random(seed)
    abstracts = load_abstracts()
    rng.shuffle(abstracts)
    per_doc = 5
    corpus_abs = abstracts[: n_docs * per_doc]
    filler = abstracts[n_docs * per_doc :]
    corpus = {
        f"doc-{i:05d}.txt": "\n".join(corpus_abs[i * per_doc : (i + 1) * per_doc])
        for i in range(n_docs)
    }
    vocab_words = [
        w
        for w in get_tokenizer().cut("".join(filler[:300]))
        if len(w) >= 2 and _is_word(w)
    ]
    doc_names = sorted(corpus)
    theses: dict[str, str] = {}
    kinds: dict[str, str] = {}
    cases: list[Case] = []
    fill_pos = 0
    for kind in (*TYPES, "clean"):
        for t in range(n_per_type):
            name = f"thesis-{kind}-{t:03d}.txt"
            n_abs = rng.choice([8, 12, 20, 30, 45, 60, 90])
            parts: list[str] = filler[fill_pos : fill_pos + n_abs]
            fill_pos += n_abs
            if fill_pos + 100 > len(filler):
                fill_pos = 0
            inserts: list[tuple[int, str, str, int, int]] = []
            if kind != "clean":
                n_cases = rng.randint(1, 3)
                for src_name in rng.sample(doc_names, n_cases):
                    doc = corpus[src_name]
                    sents: list[tuple[int, int]] = []
                    pos = 0
                    for s in split_sentences(doc):
                        start = doc.index(s, pos)
                        sents.append((start, start + len(s)))
                        pos = start + len(s)
                    lo_len, hi_len = (300, 800) if kind == "mosaic" else (150, 600)
                    first = rng.randrange(len(sents))
                    last = first
                    while sents[last][1] - sents[first][0] < lo_len and last + 1 < len(
                        sents
                    ):
                        last += 1
                    while sents[last][1] - sents[first][0] < lo_len and first > 0:
                        first -= 1
                    while sents[last][1] - sents[first][0] > hi_len and last > first:
                        last -= 1
                    s0, s1 = sents[first][0], sents[last][1]
                    # Keep the passage's own text (line breaks between abstracts included).
                    passage = doc[s0:s1]
                    if kind == "verbatim":
                        text = passage
                    elif kind == "formatting":
                        text = formatting_tricks(passage, rng)
                    elif kind == "word_edits":
                        text = word_edits(passage, rng, vocab_words, 0.25)
                    else:
                        sub = [doc[a:b] for a, b in sents[first : last + 1]]
                        text = mosaic(sub, rng, vocab_words)
                    inserts.append(
                        (rng.randint(0, len(parts)), text, src_name, s0, s1 - s0)
                    )
            # Assemble: abstracts joined by newlines, inserted passages as their own paragraphs.
            by_slot: dict[int, list[tuple[str, str, int, int]]] = {}
            for slot, text, src_name, so, sl in inserts:
                by_slot.setdefault(slot, []).append((text, src_name, so, sl))
            out: list[str] = []
            length = 0
            for slot in range(len(parts) + 1):
                for text, src_name, so, sl in by_slot.get(slot, []):
                    if out:
                        out.append("\n")
                        length += 1
                    cases.append(Case(name, src_name, length, len(text), so, sl, kind))
                    out.append(text)
                    length += len(text)
                if slot < len(parts):
                    if out:
                        out.append("\n")
                        length += 1
                    out.append(parts[slot])
                    length += len(parts[slot])
            theses[name] = "".join(out)
            kinds[name] = kind
    return Bench(corpus, theses, kinds, cases)


# --------------------------------------------------------------------- running
def report(title: str, bench: Bench, detections: list[Detection]) -> dict[str, Scores]:
    """Print PAN figures per obfuscation type and overall; return them."""
    print(f"\n== {title}")
    print(
        f"{'type':<12}{'plagdet':>9}{'prec':>8}{'recall':>8}{'gran':>7}{'cases':>7}{'dets':>6}  target"
    )
    results: dict[str, Scores] = {}
    for kind in (*TYPES, "overall"):
        if kind == "overall":
            cases = [c.feature() for c in bench.cases]
            dets = detections
        else:
            cases = [c.feature() for c in bench.cases if c.kind == kind]
            dets = [d for d in detections if bench.kinds[d.this_reference] == kind]
        sc = pan_scores(cases, dets)
        results[kind] = sc
        ok = "ok" if sc.plagdet >= TARGETS[kind] else "MISS"
        print(
            f"{kind:<12}{sc.plagdet:>9.3f}{sc.precision:>8.3f}{sc.recall:>8.3f}{sc.granularity:>7.3f}"
            f"{sc.cases:>7}{sc.detections:>6}  >={TARGETS[kind]:.2f} {ok}"
        )
    clean = [t for t, k in bench.kinds.items() if k == "clean"]
    flagged = {d.this_reference for d in detections}
    share = sum(1 for t in clean if t not in flagged) / max(len(clean), 1)
    print(
        f"clean theses with no match: {share:.1%} ({len(clean)} theses)  target >=95%"
    )
    return results


def main(argv: list[str] | None = None) -> int:
    """Build the benchmark, run the screener and run_pan, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1200)
    ap.add_argument(
        "--theses", type=int, default=40, help="theses per obfuscation type"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-pan", action="store_true")
    args = ap.parse_args(argv)
    if not CSL.exists():
        print(f"CSL corpus not found at {CSL}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    bench = build(args.docs, args.theses, args.seed)
    t_build = time.perf_counter() - t0
    corpus_chars = sum(len(t) for t in bench.corpus.values())
    thesis_chars = sum(len(t) for t in bench.theses.values())
    print(
        f"corpus: {len(bench.corpus)} docs, {corpus_chars:,} chars; theses: {len(bench.theses)}, "
        f"{thesis_chars:,} chars (max {max(len(t) for t in bench.theses.values()):,}); "
        f"cases: {len(bench.cases)}; built in {t_build:.1f}s"
    )
    with tempfile.TemporaryDirectory(prefix="chengxin-bench-") as tmp:
        tmpdir = Path(tmp)
        t0 = time.perf_counter()
        index = CorpusIndex(tmpdir / "index")
        for doc_id, text in bench.corpus.items():
            index.add(doc_id, text)
        index.save()
        t_index = time.perf_counter() - t0
        t0 = time.perf_counter()
        index = CorpusIndex.load(tmpdir / "index")
        t_load = time.perf_counter() - t0
        disk = sum(
            f.stat().st_size for f in (tmpdir / "index").rglob("*") if f.is_file()
        )
        print(
            f"index: {index.n_passages:,} passages, {index.nbytes / corpus_chars:.2f} bytes/char in arrays, "
            f"{disk / corpus_chars:.2f} bytes/char on disk; built {t_index:.2f}s "
            f"({corpus_chars / t_index / 1e6:.2f} M chars/s), loaded {t_load * 1000:.0f} ms"
        )
        screener = Screener(index, bench.corpus.__getitem__).fit()
        detections: list[Detection] = []
        t0 = time.process_time()
        w0 = time.perf_counter()
        for name, text in bench.theses.items():
            for m in screener.screen(text):
                if m.excluded is None:
                    detections.append(
                        Detection(
                            name,
                            m.offset,
                            m.length,
                            m.source,
                            m.source_offset,
                            m.source_length,
                        )
                    )
        cpu = time.process_time() - t0
        wall = time.perf_counter() - w0
        print(
            f"screening: {cpu:.2f}s CPU ({wall:.2f}s wall) for {len(bench.theses)} theses; "
            f"{cpu / thesis_chars * 50_000:.3f}s CPU per 50k chars"
        )
        report("screener (index -> candidates -> alignment)", bench, detections)
        if args.skip_pan:
            return 0
        # The same benchmark as a PAN corpus: pairs = true sources + 2 random decoys.
        rng = random.Random(args.seed + 1)
        src_dir, susp_dir, out_dir, truth_dir = (
            tmpdir / d for d in ("src", "susp", "out", "truth")
        )
        for d in (src_dir, susp_dir, out_dir, truth_dir):
            d.mkdir()
        pairs: list[tuple[str, str]] = []
        names = sorted(bench.corpus)
        for name, text in bench.theses.items():
            (susp_dir / name).write_text(text, encoding="utf-8", newline="")
            srcs = sorted({c.source for c in bench.cases if c.thesis == name})
            decoys = [n for n in rng.sample(names, 2) if n not in srcs]
            for src in srcs + decoys:
                pairs.append((name, src))
                truth = [
                    c.feature()
                    for c in bench.cases
                    if c.thesis == name and c.source == src
                ]
                write_detections(
                    truth_dir / f"{Path(name).stem}-{Path(src).stem}.xml",
                    name,
                    truth,
                    "plagiarism",
                )
        for src in {s for _, s in pairs}:
            (src_dir / src).write_text(bench.corpus[src], encoding="utf-8", newline="")
        (tmpdir / "pairs").write_text(
            "".join(f"{a} {b}\n" for a, b in pairs), encoding="utf-8"
        )
        t0 = time.process_time()
        run_pan(tmpdir / "pairs", src_dir, susp_dir, out_dir)
        t_pan = time.process_time() - t0
        pan_dets = read_detections(out_dir)
        truth_read = read_detections(truth_dir)
        assert len(truth_read) == len(bench.cases), "truth XML round trip lost cases"
        print(f"\nrun_pan: {len(pairs)} pairs in {t_pan:.2f}s CPU")
        report("run_pan (PAN text alignment on listed pairs)", bench, pan_dets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
