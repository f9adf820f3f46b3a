"""Rewritten and translated reuse: the screener on our own hand-written rewrites (issue #12).

The passages (benchmarks/data/semantic, written by hand: light, medium, heavy 降重 rewrites
of CSL abstracts, and Chinese translations of English versions of CSL abstracts, plain and
reworded) are placed into theses of other CSL abstracts, with clean theses among them (a
third). The corpus holds several thousand CSL abstracts plus the sources (the English text
for a translated passage; its Chinese original is kept out). Three settings:

* screen: the real setting, `chengxin corpus add` and `chengxin screen` run as commands on
  a fresh data directory, so the screener finds its own sources in the whole corpus;
* pan: `run_pan` (the code of `chengxin pan`), pairs given: the true sources plus two
  random decoys for every thesis;
* pan2014: the PAN 2014 winner (benchmarks/pan2014.py) on the same pairs.

Prints plagdet, precision, recall and granularity per level (verbatim control, light,
medium, heavy, translated, translated+reworded), and the share of clean theses with no
match, for the tuning set and, with --heldout, for the held-out set too.

    .venv/bin/python -m benchmarks.semantic [--docs 4000] [--seed 11] [--heldout]
        [--settings screen,pan,pan2014] [--long-sources K] [--english-decoys]

With --long-sources K each Chinese source abstract sits amid K other abstracts (found
in no thesis), as a reused passage sits in a long corpus document: the meaning layer
then reads only the source sentences near the thesis passage, and this measures what
that costs in recall. With --english-decoys the corpus also holds 105 English paragraphs
on computer-science topics (the English short-answer benchmark's), in no thesis: a match
to one of them is a false cross-language match.

The abstracts are read in place from ../shared/corpora/csl and never copied; without it
the benchmark says so and skips.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.accuracy import CSL, load_abstracts
from benchmarks.english import english_decoys
from benchmarks.pan2014 import align_pair
from benchmarks.pan_measures import Scores, pan_scores
from benchmarks.screen_cli import screen_with_cli
from screening.normalize import normalize
from screening.pan import Detection, read_detections, run_pan

DATA = Path(__file__).resolve().parent / "data" / "semantic"
LEVELS = ("verbatim", "light", "medium", "heavy", "translated", "translated_reworded")
TARGETS: dict[str, float | None] = {
    "verbatim": 0.95,
    "light": 0.95,
    "medium": 0.95,
    "heavy": 0.85,
    "translated": 0.60,
    "translated_reworded": None,
}
SETTINGS = ("screen", "pan", "pan2014")
# Abstracts kept aside to lengthen the corpus documents (--long-sources).
LONG_SOURCE_POOL = 1000


@dataclass(frozen=True)
class Passage:
    """One reused passage: what the thesis carries and the source it was made from."""

    level: str
    row_id: str
    text: str
    source: str


@dataclass(frozen=True)
class Case:
    """A placed passage with its true offsets (a PAN feature)."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    level: str
    row_id: str = ""


@dataclass
class Bench:
    """Corpus documents, theses, each thesis's level ("clean" for none) and the cases."""

    corpus: dict[str, str]
    theses: dict[str, str]
    levels: dict[str, str]
    cases: list[Case]


# ------------------------------------------------------------------------ the data
_LINES: dict[str, list[str]] = {}


def original(source: dict[str, object]) -> str:
    """The CSL abstract a row names (column 2 of that line), read from ../shared."""
    name = str(source["file"])
    if name not in _LINES:
        _LINES[name] = (CSL / name).read_text(encoding="utf-8").splitlines()
    return _LINES[name][int(str(source["line"])) - 1].split("\t")[1].strip()


def read_rows(prefix: str) -> dict[str, list[dict[str, object]]]:
    """The rows of `<prefix>_<kind>.jsonl` (then `<prefix>_<kind>2.jsonl`, 3, ...) by kind."""
    out: dict[str, list[dict[str, object]]] = {}
    for kind in ("light", "medium", "heavy", "translated"):
        path = DATA / f"{prefix}_{kind}.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        # Further files of the same kind widen the set (tune_heavy2.jsonl,
        # tune_heavy3.jsonl; README), read in their number's order.
        number = 2
        while (more := DATA / f"{prefix}_{kind}{number}.jsonl").exists():
            lines += more.read_text(encoding="utf-8").splitlines()
            number += 1
        out[kind] = [json.loads(line) for line in lines if line.strip()]
    return out


