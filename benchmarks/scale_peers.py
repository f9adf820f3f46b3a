"""Subprocess side of `benchmarks.scale`: each mode runs alone so its peak RSS is its own.

    python -m benchmarks.scale_peers load|ours|exhaustive|copydetect PAYLOAD.json

Prints one JSON line: timings, recall over the planted passages, and `peak_rss`.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from benchmarks.markov import MarkovCorpus
from benchmarks.scale import Planted, peak_rss_bytes, recall
from screening.report import Match


def _theses(payload: dict[str, Any]) -> list[tuple[str, list[Planted]]]:
    rows = json.loads(Path(payload["theses"]).read_text(encoding="utf-8"))
    return [(t, [Planted(**p) for p in ps]) for t, ps in rows][: payload["n"]]


def _recall(results: list[tuple[list[Match], list[Planted]]]) -> float:
    covered = total = 0.0
    for matches, planted in results:
        r, _ = recall(matches, planted)
        n = sum(p.length for p in planted)
        covered += r * n
        total += n
    return covered / total


def load(payload: dict[str, Any]) -> dict[str, Any]:
    """Load time (mapped and read) and the RSS a fully read index takes."""
    from screening.index import CorpusIndex

    t0 = time.perf_counter()
    CorpusIndex.load(payload["index"], mmap=True)
    mmap_s = time.perf_counter() - t0
    before = psutil.Process().memory_info().rss
    t0 = time.perf_counter()
    index = CorpusIndex.load(payload["index"], mmap=False)
    full_s = time.perf_counter() - t0
    rss = psutil.Process().memory_info().rss - before
    return {
        "load_mmap_s": mmap_s,
        "load_full_s": full_s,
        "rss_delta": rss,
        "docs": len(index),
    }


def ours(payload: dict[str, Any]) -> dict[str, Any]:
    """Load the index from disk and screen the theses."""
    from screening.index import CorpusIndex
    from screening.screener import Screener

    theses = _theses(payload)
    corpus = MarkovCorpus(Path(payload["corpus"]))
    t0 = time.perf_counter()
    index = CorpusIndex.load(payload["index"], mmap=False)
    screener = Screener(index, lambda d: corpus.text(int(d[1:]))).fit()
    t1 = time.perf_counter()
    results = [(screener.screen(t), p) for t, p in theses]
    t2 = time.perf_counter()
    return {
        "total_s": t2 - t0,
        "per_thesis_s": (t2 - t1) / len(theses),
        "recall": _recall(results),
        "peak_rss": peak_rss_bytes(),
    }


def exhaustive(payload: dict[str, Any]) -> dict[str, Any]:
    """Our aligner on the thesis against every corpus document, one by one."""
    from screening.align import AlignParams, align
    from screening.normalize import normalize

    theses = _theses(payload)
    corpus = MarkovCorpus(Path(payload["corpus"]))
    params = AlignParams()
    t0 = time.perf_counter()
    results = []
    for text, planted in theses:
        norm = normalize(text)
        matches: list[Match] = []
        for i in range(payload["docs"]):
            doc_id = corpus.doc_id(i)
            for p in align(normalize(corpus.text(i)), norm, params):
                matches.append(
                    Match(
                        source=doc_id,
                        offset=p.tgt_span[0],
                        length=p.tgt_span[1] - p.tgt_span[0],
                        source_offset=p.src_span[0],
                        source_length=p.src_span[1] - p.src_span[0],
                        score=p.score,
                    )
                )
        results.append((matches, planted))
    total = time.perf_counter() - t0
    return {
        "total_s": total,
        "per_thesis_s": total / len(theses),
        "recall": _recall(results),
        "peak_rss": peak_rss_bytes(),
    }


def copydetect(payload: dict[str, Any]) -> dict[str, Any]:
    """copydetect's CopyDetector over the first `docs` documents as .txt files."""
    import logging

    from copydetect import CopyDetector

    logging.disable(logging.WARNING)
    theses = _theses(payload)
    corpus = MarkovCorpus(Path(payload["corpus"]))
    with tempfile.TemporaryDirectory() as tmp:
        ref = Path(tmp) / "ref"
        test = Path(tmp) / "test"
        ref.mkdir()
        test.mkdir()
        chars = 0
        for i in range(payload["docs"]):
            text = corpus.text(i)
            chars += len(text)
            (ref / f"{corpus.doc_id(i)}.txt").write_text(text, encoding="utf-8")
        for k, (text, _) in enumerate(theses):
            (test / f"t{k:03d}.txt").write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        detector = CopyDetector(
            test_dirs=[str(test)],
            ref_dirs=[str(ref)],
            extensions=["txt"],
            disable_filtering=True,
            autoopen=False,
            silent=True,
        )
        detector.run()
        total = time.perf_counter() - t0
        results = []
        for k, (_text, planted) in enumerate(theses):
            name = str(test / f"t{k:03d}.txt")
            matches: list[Match] = []
            for i in range(payload["docs"]):
                rname = str(ref / f"{corpus.doc_id(i)}.txt")
                for lo, hi in _slices(detector, name, rname):
                    matches.append(
                        Match(
                            source=corpus.doc_id(i),
                            offset=int(lo),
                            length=int(hi - lo),
                            source_offset=0,
                            source_length=0,
                            score=1.0,
                        )
                    )
            results.append((matches, planted))
    return {
        "total_s": total,
        "per_thesis_s": total / len(theses),
        "recall": _recall(results),
        "corpus_chars": chars,
        "peak_rss": peak_rss_bytes(),
    }


def _slices(detector: Any, test: str, ref: str) -> list[tuple[int, int]]:
    """Copied character ranges of `test` found against `ref` (copydetect's slices)."""
    pair = detector.slice_matrix.get((test, ref))
    if pair is None:
        return []
    starts, ends = pair[0]
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


MODES = {"load": load, "ours": ours, "exhaustive": exhaustive, "copydetect": copydetect}

if __name__ == "__main__":
    result = MODES[sys.argv[1]](json.loads(Path(sys.argv[2]).read_text()))
    print(json.dumps(result))
