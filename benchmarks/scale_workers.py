"""Batch throughput on rq: one `chengxin worker` against two, on the same batch of theses.

A private redis-server (a free loopback port), a fresh database (SQLite in WAL mode in a
temporary directory, or --database-url), a corpus of Markov documents from the
`benchmarks.scale` cache, and a batch of theses with reused passages, screened twice
for 1 and for 2 workers:

* running workers (as in production): the workers are up and waiting; the time is from
  the batch's commit to its last report; after an uncounted warm-up batch, 1 and 2
  workers alternate for --rounds rounds and the medians are compared;
* cold: the batch is queued first, then burst workers start; the time includes their
  start (imports, index load), and the workers' CPU per thesis is printed.

    .venv/bin/python -m benchmarks.scale_workers [--docs 1000] [--theses 200]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rq import Worker
from sqlalchemy import func, select

from archive.corpus import services as corpus
from archive.kernel import runtime
from archive.kernel.accounts import Role, User, create_user
from archive.kernel.db import make_engine, make_session_factory, session_scope
from archive.kernel.migrations import upgrade
from archive.kernel.queue import redis_connection
from archive.kernel.settings import Settings
from archive.submissions import services as submissions
from archive.submissions.models import Submission, SubmissionState
from benchmarks import scale
from benchmarks.markov import generate_corpus
from web.schema import load_models

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    """Run the batch with one worker, then with two; print both times and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--theses", type=int, default=200)
    ap.add_argument("--thesis-chars", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--database-url", default="")
    ap.add_argument(
        "--bench-dir", type=Path, default=Path(tempfile.gettempdir()) / "chengxin-bench"
    )
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="chengxin-workers-"))
    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        redis_url = f"redis://127.0.0.1:{port}/0"
        database_url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        settings = Settings(
            env="test",
            data_dir=work,
            database_url=database_url,
            redis_url=redis_url,
            secret_key="bench",
            jobs_mode="sync",
            max_batch_files=max(200, 2 * args.theses),
        ).checked()
        engine = make_engine(settings)
        upgrade(engine)
        load_models().create_all(engine)
        factory = make_session_factory(engine, settings)
        runtime.configure(settings, engine=engine, session_factory=factory)
        model = scale.load_model(args.bench_dir)
        docs = generate_corpus(
            model,
            args.bench_dir / f"corpus-s{args.seed}-n{max(args.docs, 10000)}",
            n_docs=max(args.docs, 10000),
            seed=args.seed,
        )
        t0 = time.perf_counter()
        for start in range(0, args.docs, 200):
            with session_scope(factory, actor="bench") as s:
                for i in range(start, min(start + 200, args.docs)):
                    corpus.add_document(s, doc_id=docs.doc_id(i), text=docs.text(i))
        print(
            f"corpus: {args.docs} documents into the database and the Redis index in "
            f"{time.perf_counter() - t0:.1f}s",
            flush=True,
        )
        theses = scale.make_theses(
            model, docs, n=args.theses, seed=args.seed + 7, source_docs=args.docs
        )
        with session_scope(factory, actor="bench") as s:
            user = create_user(
                s,
                username="bench",
                password="bench-password-1",
                display_name="bench",
                roles={Role.RESEARCH_OFFICE},
            )
            user_id = user.id
        env = dict(os.environ)
        env.update(
            CHENGXIN_ENV="test",
            CHENGXIN_DATA_DIR=str(work),
            CHENGXIN_DATABASE_URL=database_url,
            CHENGXIN_REDIS_URL=redis_url,
            CHENGXIN_SECRET_KEY="bench",
            PYTHONPATH=str(REPO),
        )

        def queue_batch(label: str, count: int) -> tuple[int, float]:
            """Commit a batch of the theses (which queues their jobs); (id, commit time)."""
            with session_scope(factory, actor="bench") as s:
                actor = s.get(User, user_id)
                batch = submissions.create_batch(s, actor=actor, compare_peers=False)
                for k, (text, _) in enumerate(theses[:count]):
                    submissions.add_file(
                        s,
                        batch=batch,
                        actor=actor,
                        file_name=f"{label}-t{k:03d}.txt",
                        stream=io.BytesIO(text[: args.thesis_chars].encode("utf-8")),
                        media_type="text/plain",
                    )
                batch_id = batch.id
                committed_at = time.perf_counter()
            return batch_id, committed_at

        def done_count(batch_id: int) -> int:
            with session_scope(factory) as s:
                return int(
                    s.scalar(
                        select(func.count()).where(
                            Submission.batch_id == batch_id,
                            Submission.state.in_(
                                [SubmissionState.DONE, SubmissionState.FAILED]
                            ),
                        )
                    )
                    or 0
                )

        def start_workers(n: int, burst: bool) -> list[subprocess.Popen[bytes]]:
            return [
                subprocess.Popen(
                    [sys.executable, "-m", "web.cli", "worker"]
                    + (["--burst"] if burst else []),
                    cwd=REPO,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(n)
            ]

        connection = redis_connection(settings)

        def running(n_workers: int, label: str, theses_count: int) -> float:
            """The workers are up and waiting when the batch arrives (as in production)."""
            procs = start_workers(n_workers, burst=False)
            while Worker.count(connection=connection) < n_workers:
                time.sleep(0.1)
            batch_id, t0 = queue_batch(label, theses_count)
            while done_count(batch_id) < theses_count:
                time.sleep(0.05)
            elapsed = time.perf_counter() - t0
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait()
            while Worker.count(connection=connection):
                time.sleep(0.1)
            return elapsed

        # Warm-up (not counted): the first batch after loading the corpus runs slower
        # whatever the number of workers (page cache, SQLite's WAL), which would
        # favour whichever count is measured second.
        running(2, "warm-up", min(40, args.theses))
        warm: dict[int, list[float]] = {1: [], 2: []}
        for round_ in range(args.rounds):
            # 1, 2, then 2, 1: a drift over the run (the database grows) cancels out.
            for n_workers in (1, 2) if round_ % 2 == 0 else (2, 1):
                elapsed = running(n_workers, f"r{round_}w{n_workers}", args.theses)
                warm[n_workers].append(elapsed)
                print(
                    f"{n_workers} running worker(s): {args.theses} theses of "
                    f"{args.thesis_chars:,} chars in {elapsed:.1f}s from the batch's "
                    f"commit to its last report",
                    flush=True,
                )
        cold: dict[int, float] = {}
        for n_workers in (1, 2):
            # Cold: the batch is queued first, then burst workers start (and import).
            batch_id, _ = queue_batch(f"cold{n_workers}", args.theses)
            redis_cpu0 = _cpu_seconds(redis.pid)
            children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            for p in start_workers(n_workers, burst=True):
                p.wait()
            cold[n_workers] = time.perf_counter() - t0
            children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            user = children1.ru_utime - children0.ru_utime
            system = children1.ru_stime - children0.ru_stime
            redis_cpu = _cpu_seconds(redis.pid) - redis_cpu0
            print(
                f"{n_workers} burst worker(s) started after the batch: "
                f"{cold[n_workers]:.1f}s including their start ({done_count(batch_id)} "
                f"done); CPU per thesis: workers {1000 * user / args.theses:.0f} ms "
                f"user + {1000 * system / args.theses:.0f} ms system, redis-server "
                f"{1000 * redis_cpu / args.theses:.0f} ms",
                flush=True,
            )
        ratio = statistics.median(warm[2]) / statistics.median(warm[1])
        print(
            f"two running workers take {ratio:.2f} of one worker's time (medians of "
            f"{args.rounds} alternating rounds; target <= 0.60); started cold after "
            f"the batch: {cold[2] / cold[1]:.2f}; {os.cpu_count()} cores",
            flush=True,
        )
    finally:
        redis.terminate()
        redis.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