def passages(prefix: str) -> list[Passage]:
    """Every passage of one set; the light rows' originals serve as the verbatim control."""
    rows = read_rows(prefix)
    out: list[Passage] = []
    for kind in ("light", "medium", "heavy"):
        for row in rows[kind]:
            src = original(row["source"])  # type: ignore[arg-type]
            out.append(Passage(kind, str(row["id"]), str(row["text"]), src))
            if kind == "light":
                out.append(Passage("verbatim", str(row["id"]), src, src))
    for row in rows["translated"]:
        english = str(row["english"])
        out.append(Passage("translated", str(row["id"]), str(row["text"]), english))
        out.append(
            Passage(
                "translated_reworded", str(row["id"]), str(row["reworded"]), english
            )
        )
    return out


def all_originals() -> list[str]:
    """The Chinese originals of every row of both sets (kept out of filler and corpus)."""
    out: list[str] = []
    for prefix in ("tune", "heldout"):
        for rows in read_rows(prefix).values():
            out += [original(r["source"]) for r in rows]  # type: ignore[arg-type]
    return out


def _grams(text: str, k: int = 8) -> set[str]:
    norm = normalize(text).text
    return {norm[i : i + k] for i in range(0, max(len(norm) - k + 1, 1))}


def without_near_copies(abstracts: list[str], avoid: list[str]) -> list[str]:
    """Abstracts sharing < 15% (and < 30) of their 8-char runs with every avoided text.

    CSL repeats papers across its sub-sets; a copy of a source left in the corpus or the
    filler would be real reuse missing from the truth.
    """
    owner: dict[str, int] = {}
    for i, text in enumerate(avoid):
        for g in _grams(text):
            owner.setdefault(g, i)
    kept: list[str] = []
    for text in abstracts:
        grams = _grams(text)
        hits = sum(1 for g in grams if g in owner)
        if hits < min(0.15 * len(grams), 30):
            kept.append(text)
    return kept


