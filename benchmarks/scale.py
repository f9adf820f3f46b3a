"""Scale benchmark: index and screen against 10,000 or 100,000 Markov-generated documents.

Corpus documents (5,000-20,000 characters) come from an order-3 character Markov model
trained on the CSL abstracts (../shared/corpora/csl, read in place), so n-gram statistics
are real and documents do not repeat each other.  Theses are 50,000 characters of other
Markov text with ten passages of corpus documents (300-1,000 characters; verbatim,
formatting tricks, word edits).  Everything is seeded and cached under --bench-dir.

Prints: indexing throughput (characters per second per core, and with all cores),
adding 1,000 documents to the index, index memory and disk per corpus character, load
time, median and 95th-percentile time to screen a thesis, and the recall of the reused
passages.  With --peers, in subprocesses (peak RSS measured fairly): copydetect
(winnowing) and our screener at 2,000 documents, and an exhaustive baseline (our aligner
against every document) at up to 10,000 documents, with the ratios.

    .venv/bin/python -m benchmarks.scale --docs 10000 [--peers] [--theses 20]
    .venv/bin/python -m benchmarks.scale --docs 100000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.markov import MarkovCorpus, MarkovModel, decode, generate_corpus, train
from screening.fingerprint import FingerprintParams
from screening.index import CorpusIndex, document_meaning, fingerprint_document
from screening.report import Match

THESIS_CHARS = 50_000
PASSAGES = 10
PEER_DOCS = 2_000
EXHAUSTIVE_MAX_DOCS = 10_000
ORDER = 3
REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Planted:
    """A reused passage: where it sits in the thesis and where it came from."""

    offset: int
    length: int
    source: str
    source_offset: int
    source_length: int
    kind: str


# ------------------------------------------------------------------------ corpus
def load_model(bench_dir: Path) -> MarkovModel:
    """Train (or load the cached) order-3 model on the CSL abstracts."""
    cache = bench_dir / f"model-order{ORDER}-v2.npz"
    if cache.exists():
        z = np.load(cache)
        return MarkovModel(
            ORDER,
            z["vocab"],
            z["keys"],
            z["starts"],
            z["counts"],
            z["nexts"],
            z["start_keys"],
            z["succ"],
        )
    from benchmarks.accuracy import load_abstracts

    model = train(load_abstracts(), ORDER)
    bench_dir.mkdir(parents=True, exist_ok=True)
    np.savez(
        cache,
        vocab=model.vocab,
        keys=model.keys,
        starts=model.starts,
        counts=model.counts,
        nexts=model.nexts,
        start_keys=model.start_keys,
        succ=model.succ,
    )
    return model


_CORPUS: MarkovCorpus | None = None


def _init_worker(directory: str) -> None:
    global _CORPUS
    _CORPUS = MarkovCorpus(Path(directory))


def _fingerprint_range(
    args: tuple[int, int, dict[str, Any]],
) -> tuple[
    int, list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]], float
]:
    lo, hi, params = args
    assert _CORPUS is not None
    fp_params = FingerprintParams(**params)
    cpu = time.process_time()
    out = []
    for i in range(lo, hi):
        text = _CORPUS.text(i)
        # The meaning layer's word postings and cached word boundaries are part of
        # the index (and of its cost).
        out.append((*fingerprint_document(text, fp_params), *document_meaning(text)))
    return lo, out, time.process_time() - cpu


def build_index(
    corpus: MarkovCorpus,
    directory: Path,
    *,
    n_docs: int,
    processes: int,
    first: int = 0,
    index: CorpusIndex | None = None,
    chunk: int = 200,
) -> tuple[CorpusIndex, dict[str, float]]:
    """Fingerprint documents [first, first+n_docs) in a process pool; add and save."""
    if index is None:
        shutil.rmtree(directory, ignore_errors=True)
        index = CorpusIndex(directory)
    params = index.params.to_dict()
    ranges = [
        (lo, min(lo + chunk, first + n_docs), params)
        for lo in range(first, first + n_docs, chunk)
    ]
    wall = time.perf_counter()
    cpu = 0.0
    chars = 0
    with mp.get_context("fork").Pool(
        processes, initializer=_init_worker, initargs=(str(corpus.directory),)
    ) as pool:
        for lo, fps, spent in pool.imap(_fingerprint_range, ranges):
            cpu += spent
            for j, (length, spans, bands, words, bounds) in enumerate(fps):
                index.add_fingerprinted(
                    corpus.doc_id(lo + j), length, spans, bands, words, bounds=bounds
                )
                chars += length
    fp_wall = time.perf_counter() - wall
    save = time.perf_counter()
    index.save()
    save_s = time.perf_counter() - save
    total = time.perf_counter() - wall
    return index, {
        "chars": chars,
        "fingerprint_cpu_s": cpu,
        "fingerprint_wall_s": fp_wall,
        "save_s": save_s,
        "total_s": total,
    }


# ----------------------------------------------------------------------- theses
def make_theses(
    model: MarkovModel,
    corpus: MarkovCorpus,
    *,
    n: int,
    seed: int,
    source_docs: int,
) -> list[tuple[str, list[Planted]]]:
    """Theses of 50,000 characters with ten passages of documents < source_docs."""
    from benchmarks.accuracy import _is_word, formatting_tricks, word_edits
    from screening.tokenize import get_tokenizer

    rng = random.Random(seed)
    nrng = np.random.default_rng([seed, 99])
    filler_ids = model.generate(np.full(n, THESIS_CHARS, dtype=np.int64), nrng)
    fillers = [
        decode(model.vocab, filler_ids[i * THESIS_CHARS : (i + 1) * THESIS_CHARS])
        for i in range(n)
    ]
    vocab = [w for w in get_tokenizer().cut(fillers[0][:20000]) if len(w) >= 2]
    vocab = [w for w in vocab if _is_word(w)]
    kinds = ("verbatim",) * 4 + ("formatting",) * 3 + ("word_edits",) * 3
    out = []
    for t in range(n):
        filler = fillers[t]
        sources = rng.sample(range(source_docs), PASSAGES)
        pieces: list[tuple[str, str, int, int, str]] = []
        for k, doc_no in enumerate(sources):
            text = corpus.text(doc_no)
            length = rng.randint(300, 1000)
            start = rng.randint(0, max(0, len(text) - length))
            passage = text[start : start + length]
            kind = kinds[k]
            if kind == "formatting":
                reused = formatting_tricks(passage, rng)
            elif kind == "word_edits":
                reused = word_edits(passage, rng, vocab, 0.15)
            else:
                reused = passage
            pieces.append((reused, corpus.doc_id(doc_no), start, len(passage), kind))
        # Cut the filler so that filler + passages is about 50,000 characters.
        budget = THESIS_CHARS - sum(len(p[0]) for p in pieces)
        cuts = sorted(rng.sample(range(1, budget), PASSAGES))
        thesis: list[str] = []
        planted: list[Planted] = []
        pos = 0
        length = 0
        for cut, (reused, src, so, sl, kind) in zip(cuts, pieces, strict=True):
            thesis.append(filler[pos:cut])
            length += cut - pos
            planted.append(Planted(length, len(reused), src, so, sl, kind))
            thesis.append(reused)
            length += len(reused)
            pos = cut
        thesis.append(filler[pos:budget])
        out.append(("".join(thesis), planted))
    return out


def recall(matches: list[Match], planted: list[Planted]) -> tuple[float, int]:
    """Character recall of the planted passages (by their true source), passages found."""
    covered_total = 0
    found = 0
    for p in planted:
        mask = np.zeros(p.length, dtype=bool)
        for m in matches:
            if m.source != p.source:
                continue
            lo = max(m.offset, p.offset) - p.offset
            hi = min(m.offset + m.length, p.offset + p.length) - p.offset
            if hi > lo:
                mask[lo:hi] = True
        covered = int(mask.sum())
        covered_total += covered
        found += covered >= 0.5 * p.length
    return covered_total / sum(p.length for p in planted), found


def screen_all(
    index: CorpusIndex,
    corpus: MarkovCorpus,
    theses: list[tuple[str, list[Planted]]],
    *,
    meaning: bool = True,
    warm: str | None = None,
) -> dict[str, Any]:
    """Time the screener on each thesis (with or without the meaning layer); recall
    over all planted passages. It is warmed by `warm` (a whole thesis: a worker that
    has screened one before) or by the first thesis's first 3,000 characters."""
    from screening.screener import Screener

    numbers = {corpus.doc_id(i): i for i in range(len(corpus))}
    screener = Screener(index, lambda d: corpus.text(numbers[d]), meaning=meaning)
    screener.fit()
    screener.screen(theses[0][0][:3000] if warm is None else warm)  # imports, caches
    times, cpus, covered, total, found = [], [], 0.0, 0, 0
    for text, planted in theses:
        t0, c0 = time.perf_counter(), time.process_time()
        matches = screener.screen(text)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        r, f = recall(matches, planted)
        n_chars = sum(p.length for p in planted)
        covered += r * n_chars
        total += n_chars
        found += f
    return {
        "median_s": statistics.median(times),
        "p95_s": float(np.percentile(times, 95)),
        "mean_cpu_s": statistics.mean(cpus),
        "recall": covered / total,
        "found": found,
        "planted": PASSAGES * len(theses),
        "n": len(theses),
    }


