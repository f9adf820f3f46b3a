"""Archive search benchmark: the 14,187 CSL abstracts as records, real queries, timings.

Loads every unique CSL abstract (read in place from ../shared/corpora/csl, never copied) as a
research record with its title, abstract, keywords and discipline where the corpus has them,
builds the full-text index, then runs a few hundred real queries (keywords of the corpus and
fragments of its titles) through the same `archive.search.query.search` call the search page makes
(access filter, page of 20 with snippets, count and facets), as the discipline office.

    .venv/bin/python -m benchmarks.archive_search [--queries 400] [--seed 11] [--limit N]

SQLite (a temporary file) by default; PostgreSQL when CHENGXIN_BENCH_DATABASE_URL is set
(its schema is dropped and rebuilt: use a database for benchmarks only). Targets: median
query under 50 ms and 95th percentile under 200 ms; exit 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

CSL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "csl"
MEDIAN_TARGET_MS = 50.0
P95_TARGET_MS = 200.0


@dataclass
class Paper:
    """One CSL abstract with what the corpus says about it."""

    abstract: str
    title: str = ""
    keywords: list[str] = field(default_factory=list)
    discipline: str | None = None


def _tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip()]


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_csl(root: Path = CSL) -> list[Paper]:
    """Every unique abstract of the three CSL folders, joined with titles/keywords/labels."""
    papers: dict[str, Paper] = {}

    def add(abstract: str, **info: object) -> None:
        if not abstract.strip():
            return
        paper = papers.setdefault(abstract, Paper(abstract))
        for key, value in info.items():
            if value and not getattr(paper, key):
                setattr(paper, key, value)

    bench = root / "ydli-ai-CSL" / "benchmark"
    for split in ("dev", "test"):
        dcp = _tsv(bench / "cls_dcp" / f"{split}.tsv")
        ts = _tsv(bench / "ts" / f"{split}.tsv")
        kg = _tsv(bench / "kg" / f"{split}.tsv")
        for d, t, k in zip(dcp, ts, kg, strict=True):
            add(
                d[1],
                title=t[2],
                keywords=[w for w in k[2].split("_") if w],
                discipline=d[2],
            )
    few = root / "FewCLUE"
    for name in ("train_few_all", "dev_few_all", "test_public", "test"):
        for row in _jsonl(few / "csldcp" / f"{name}.json"):
            add(row["content"], discipline=row.get("label"))
        for row in _jsonl(few / "csl" / f"{name}.json"):
            real = row.get("label") == "1"
            add(row["abst"], keywords=row["keyword"] if real else [])
    for name in ("val", "test"):
        for row in _tsv(root / "CLGE" / "csl" / f"{name}.tsv"):
            add(row[1], title=row[0], discipline="计算机科学与技术")
    out = list(papers.values())
    for paper in out:
        if not paper.title:
            # No title in this folder: the abstract's first clause stands in for one.
            paper.title = re.split(r"[，。；,.;：:]", paper.abstract, maxsplit=1)[0][
                :60
            ]
    return out


def make_queries(
    papers: list[Paper], n: int, seed: int
) -> list[tuple[str, int | None]]:
    """Half keywords, half title fragments (two or three consecutive words), seeded.

    Each query comes with the index of the paper it was taken from, when it was a title.
    """
    from archive.search.segmentation import segment

    rng = random.Random(seed)
    keywords = sorted({k for p in papers for k in p.keywords if 2 <= len(k) <= 12})
    titled = [i for i, p in enumerate(papers) if len(p.title) >= 8]
    queries: list[tuple[str, int | None]] = []
    for word in rng.sample(keywords, min(n // 2, len(keywords))):
        queries.append((word, None))
    while len(queries) < n:
        i = rng.choice(titled)
        words = [w for w in segment(papers[i].title, search_mode=False) if len(w) > 1]
        if len(words) < 2:
            continue
        k = rng.choice((2, 3)) if len(words) > 2 else 2
        start = rng.randrange(0, len(words) - k + 1)
        queries.append((" ".join(words[start : start + k]), i))
    rng.shuffle(queries)
    return queries


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run(
    database_url: str | None, *, n_queries: int, seed: int, limit: int | None
) -> bool:
    """Load, index, query; print the figures; True when the targets are met."""
    from archive.kernel.accounts import Role, create_user
    from archive.kernel.db import make_engine, make_session_factory
    from archive.kernel.settings import Settings
    from archive.records.models import DISCIPLINES, PersonRef
    from archive.records.services import RecordInput, create_record
    from archive.search import query as search
    from archive.search.indexing import reindex_all
    from web.schema import load_models

    papers = load_csl()
    print(f"CSL: {len(papers)} unique abstracts")
    if limit:
        papers = papers[:limit]
    tmp = tempfile.TemporaryDirectory(prefix="chengxin-bench-")
    settings = Settings(
        env="test",
        data_dir=Path(tmp.name),
        database_url=database_url or f"sqlite:///{tmp.name}/bench.sqlite3",
        secret_key="bench",
        jobs_mode="sync",
    ).checked()
    engine = make_engine(settings)
    backend = engine.dialect.name
    metadata = load_models()
    metadata.drop_all(engine)
    metadata.create_all(engine)
    factory = make_session_factory(engine, settings)

    with factory() as session:
        session.info["actor"] = "bench"
        loader = create_user(
            session,
            username="bench-ky",
            password="bench-password",
            display_name="科研处",
            roles={Role.RESEARCH_OFFICE},
        )
        reader = create_user(
            session,
            username="bench-jw",
            password="bench-password",
            display_name="纪委",
            roles={Role.DISCIPLINE_OFFICE},
        )
        session.commit()
        started = time.perf_counter()
        for i, paper in enumerate(papers):
            data = RecordInput(
                record_type="paper",
                title=paper.title,
                description=paper.abstract,
                keywords=paper.keywords,
                discipline=paper.discipline
                if paper.discipline in DISCIPLINES
                else None,
                people=[PersonRef(f"作者{i % 997}", "作者")],
                date_start=date(2010 + i % 11, 1 + i % 12, 1),
                unit=f"学院{i % 23}",
            )
            create_record(
                session, actor=loader, data=data, check_duplicates=False, index=False
            )
            if i % 500 == 499:
                session.commit()
                session.expunge_all()
        session.commit()
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        indexed = reindex_all(session)
        session.commit()
        index_seconds = time.perf_counter() - started
        reader = session.merge(reader)
        print(f"backend: {backend}")
        print(f"records loaded: {len(papers)} in {load_seconds:.1f} s")
        print(
            f"indexing time: {index_seconds:.1f} s for {indexed} records "
            f"({indexed / index_seconds:.0f} records/s, jieba + FTS)"
        )

    queries = make_queries(papers, n_queries, seed)
    times: list[float] = []
    found_source = title_queries = empty = 0
    with factory() as session:
        session.info["actor"] = "bench"
        from archive.kernel.accounts import find_user_by_username

        reader = find_user_by_username(session, "bench-jw")
        for q, _src in queries[:10]:  # warm caches (jieba, SQLite pages)
            search.search(session, actor=reader, query=q)
        for q, src in queries:
            t0 = time.perf_counter()
            result = search.search(session, actor=reader, query=q)
            times.append((time.perf_counter() - t0) * 1000)
            if result.total == 0:
                empty += 1
            if src is None:
                continue
            title_queries += 1
            if any(h.record.title == papers[src].title for h in result.hits):
                found_source += 1
            elif result.total > len(result.hits):
                # The paper may rank below the first page of a broad query.
                found_source += _found_deeper(session, reader, q, papers[src].title)
    median = statistics.median(times)
    p95 = percentile(times, 95)
    print(
        f"queries: {len(times)} ({len(times) - title_queries} keywords, "
        f"{title_queries} title fragments), {empty} with no hit"
    )
    print(
        f"query time: median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(times):.1f} ms, mean {statistics.mean(times):.1f} ms"
    )
    print(
        f"title fragments finding their paper: {found_source}/{title_queries} "
        f"({100 * found_source / max(1, title_queries):.1f}%)"
    )
    ok = median < MEDIAN_TARGET_MS and p95 < P95_TARGET_MS
    print(
        f"targets (median < {MEDIAN_TARGET_MS:.0f} ms, p95 < {P95_TARGET_MS:.0f} ms): "
        + ("met" if ok else "MISSED")
    )
    engine.dispose()
    tmp.cleanup()
    return ok


def _found_deeper(session, reader, query: str, title: str) -> int:  # type: ignore[no-untyped-def]
    from archive.search import query as search

    for page in range(1, 30):
        result = search.search(
            session,
            actor=reader,
            query=query,
            page=page,
            per_page=100,
            with_facets=False,
        )
        if any(h.record.title == title for h in result.hits):
            return 1
        if not result.hits:
            return 0
    return 0


def main() -> None:
    """Run on SQLite, then on PostgreSQL when CHENGXIN_BENCH_DATABASE_URL is set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--limit", type=int, default=None, help="Load only N records.")
    parser.add_argument("--only-postgres", action="store_true")
    args = parser.parse_args()
    results = []
    if not args.only_postgres:
        results.append(
            run(None, n_queries=args.queries, seed=args.seed, limit=args.limit)
        )
    pg = os.environ.get("CHENGXIN_BENCH_DATABASE_URL", "")
    if pg:
        print()
        results.append(
            run(pg, n_queries=args.queries, seed=args.seed, limit=args.limit)
        )
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