def build(
    prefix: str, n_docs: int, seed: int, long_sources: int = 0, decoys: bool = False
) -> Bench:
    """Seeded theses (1-3 passages of one level each, a third clean) and the corpus
    (with `long_sources`, each Chinese source abstract sits amid that many others;
    with `decoys`, the English paragraphs of `english_decoys` are in it too)."""
    rng = random.Random(seed)
    items = passages(prefix)
    sources = sorted({p.source for p in items})
    pool = without_near_copies(load_abstracts(), all_originals())
    rng.shuffle(pool)
    texts = pool[:n_docs] + sources
    rng.shuffle(texts)
    corpus = {f"doc-{i:05d}.txt": t for i, t in enumerate(texts)}
    if decoys:
        corpus |= {f"decoy-en-{i:03d}.txt": t for i, t in enumerate(english_decoys())}
    doc_of = {t: name for name, t in corpus.items()}
    reserve = LONG_SOURCE_POOL if long_sources else 0
    filler = pool[n_docs : len(pool) - reserve]
    shift = _lengthen(
        corpus,
        [doc_of[t] for t in sources],
        pool[len(pool) - reserve :],
        long_sources,
        seed,
    )
    theses: dict[str, str] = {}
    levels: dict[str, str] = {}
    cases: list[Case] = []
    groups: list[tuple[str, list[Passage]]] = []
    for level in LEVELS:
        mine = [p for p in items if p.level == level]
        rng.shuffle(mine)
        while mine:
            take = rng.randint(1, 3)
            groups.append((level, mine[:take]))
            mine = mine[take:]
    groups += [("clean", [])] * (len(groups) // 2)
    fill = 0
    for number, (level, group) in enumerate(groups):
        name = f"thesis-{number:03d}.txt"  # the level stays out of what is screened
        n_abs = rng.choice([6, 10, 15, 20])
        if fill + n_abs > len(filler):
            fill = 0
        parts = filler[fill : fill + n_abs]
        fill += n_abs
        slots = sorted(rng.randint(0, len(parts)) for _ in group)
        text, placed = _assemble(parts, list(zip(slots, group, strict=True)))
        for offset, p in placed:
            cases.append(
                Case(
                    name,
                    offset,
                    len(p.text),
                    doc_of[p.source],
                    shift.get(doc_of[p.source], 0),
                    len(p.source),
                    level,
                    p.row_id,
                )
            )
        theses[name] = text
        levels[name] = level
    return Bench(corpus, theses, levels, cases)


def _lengthen(
    corpus: dict[str, str],
    names: list[str],
    spare: list[str],
    per_source: int,
    seed: int,
) -> dict[str, int]:
    """Put each Chinese source document amid `per_source` abstracts of `spare` (in no
    thesis and no other document), as a thesis in the corpus holds the abstract a
    rewrite was made from; returns where each one's own text now starts."""
    if not per_source:
        return {}
    rng = random.Random(seed + 1)
    shift: dict[str, int] = {}
    for name in names:
        text = corpus[name]
        if sum("\u4e00" <= c <= "\u9fff" for c in text) < len(text) / 4:
            continue  # English sources stay as they are: one language per document
        around = rng.sample(spare, per_source)
        before = "\n".join(around[: per_source // 2]) + "\n"
        corpus[name] = before + text + "\n" + "\n".join(around[per_source // 2 :])
        shift[name] = len(before)
    return shift


def _assemble(
    parts: list[str], inserts: list[tuple[int, Passage]]
) -> tuple[str, list[tuple[int, Passage]]]:
    """Paragraphs joined by newlines, each passage its own paragraph before the filler
    paragraph of its slot; the text and each passage's offset in it."""
    paragraphs: list[tuple[str, Passage | None]] = []
    for slot in range(len(parts) + 1):
        paragraphs += [(p.text, p) for s, p in inserts if s == slot]
        if slot < len(parts):
            paragraphs.append((parts[slot], None))
    placed: list[tuple[int, Passage]] = []
    offset = 0
    for text, passage in paragraphs:
        if passage is not None:
            placed.append((offset, passage))
        offset += len(text) + 1
    return "\n".join(text for text, _ in paragraphs), placed


# ------------------------------------------------------------------------- settings
def run_screen(bench: Bench, tmp: Path) -> list[Detection]:
    """`chengxin corpus add` then `chengxin screen --format json`; counted matches back."""
    return counted(screen_with_cli(bench.corpus, bench.theses, tmp))


def counted(reports: dict[str, list[dict[str, Any]]]) -> list[Detection]:
    """The counted (not excluded) matches of `chengxin screen` reports, as PAN features."""
    return [
        Detection(
            name,
            m["offset"],
            m["length"],
            m["source"],
            m["source_offset"],
            m["source_length"],
        )
        for name, matches in reports.items()
        for m in matches
        if m["excluded"] is None
    ]


def pairs_of(bench: Bench, seed: int) -> list[tuple[str, str]]:
    """Every thesis with its true sources and two random decoys."""
    rng = random.Random(seed + 1)
    names = sorted(bench.corpus)
    out: list[tuple[str, str]] = []
    for thesis in bench.theses:
        srcs = sorted(
            {c.source_reference for c in bench.cases if c.this_reference == thesis}
        )
        decoys = [n for n in rng.sample(names, 2) if n not in srcs]
        out += [(thesis, s) for s in srcs + decoys]
    return out


def run_pairs(bench: Bench, pairs: list[tuple[str, str]], tmp: Path) -> list[Detection]:
    """`run_pan` (what `chengxin pan` runs) on the pairs, its XML read back."""
    src_dir, susp_dir, out_dir = tmp / "src", tmp / "susp", tmp / "out"
    for d in (src_dir, susp_dir, out_dir):
        d.mkdir()
    for name, text in bench.theses.items():
        (susp_dir / name).write_text(text, encoding="utf-8", newline="")
    for src in {s for _, s in pairs}:
        (src_dir / src).write_text(bench.corpus[src], encoding="utf-8", newline="")
    (tmp / "pairs").write_text(
        "".join(f"{a} {b}\n" for a, b in pairs), encoding="utf-8"
    )
    run_pan(tmp / "pairs", src_dir, susp_dir, out_dir)
    return read_detections(out_dir)


def run_baseline(bench: Bench, pairs: list[tuple[str, str]]) -> list[Detection]:
    """The PAN 2014 winner's detections on the same pairs."""
    out: list[Detection] = []
    for thesis, src in pairs:
        out += align_pair(thesis, bench.theses[thesis], src, bench.corpus[src])
    return out


# -------------------------------------------------------------------------- figures
def scores_by_level(bench: Bench, dets: list[Detection]) -> dict[str, Scores]:
    """PAN measures per level (detections in that level's theses) and overall."""
    out: dict[str, Scores] = {}
    for level in (*LEVELS, "overall"):
        cases = [c for c in bench.cases if level in ("overall", c.level)]
        mine = [
            d
            for d in dets
            if level == "overall" or bench.levels[d.this_reference] == level
        ]
        out[level] = pan_scores(cases, mine)
    return out


def clean_share(bench: Bench, dets: list[Detection]) -> tuple[float, int]:
    """Share of clean theses with no detection at all, and how many clean theses."""
    clean = [t for t, lv in bench.levels.items() if lv == "clean"]
    flagged = {d.this_reference for d in dets}
    return sum(1 for t in clean if t not in flagged) / max(len(clean), 1), len(clean)


def print_setting(title: str, bench: Bench, dets: list[Detection]) -> dict[str, Scores]:
    """One table: the PAN figures per level, then the clean theses."""
    print(f"\n== {title}")
    print(
        f"{'level':<21}{'plagdet':>8}{'prec':>7}{'recall':>7}{'gran':>6}{'cases':>6}{'dets':>6}  target"
    )
    res = scores_by_level(bench, dets)
    for level, sc in res.items():
        target = TARGETS.get(level)
        mark = (
            ""
            if target is None
            else f">={target:.2f} " + ("ok" if sc.plagdet >= target else "MISS")
        )
        print(
            f"{level:<21}{sc.plagdet:>8.3f}{sc.precision:>7.3f}{sc.recall:>7.3f}"
            f"{sc.granularity:>6.2f}{sc.cases:>6}{sc.detections:>6}  {mark}"
        )
    share, n = clean_share(bench, dets)
    print(f"clean theses with no match: {share:.1%} of {n}  target 100%")
    return res


TITLES = {
    "screen": "screen (chengxin corpus add + chengxin screen, own retrieval)",
    "pan": "pan (run_pan, as chengxin pan, pairs given)",
    "pan2014": "pan2014 (Sanchez-Perez et al., ported, same pairs)",
}


def run_setting(
    setting: str, bench: Bench, pairs: list[tuple[str, str]], tmp: Path
) -> list[Detection]:
    """The detections of one setting on the benchmark."""
    tmp.mkdir()
    if setting == "screen":
        return run_screen(bench, tmp)
    if setting == "pan":
        return run_pairs(bench, pairs, tmp)
    return run_baseline(bench, pairs)


def print_per_passage(
    bench: Bench, by_setting: dict[str, list[Detection]], level: str
) -> None:
    """Each passage of one level with its plagdet in every setting (a diagnosis of
    where one setting loses to another), the passages where they differ first."""
    print(f"\n== {level} passages, plagdet per setting (differing first)")
    rows = []
    for c in bench.cases:
        if c.level != level:
            continue
        figures = [
            pan_scores(
                [c],
                [
                    d
                    for d in dets
                    if d.this_reference == c.this_reference
                    and d.source_reference == c.source_reference
                ],
            ).plagdet
            for dets in by_setting.values()
        ]
        rows.append((min(figures) - max(figures), c.row_id, c.this_reference, figures))
    print(f"{'row':<22}{'thesis':<18}" + "".join(f"{s:>9}" for s in by_setting))
    for _, row_id, thesis, figures in sorted(rows):
        print(f"{row_id:<22}{thesis:<18}" + "".join(f"{f:>9.3f}" for f in figures))


def print_false_matches(bench: Bench, by_setting: dict[str, list[Detection]]) -> None:
    """Each detection that overlaps no true case, with both texts (a diagnosis of what
    costs precision and clean theses)."""
    for setting, dets in by_setting.items():
        print(f"\n== {setting}: detections that overlap no true case")
        for d in dets:
            hit = any(
                c.this_reference == d.this_reference
                and c.source_reference == d.source_reference
                and c.this_offset < d.this_offset + d.this_length
                and d.this_offset < c.this_offset + c.this_length
                for c in bench.cases
            )
            if hit:
                continue
            this = bench.theses[d.this_reference]
            src = bench.corpus[d.source_reference]
            print(
                f"-- {d.this_reference} ({bench.levels[d.this_reference]}) "
                f"{d.this_offset}+{d.this_length} ~ {d.source_reference} "
                f"{d.source_offset}+{d.source_length}"
            )
            print("   thesis:", this[d.this_offset : d.this_offset + d.this_length])
            print(
                "   source:", src[d.source_offset : d.source_offset + d.source_length]
            )


def run_set(
    prefix: str,
    n_docs: int,
    seed: int,
    settings: Sequence[str],
    per_passage: str | None = None,
    false_matches: bool = False,
    long_sources: int = 0,
    decoys: bool = False,
) -> None:
    """Build one set, run the settings asked for and print their figures side by side."""
    t0 = time.perf_counter()
    bench = build(prefix, n_docs, seed, long_sources, decoys)
    chars = sum(len(t) for t in bench.theses.values())
    print(
        f"\n##### {prefix} set: {len(bench.cases)} passages in {len(bench.theses)} theses "
        f"({chars:,} chars, {sum(lv == 'clean' for lv in bench.levels.values())} clean); "
        f"corpus {len(bench.corpus)} documents; built in {time.perf_counter() - t0:.1f}s"
    )
    pairs = pairs_of(bench, seed)
    results: dict[str, dict[str, Scores]] = {}
    found: dict[str, list[Detection]] = {}
    with tempfile.TemporaryDirectory(prefix="chengxin-semantic-") as tmp:
        for setting in settings:
            t0 = time.perf_counter()
            dets = run_setting(setting, bench, pairs, Path(tmp) / setting)
            seconds = time.perf_counter() - t0
            print(
                f"\n{setting}: {len(bench.theses)} theses, {len(pairs)} pairs; {seconds:.1f}s wall"
            )
            results[setting] = print_setting(TITLES[setting], bench, dets)
            found[setting] = dets
    print(f"\n== {prefix} set, plagdet side by side")
    print(f"{'level':<21}" + "".join(f"{s:>9}" for s in settings))
    for level in (*LEVELS, "overall"):
        print(
            f"{level:<21}"
            + "".join(f"{results[s][level].plagdet:>9.3f}" for s in settings)
        )
    if per_passage:
        print_per_passage(bench, found, per_passage)
    if false_matches:
        print_false_matches(bench, found)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, check the corpus is there, run the tuning (and held-out) set."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--docs",
        type=int,
        default=4000,
        help="CSL abstracts in the corpus besides the sources",
    )
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--heldout", action="store_true", help="also run the held-out set")
    ap.add_argument(
        "--settings",
        default=",".join(SETTINGS),
        help=f"comma-separated, of {', '.join(SETTINGS)} (default: all)",
    )
    ap.add_argument(
        "--per-passage",
        choices=LEVELS,
        help="print each tuning passage of this level with its figure per setting",
    )
    ap.add_argument(
        "--false-matches",
        action="store_true",
        help="print each tuning detection that overlaps no true case, with both texts",
    )
    ap.add_argument(
        "--long-sources",
        type=int,
        default=0,
        metavar="K",
        help="put each Chinese source abstract amid K other abstracts (long sources)",
    )
    ap.add_argument(
        "--english-decoys",
        action="store_true",
        help="add the English short-answer paragraphs to the corpus (found in no thesis)",
    )
    args = ap.parse_args(argv)
    settings = [s for s in args.settings.split(",") if s]
    if not settings or set(settings) - set(SETTINGS):
        ap.error(f"--settings takes {', '.join(SETTINGS)}")
    if not CSL.exists():
        print(
            f"skipped: the CSL abstracts are not at {CSL} (../shared/corpora/csl)",
            file=sys.stderr,
        )
        return 0
    run_set(
        "tune",
        args.docs,
        args.seed,
        settings,
        args.per_passage,
        args.false_matches,
        args.long_sources,
        args.english_decoys,
    )
    if args.heldout:
        run_set(
            "heldout",
            args.docs,
            args.seed,
            settings,
            long_sources=args.long_sources,
            decoys=args.english_decoys,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
