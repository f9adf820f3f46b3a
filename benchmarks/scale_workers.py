"""Batch throughput on rq: one `chengxin worker` against two, on the same batch of theses.

A private redis-server (a free loopback port), a fresh database (SQLite in WAL mode in a
temporary directory, or --database-url), a corpus of Markov documents from the
`benchmarks.scale` cache, and a batch of theses with reused passages. The batch is
queued first, then 1 (and then 2) burst workers are started; the time is from the
workers' start to the last file done.

    .venv/bin/python -m benchmarks.scale_workers [--docs 1000] [--theses 200]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    """Run the batch with one worker, then with two; print both times and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--theses", type=int, default=200)
    ap.add_argument("--thesis-chars", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--database-url", default="")
    ap.add_argument(
        "--bench-dir", type=Path, default=Path(tempfile.gettempdir()) / "chengxin-bench"
    )
    args = ap.parse_args(argv)

    from archive import corpus, runtime, submissions
    from archive.accounts import Role, create_user
    from archive.db import make_engine, make_session_factory, session_scope
    from archive.settings import Settings
    from benchmarks import scale
    from benchmarks.markov import generate_corpus
    from web.migrate import upgrade
    from web.schema import load_models

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
        times: dict[int, float] = {}
        for n_workers in (1, 2):
            with session_scope(factory, actor="bench") as s:
                from archive.accounts import User

                actor = s.get(User, user_id)
                batch = submissions.create_batch(s, actor=actor, compare_peers=False)
                for k, (text, _) in enumerate(theses):
                    submissions.add_file(
                        s,
                        batch=batch,
                        actor=actor,
                        file_name=f"w{n_workers}-t{k:03d}.txt",
                        stream=io.BytesIO(text[: args.thesis_chars].encode("utf-8")),
                        media_type="text/plain",
                    )
                batch_id = batch.id
            t0 = time.perf_counter()
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "web.cli", "worker", "--burst"],
                    cwd=REPO,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(n_workers)
            ]
            for p in procs:
                p.wait()
            times[n_workers] = time.perf_counter() - t0
            with session_scope(factory) as s:
                done = s.scalar(
                    select(func.count()).where(
                        submissions.Submission.batch_id == batch_id,
                        submissions.Submission.state
                        == submissions.SubmissionState.DONE,
                    )
                )
            print(
                f"{n_workers} worker(s): {args.theses} theses of "
                f"{args.thesis_chars:,} chars in {times[n_workers]:.1f}s "
                f"({done} done)",
                flush=True,
            )
        print(
            f"two workers take {times[2] / times[1]:.2f} of one worker's time "
            f"(target <= 0.60) on {os.cpu_count()} cores",
            flush=True,
        )
    finally:
        redis.terminate()
        redis.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