def aligner_recall(
    corpus: MarkovCorpus, theses: list[tuple[str, list[Planted]]]
) -> float:
    """Recall of the exhaustive baseline on these theses, computed on the pairs that
    can count: our aligner on each thesis against its true sources (aligning against
    the other documents adds no true passage, so the figure is the same)."""
    from screening.align import AlignParams, align
    from screening.normalize import normalize

    numbers = {corpus.doc_id(i): i for i in range(len(corpus))}
    covered = total = 0.0
    for text, planted in theses:
        norm = normalize(text)
        matches = []
        for source in sorted({p.source for p in planted}):
            for p in align(
                normalize(corpus.text(numbers[source])), norm, AlignParams()
            ):
                matches.append(
                    Match(
                        source=source,
                        offset=p.tgt_span[0],
                        length=p.tgt_span[1] - p.tgt_span[0],
                        source_offset=p.src_span[0],
                        source_length=p.src_span[1] - p.src_span[0],
                        score=p.score,
                    )
                )
        r, _ = recall(matches, planted)
        n = sum(p.length for p in planted)
        covered += r * n
        total += n
    return covered / total


# ------------------------------------------------------------------------ peers
def run_peer(mode: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run `python -m benchmarks.scale_peers MODE` on a JSON payload; its JSON result."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(payload, fh)
        path = fh.name
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.scale_peers", mode, path],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(path)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    """Build, index, screen and print the figures (and the peers with --peers)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--theses", type=int, default=20)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--peers", action="store_true", help="copydetect and exhaustive")
    ap.add_argument(
        "--screen-only",
        action="store_true",
        help="reuse the index built by an earlier run (skip indexing figures)",
    )
    ap.add_argument("--peer-theses", type=int, default=5)
    ap.add_argument("--exhaustive-theses", type=int, default=3)
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--bench-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "chengxin-bench",
        help="cache of generated corpora and indexes (outside the repository)",
    )
    args = ap.parse_args(argv)
    bench: Path = args.bench_dir
    bench.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model = load_model(bench)
    print(
        f"model: order-{ORDER} characters from CSL, {len(model.keys):,} contexts "
        f"({time.perf_counter() - t0:.1f}s)",
        flush=True,
    )
    t0 = time.perf_counter()
    corpus = generate_corpus(
        model,
        bench / f"corpus-v2-s{args.seed}-n{args.docs}",
        n_docs=args.docs,
        seed=args.seed,
        processes=args.processes,
    )
    print(
        f"corpus: {len(corpus):,} documents, {corpus.n_chars:,} characters "
        f"(generated or loaded in {time.perf_counter() - t0:.1f}s)",
        flush=True,
    )
    extra = generate_corpus(
        model,
        bench / f"extra-v2-s{args.seed + 1}-n1000",
        n_docs=1000,
        seed=args.seed + 1,
        processes=args.processes,
    )

    # -------------------------------------------------------------- indexing
    index_dir = bench / f"index-s{args.seed}-n{args.docs}"
    chars = corpus.n_chars
    if args.screen_only and (index_dir / "manifest.json").exists():
        index_dir_clean = index_dir
    else:
        index, st = build_index(
            corpus, index_dir, n_docs=len(corpus), processes=args.processes
        )
        per_core = st["chars"] / st["fingerprint_cpu_s"]
        print(
            f"indexing: {per_core / 1e3:,.0f}k chars/s per core (fingerprinting CPU), "
            f"{st['chars'] / st['total_s'] / 1e3:,.0f}k chars/s wall with "
            f"{args.processes} processes; {st['total_s']:.1f}s total "
            f"(fingerprints {st['fingerprint_wall_s']:.1f}s, sort+save {st['save_s']:.1f}s)",
            flush=True,
        )
        n_pass = index.n_passages
        nbytes = index.nbytes
        words_nbytes = sum(s.words.nbytes for s in index._segments)
        bounds_nbytes = sum(s.bounds.nbytes for s in index._segments)
        disk = index.storage.nbytes_stored() if index.storage else 0
        del index
        # Adding 1,000 documents to the saved index: a new segment (plus tail merges).
        loaded = CorpusIndex.load(index_dir, mmap=True)
        add_t = time.perf_counter()
        _extra_index, xs = build_index(
            extra,
            index_dir,
            n_docs=1000,
            processes=args.processes,
            index=_as_extra(loaded),
        )
        add_s = time.perf_counter() - add_t
        print(
            f"adding 1,000 documents ({xs['chars']:,} chars) to the {args.docs:,}-document "
            f"index: {add_s:.1f}s ({xs['chars'] / add_s / 1e3:,.0f}k chars/s; "
            f"segments now {loaded.segment_count})",
            flush=True,
        )
        chars = corpus.n_chars
        print(
            f"index: {n_pass:,} passages; memory {nbytes / chars:.2f} bytes/char "
            f"({_mb(nbytes)}), disk {disk / chars:.2f} bytes/char ({_mb(disk)}); "
            f"of it the meaning layer's word postings "
            f"{words_nbytes / chars:.2f} bytes/char ({_mb(words_nbytes)}) and the cached "
            f"word boundaries {bounds_nbytes / chars:.2f} bytes/char "
            f"({_mb(bounds_nbytes)})",
            flush=True,
        )
        # Tombstone the 1,000 extra documents again so screening sees the corpus as built.
        for i in range(len(extra)):
            loaded.remove("x" + extra.doc_id(i))
        compact_t = time.perf_counter()
        loaded.compact()
        print(
            f"removing them again and compacting: {time.perf_counter() - compact_t:.1f}s",
            flush=True,
        )
        del loaded, _extra_index
        index_dir_clean = index_dir
    load = run_peer("load", {"index": str(index_dir_clean)})
    print(
        f"load: {load['load_mmap_s'] * 1000:.0f} ms memory-mapped, "
        f"{load['load_full_s']:.2f}s read into memory; "
        f"RSS after full load {_mb(load['rss_delta'])} "
        f"= {load['rss_delta'] / chars:.2f} bytes/char",
        flush=True,
    )

    # ------------------------------------------------------------- screening
    n_theses = max(args.theses, args.peer_theses, args.exhaustive_theses)
    theses = make_theses(
        model,
        corpus,
        n=n_theses,
        seed=args.seed + 5,
        source_docs=min(PEER_DOCS, len(corpus)),
    )
    thesis_file = bench / f"theses-s{args.seed}-n{n_theses}.json"
    thesis_file.write_text(
        json.dumps([[t, [asdict(p) for p in ps]] for t, ps in theses]),
        encoding="utf-8",
    )
    index = CorpusIndex.load(index_dir_clean, mmap=False)
    # Before and after in one run: the character layer alone (as before the meaning
    # layer), then both layers (what `chengxin screen` runs now).
    chars_only = screen_all(index, corpus, theses[: args.theses], meaning=False)
    print(
        f"character layer only: median {chars_only['median_s']:.2f}s, "
        f"p95 {chars_only['p95_s']:.2f}s (CPU {chars_only['mean_cpu_s']:.2f}s); "
        f"recall {chars_only['recall']:.3f}",
        flush=True,
    )
    res = screen_all(index, corpus, theses[: args.theses])
    print(
        f"with the meaning layer: {res['median_s'] / chars_only['median_s']:.2f}x "
        f"the median time of the character layer alone",
        flush=True,
    )
    print(
        f"screening a 50,000-char thesis with {PASSAGES} reused passages against "
        f"{args.docs:,} documents ({res['n']} theses): median {res['median_s']:.2f}s, "
        f"p95 {res['p95_s']:.2f}s (CPU {res['mean_cpu_s']:.2f}s); recall "
        f"{res['recall']:.3f}, passages found {res['found']}/{res['planted']}",
        flush=True,
    )
    del index
    exhaustive_recall = aligner_recall(corpus, theses[: args.theses])
    print(
        f"exhaustive-baseline recall on the same theses (aligner on every pair that "
        f"can count): {exhaustive_recall:.3f}; ours is "
        f"{(res['recall'] - exhaustive_recall) * 100:+.1f} points",
        flush=True,
    )
    if not args.peers:
        return 0

    # ----------------------------------------------------------------- peers
    n_ex = min(len(corpus), EXHAUSTIVE_MAX_DOCS)
    ex_index_dir = index_dir_clean
    if n_ex < len(corpus):
        ex_index_dir = bench / f"index-s{args.seed}-n{n_ex}"
        build_index(corpus, ex_index_dir, n_docs=n_ex, processes=args.processes)
    sub = {"corpus": str(corpus.directory), "theses": str(thesis_file)}
    ours = run_peer(
        "ours", {**sub, "index": str(ex_index_dir), "n": args.exhaustive_theses}
    )
    ex = run_peer("exhaustive", {**sub, "docs": n_ex, "n": args.exhaustive_theses})
    print(
        f"exhaustive baseline (our aligner against every document) at {n_ex:,} "
        f"documents, {args.exhaustive_theses} theses: {ex['per_thesis_s']:.1f}s per "
        f"thesis, recall {ex['recall']:.3f}; ours {ours['per_thesis_s']:.2f}s, recall "
        f"{ours['recall']:.3f} -> {ex['per_thesis_s'] / ours['per_thesis_s']:.0f}x "
        f"faster; peak RSS {_mb(ex['peak_rss'])} vs {_mb(ours['peak_rss'])} "
        f"({ex['peak_rss'] / ours['peak_rss']:.1f}x)",
        flush=True,
    )
    n_peer = min(PEER_DOCS, len(corpus))
    peer_dir = bench / f"index-s{args.seed}-n{n_peer}"
    if n_peer < len(corpus):
        build_index(corpus, peer_dir, n_docs=n_peer, processes=args.processes)
    ours = run_peer("ours", {**sub, "index": str(peer_dir), "n": args.peer_theses})
    cd = run_peer("copydetect", {**sub, "docs": n_peer, "n": args.peer_theses})
    print(
        f"copydetect 0.5 (winnowing) at {n_peer:,} documents "
        f"({cd['corpus_chars'] / 1e6:.0f}M chars), {args.peer_theses} theses: "
        f"{cd['total_s']:.1f}s ({cd['per_thesis_s']:.1f}s per thesis), peak RSS "
        f"{_mb(cd['peak_rss'])}, recall {cd['recall']:.3f}",
        flush=True,
    )
    print(
        f"ours at {n_peer:,} documents: {ours['total_s']:.2f}s including index load "
        f"({ours['per_thesis_s']:.2f}s per thesis), peak RSS {_mb(ours['peak_rss'])}, "
        f"recall {ours['recall']:.3f}",
        flush=True,
    )
    print(
        f"ratios vs copydetect: time {cd['total_s'] / ours['total_s']:.0f}x faster "
        f"(per thesis {cd['per_thesis_s'] / ours['per_thesis_s']:.0f}x); peak memory "
        f"{cd['peak_rss'] / ours['peak_rss']:.1f}x less",
        flush=True,
    )
    return 0


def _as_extra(index: CorpusIndex) -> CorpusIndex:
    """The loaded index, to which the extra documents are added (ids m0.. again would
    replace corpus documents, so the extra corpus's ids are prefixed)."""
    return _Prefixed(index)  # type: ignore[return-value]


class _Prefixed:
    """Proxy adding documents under "x" + id (the extra corpus reuses ids m000000...)."""

    def __init__(self, index: CorpusIndex) -> None:
        self._index = index
        self.params = index.params

    def add_fingerprinted(self, doc_id: str, *args: Any, **kwargs: Any) -> None:
        self._index.add_fingerprinted("x" + doc_id, *args, **kwargs)

    def save(self) -> None:
        self._index.save()


def peak_rss_bytes() -> int:
    """Peak resident set size of this process image (VmHWM; `ru_maxrss` would count
    the parent's pages the child had before its exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    sys.exit(main())
