"""Cross-language reuse the other way round: English theses against Chinese sources.

`benchmarks.semantic` measures Chinese theses that translate English sources. Here each
English paragraph of the semantic benchmark's translated rows (written in English by
hand, benchmarks/data/semantic) is the reused passage of an English thesis, and its
Chinese version is a document of the corpus, among CSL abstracts (read in place from
../shared/corpora/csl). The theses' other paragraphs are the English short-answer
benchmark's paragraphs (benchmarks/data/english: computer-science topics, found in no
source); every fourth thesis is clean. Setting: `chengxin corpus add` and `chengxin
screen`, the screener finding its own sources. Printed per set (tuning, held-out):
plagdet, precision, recall, granularity, and the share of clean theses with no match.

    .venv/bin/python -m benchmarks.english_theses [--docs 4000] [--seed 11]

No target of issue #12 is set on this direction; it is reported beside the other.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from benchmarks.accuracy import CSL, load_abstracts
from benchmarks.english import english_decoys
from benchmarks.pan_measures import pan_scores
from benchmarks.screen_cli import screen_with_cli
from benchmarks.semantic import (
    DATA,
    all_originals,
    counted,
    without_near_copies,
)
from screening.pan import Detection


def build(
    prefix: str, n_docs: int, seed: int
) -> tuple[dict[str, str], dict[str, str], list[Detection]]:
    """The corpus, the English theses and their true cases (PAN features)."""
    rows = [
        json.loads(line)
        for line in (DATA / f"{prefix}_translated.jsonl")
        .read_text("utf-8")
        .splitlines()
        if line.strip()
    ]
    pool = without_near_copies(load_abstracts(), all_originals())
    return place(rows, pool, english_decoys(), n_docs, seed)


def place(
    rows: list[dict[str, str]],
    abstracts: list[str],
    filler: list[str],
    n_docs: int,
    seed: int,
) -> tuple[dict[str, str], dict[str, str], list[Detection]]:
    """Each row's English paragraph between filler paragraphs of a thesis, its Chinese
    version a corpus document among `n_docs` abstracts; a clean thesis for every
    third row."""
    rng = random.Random(seed)
    pool = list(abstracts)
    rng.shuffle(pool)
    corpus = {f"doc-{i:05d}.txt": text for i, text in enumerate(pool[:n_docs])}
    filler = list(filler)
    rng.shuffle(filler)
    theses: dict[str, str] = {}
    cases: list[Detection] = []
    take = iter(filler * 6)
    for k in range(len(rows) + len(rows) // 3):
        name = f"thesis-{k:03d}.txt"
        before = [next(take) for _ in range(rng.randint(1, 3))]
        after = [next(take) for _ in range(rng.randint(1, 3))]
        if k >= len(rows):  # clean
            theses[name] = "\n".join(before + after)
            continue
        row = rows[k]
        source = f"zh-{row['id']}.txt"
        corpus[source] = row["text"]
        head = "\n".join(before) + "\n"
        theses[name] = head + row["english"] + "\n" + "\n".join(after)
        cases.append(
            Detection(name, len(head), len(row["english"]), source, 0, len(row["text"]))
        )
    return corpus, theses, cases


def run_set(prefix: str, n_docs: int, seed: int) -> None:
    """Screen one set's theses with the CLI and print its figures."""
    corpus, theses, cases = build(prefix, n_docs, seed)
    with tempfile.TemporaryDirectory(prefix="chengxin-english-theses-") as tmp:
        reports = screen_with_cli(corpus, theses, Path(tmp))
    dets = counted(reports)
    s = pan_scores(cases, dets)
    cased = {c.this_reference for c in cases}
    clean = [n for n in theses if n not in cased]
    flagged = {d.this_reference for d in dets}
    share = sum(n not in flagged for n in clean) / len(clean) if clean else 1.0
    print(
        f"\n== {prefix}: {len(cases)} English theses reusing a Chinese source, "
        f"{len(clean)} clean; corpus {len(corpus)} documents"
    )
    print("plagdet   prec recall  gran cases  dets")
    print(
        f"{s.plagdet:7.3f} {s.precision:6.3f} {s.recall:6.3f} {s.granularity:5.2f}"
        f" {s.cases:5d} {s.detections:5d}"
    )
    print(f"clean theses with no match: {share:.1%} of {len(clean)}")


def main(argv: list[str] | None = None) -> int:
    """Run the tuning and held-out sets."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    if not CSL.exists():
        print(f"skipped: the CSL abstracts are not at {CSL}", file=sys.stderr)
        return 0
    for prefix in ("tune", "heldout"):
        run_set(prefix, args.docs, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
