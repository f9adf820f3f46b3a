"""The cost targets of issue #12, side by side in one run: at each corpus size, the
character layer alone against both layers on 50,000-character theses, the index's bytes
per corpus character (and what of it the meaning layer holds), indexing time, and the
fixed cost of a `chengxin screen` run.

Two kinds of corpus (--corpus):

* markov (as `benchmarks.scale`): documents of 5,000-20,000 characters drawn from an
  order-3 character Markov model trained on the CSL abstracts (read in place from
  ../shared/corpora/csl), so their n-gram statistics are those of real abstracts and no
  two documents repeat each other;
* csl: the real CSL abstracts themselves (about 214 characters each; the 14,000 or so
  distinct ones, in file order). Beyond them, document k is abstract k mod N with its
  sentences in reverse order (a perturbed repeat, for size only).

`--corpus csl,markov` measures both in one run and prints them side by side: the CSL
abstracts are the real prose but 220 characters long; the Markov documents have the
length of theses and papers (12,400 characters on average), the issue's real setting.

Theses are 50,000 characters of Markov text with ten passages of corpus documents (four
verbatim, three with formatting tricks, three with word edits). An index built by an
earlier run (same corpus, seed and size) is reused with its recorded build figures.

    .venv/bin/python -m benchmarks.scale_cost --docs 1000,10000 [--corpus csl,markov]
        [--theses 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.accuracy import load_abstracts
from benchmarks.markov import MarkovCorpus, generate_corpus
from benchmarks.scale import build_index, load_model, make_theses, screen_all
from benchmarks.screen_cli import run_chengxin
from benchmarks.screen_fixed_cost import measure, one_page
from screening.index import CorpusIndex

BUILD_FILE = "build-figures.json"


def csl_corpus(directory: Path, n_docs: int) -> MarkovCorpus:
    """The first `n_docs` CSL abstracts (perturbed repeats beyond them) on disk, in the
    format of a generated corpus (character ids, document offsets, vocabulary)."""
    if not (directory / "offsets.npy").exists():
        abstracts = load_abstracts()
        docs = []
        for k in range(n_docs):
            text = abstracts[k % len(abstracts)]
            if k >= len(abstracts):
                text = "。".join(reversed(text.split("。")))
            docs.append(text)
        joined = "".join(docs)
        vocab = sorted(set(joined))
        code = {c: i for i, c in enumerate(vocab)}
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "ids.npy", np.array([code[c] for c in joined], np.uint16))
        np.save(
            directory / "offsets.npy",
            np.concatenate([[0], np.cumsum([len(d) for d in docs])]).astype(np.int64),
        )
        np.save(directory / "vocab.npy", np.array(vocab, dtype="<U1"))
    return MarkovCorpus(directory)


def corpus_for(bench: Path, kind: str, n_docs: int, seed: int) -> MarkovCorpus:
    """The corpus of one size (generated or read once, then cached under `bench`)."""
    if kind == "csl":
        return csl_corpus(bench / f"csl-n{n_docs}", n_docs)
    return generate_corpus(
        load_model(bench),
        bench / f"corpus-v2-s{seed}-n{n_docs}",
        n_docs=n_docs,
        seed=seed,
        processes=os.cpu_count() or 1,
    )


def index_figures(
    bench: Path, kind: str, n_docs: int, seed: int, processes: int
) -> tuple[Path, dict[str, Any]]:
    """Build (or reuse) the index of `n_docs` documents; its size and build figures."""
    corpus = corpus_for(bench, kind, n_docs, seed)
    name = f"index-s{seed}-n{n_docs}" if kind == "markov" else f"index-csl-n{n_docs}"
    directory = bench / name
    figures_file = directory / BUILD_FILE
    index = (
        CorpusIndex.load(directory) if (directory / "manifest.json").exists() else None
    )
    cached = index is not None and all(len(s.bounds.bits) for s in index._segments)
    if cached and figures_file.exists():
        figures: dict[str, Any] = json.loads(figures_file.read_text(encoding="utf-8"))
    else:
        index, st = build_index(corpus, directory, n_docs=n_docs, processes=processes)
        figures = {"build_s": st["total_s"], "build_cpu_s": st["fingerprint_cpu_s"]}
    assert index is not None
    chars = corpus.n_chars
    figures.update(
        chars=chars,
        bytes_per_char=index.storage.nbytes_stored() / chars if index.storage else 0.0,
        words_per_char=sum(s.words.nbytes for s in index._segments) / chars,
        bounds_per_char=sum(s.bounds.nbytes for s in index._segments) / chars,
    )
    figures_file.write_text(json.dumps(figures), encoding="utf-8")
    return directory, figures


def screening_figures(
    bench: Path, kind: str, directory: Path, n_docs: int, seed: int, n_theses: int
) -> dict[str, Any]:
    """Median screening time of the theses, character layer alone and both layers."""
    corpus = corpus_for(bench, kind, n_docs, seed)
    theses = make_theses(
        load_model(bench),
        corpus,
        n=n_theses,
        seed=seed + 5,
        source_docs=min(2000, n_docs),
    )
    # A worker's process has screened theses before: its caches (word forms, keys,
    # cut pieces) hold the field's vocabulary. Measured both ways.
    ((warm, _),) = make_theses(
        load_model(bench), corpus, n=1, seed=seed + 99, source_docs=min(2000, n_docs)
    )
    index = CorpusIndex.load(directory, mmap=False)
    chars_only = screen_all(index, corpus, theses, meaning=False)
    both = screen_all(index, corpus, theses)
    chars_warm = screen_all(index, corpus, theses, meaning=False, warm=warm)
    both_warm = screen_all(index, corpus, theses, warm=warm)
    return {
        "chars_only": chars_only,
        "both": both,
        "chars_warm": chars_warm,
        "both_warm": both_warm,
    }


def fixed_cost(runs: int) -> float:
    """Median wall seconds of `chengxin screen` on one page against an empty corpus,
    bytecode cached (as `benchmarks.screen_fixed_cost` measures it)."""
    with tempfile.TemporaryDirectory(prefix="chengxin-fixed-") as tmp:
        root = Path(tmp)
        page = root / "page.txt"
        page.write_text(one_page(), encoding="utf-8")
        run_chengxin(["corpus", "list"], root / "data")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(CHENGXIN_DATA_DIR=str(root / "data"))
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        walls = sorted(w for w, _ in measure(page, root, env, runs))
    return walls[len(walls) // 2]


def main(argv: list[str] | None = None) -> int:
    """Measure every size asked for, then print one table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", default="1000,10000")
    ap.add_argument(
        "--corpus",
        default="markov",
        help="csl, markov or both (csl,markov): each measured at every size",
    )
    ap.add_argument("--theses", type=int, default=5)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--fixed-runs", type=int, default=5)
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--bench-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "chengxin-bench",
        help="cache of generated corpora and indexes (outside the repository)",
    )
    args = ap.parse_args(argv)
    args.bench_dir.mkdir(parents=True, exist_ok=True)
    kinds = [k for k in args.corpus.split(",") if k]
    if not kinds or set(kinds) - {"csl", "markov"}:
        ap.error("--corpus takes csl, markov or csl,markov")
    rows = []
    for kind in kinds:
        for n_docs in [int(x) for x in args.docs.split(",") if x]:
            t0 = time.perf_counter()
            directory, built = index_figures(
                args.bench_dir, kind, n_docs, args.seed, args.processes
            )
            screened = screening_figures(
                args.bench_dir, kind, directory, n_docs, args.seed, args.theses
            )
            rows.append((kind, n_docs, built, screened))
            print(
                f"{kind}, {n_docs:,} documents measured in "
                f"{time.perf_counter() - t0:.0f}s",
                flush=True,
            )
    fixed = fixed_cost(args.fixed_runs)
    print(
        f"\n50,000-character theses ({args.theses} per corpus and size), median wall "
        f"and mean CPU seconds; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs\n"
    )
    print(
        "| corpus | documents | corpus chars (per document) | characters alone: wall "
        "(CPU) | both layers: wall (CPU) | ratio wall (CPU), target <= 2 "
        "| ratio in a worker that screened one thesis before: wall (CPU) "
        "| recall (chars / both) | index B/char (target <= 6) | of it word postings "
        "| of it cached boundaries | indexing wall (CPU) |"
    )
    print("|---" * 12 + "|")
    for kind, n_docs, built, screened in rows:
        a, b = screened["chars_only"], screened["both"]
        wa, wb = screened["chars_warm"], screened["both_warm"]
        print(
            f"| {kind} | {n_docs:,} | {built['chars'] / 1e6:,.1f}M "
            f"({built['chars'] / n_docs:,.0f}) "
            f"| {a['median_s']:.2f}s ({a['mean_cpu_s']:.2f}s) "
            f"| {b['median_s']:.2f}s ({b['mean_cpu_s']:.2f}s) "
            f"| {b['median_s'] / a['median_s']:.2f}x "
            f"({b['mean_cpu_s'] / a['mean_cpu_s']:.2f}x) "
            f"| {wb['median_s'] / wa['median_s']:.2f}x "
            f"({wb['mean_cpu_s'] / wa['mean_cpu_s']:.2f}x) "
            f"| {a['recall']:.3f} / {b['recall']:.3f} | {built['bytes_per_char']:.2f} "
            f"| {built['words_per_char']:.2f} | {built['bounds_per_char']:.3f} "
            f"| {built['build_s']:.0f}s ({built['build_cpu_s']:.0f}s) |"
        )
    print(
        f"\nfixed cost of `chengxin screen` (one page, empty corpus, bytecode cached, "
        f"median of {args.fixed_runs}): {fixed:.2f}s (target < 1 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
