"""English short answers: plagiarised (cut, light, heavy) against independent answers.

Our own analogue of Clough and Stevenson's corpus of plagiarised short answers (not on this
machine, and no registry package ships it): five Wikipedia-style source paragraphs on
computer-science topics and 80 answers of about 200 words, all written by hand (see
benchmarks/data/english/README.md). Each answer is screened with `chengxin screen` against
a corpus holding the five sources; its coverage is the share of its characters inside
counted matches. Printed: ROC AUC of coverage for plagiarised against clean (non) answers,
and mean coverage per level, for the screener and for the folk 13-character rule (a
character counts when it lies in a run of 13 characters that also occurs in the source),
on the 80 tuning answers and on 20 held-out answers (`heldout.jsonl`, one per topic and
level, written later and never tuned on).

    .venv/bin/python -m benchmarks.english

Targets (issue #12): AUC >= 0.985 and mean coverage ordered cut > light > heavy > non.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from statistics import mean
from typing import Any

from sklearn.metrics import roc_auc_score

from benchmarks.screen_cli import screen_with_cli

DATA = Path(__file__).resolve().parent / "data" / "english"
LEVELS = ("cut", "light", "heavy", "non")
AUC_TARGET = 0.985
RUN = 13


def load(
    answers_file: str = "answers.jsonl",
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The sources by topic and the answers (id, topic, level, text) of one set."""
    sources: dict[str, str] = {}
    for line in (DATA / "sources.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        sources[row["topic"]] = row["text"]
    answers = [
        json.loads(line)
        for line in (DATA / answers_file).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return sources, answers


def english_decoys() -> list[str]:
    """Every English paragraph of this benchmark (sources and answers): decoys in no
    thesis for `benchmarks.semantic --english-decoys`, filler of
    `benchmarks.english_theses`."""
    return [
        str(json.loads(line)["text"])
        for name in ("sources.jsonl", "answers.jsonl", "heldout.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def covered(length: int, spans: list[tuple[int, int]]) -> float:
    """Share of `length` characters inside the union of half-open spans."""
    marks = bytearray(length)
    for start, end in spans:
        marks[max(start, 0) : min(end, length)] = b"\x01" * (
            min(end, length) - max(start, 0)
        )
    return sum(marks) / length if length else 0.0


def screener_coverage(matches: list[dict[str, Any]], length: int) -> float:
    """Coverage by the report's counted matches."""
    spans = [
        (m["offset"], m["offset"] + m["length"])
        for m in matches
        if m["excluded"] is None
    ]
    return covered(length, spans)


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower case with runs of white space as one space, and each character's offset."""
    out: list[str] = []
    where: list[int] = []
    for m in re.finditer(r"\s+|\S", text):
        out.append(" " if m.group(0).isspace() else m.group(0).lower())
        where.append(m.start())
    return "".join(out), where


def thirteen_coverage(answer: str, source: str) -> float:
    """The folk rule: characters of the answer in a 13-character run found in the source."""
    a, where = _fold(answer)
    s, _ = _fold(source)
    runs = {s[i : i + RUN] for i in range(len(s) - RUN + 1)}
    spans = [
        (where[i], where[i + RUN - 1] + 1)
        for i in range(len(a) - RUN + 1)
        if a[i : i + RUN] in runs
    ]
    return covered(len(answer), spans)


def summary(title: str, rows: list[dict[str, str]], cov: dict[str, float]) -> None:
    """AUC (plagiarised vs non, and each level vs non) and mean coverage per level."""
    labels = [0 if r["level"] == "non" else 1 for r in rows]
    scores = [cov[r["id"]] for r in rows]
    auc = roc_auc_score(labels, scores)
    means = {lv: mean(cov[r["id"]] for r in rows if r["level"] == lv) for lv in LEVELS}
    ordered = all(means[a] > means[b] for a, b in zip(LEVELS, LEVELS[1:], strict=False))
    print(f"\n== {title}")
    print(
        f"ROC AUC plagiarised vs non: {auc:.3f}  target >={AUC_TARGET}"
        f" {'ok' if auc >= AUC_TARGET else 'MISS'}"
    )
    for lv in LEVELS[:-1]:
        sub = [r for r in rows if r["level"] in (lv, "non")]
        sub_auc = roc_auc_score(
            [r["level"] != "non" for r in sub], [cov[r["id"]] for r in sub]
        )
        print(f"  {lv:<6} vs non: AUC {sub_auc:.3f}")
    print(
        "mean coverage: "
        + "  ".join(f"{lv} {means[lv]:.3f}" for lv in LEVELS)
        + f"  ordered cut > light > heavy > non: {'ok' if ordered else 'MISS'}"
    )


def main(argv: list[str] | None = None) -> int:
    """Screen every answer against the sources and print both methods' figures."""
    del argv
    sources, answers = load()
    _, heldout = load("heldout.jsonl")
    corpus = {f"source-{topic}.txt": text for topic, text in sources.items()}
    texts = {f"{r['id']}.txt": r["text"] for r in answers + heldout}
    with tempfile.TemporaryDirectory(prefix="chengxin-english-") as tmp:
        reports = screen_with_cli(corpus, texts, Path(tmp))
    for name, rows in (("tuning", answers), ("held-out", heldout)):
        ours = {
            r["id"]: screener_coverage(reports[f"{r['id']}.txt"], len(r["text"]))
            for r in rows
        }
        folk = {
            r["id"]: thirteen_coverage(r["text"], sources[r["topic"]]) for r in rows
        }
        n = {lv: sum(r["level"] == lv for r in rows) for lv in LEVELS}
        print(
            f"\n#### {name} set: {len(rows)} answers on {len(sources)} topics: "
            + ", ".join(f"{lv} {n[lv]}" for lv in LEVELS)
        )
        summary("chengxin screen (coverage by counted matches)", rows, ours)
        summary("folk 13-character rule", rows, folk)
    return 0


if __name__ == "__main__":
    sys.exit(main())
