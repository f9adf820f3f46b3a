"""Load: report pages, archive searches, uploads and case updates at once, from a second
process, against gunicorn with rq workers (PostgreSQL when given), bounded in count and time.

    .venv/bin/python -m benchmarks.load [--clients 20] [--seconds 30] [--records 3000]
    .venv/bin/python -m benchmarks.load --smoke          # a few seconds, SQLite is fine
    .venv/bin/python -m benchmarks.load --compare DIR    # DIR's code first, then this one
    .venv/bin/python -m benchmarks.load --web-workers 4,8  # this code with each count

`--smoke` (the CI's variant, `tests/e2e/test_load_smoke.py`) checks errors, lost updates
and duplicated jobs only: latency on a shared CI machine says little.

The database is CHENGXIN_BENCH_DATABASE_URL (PostgreSQL; its tables are dropped and
rebuilt: a database for benchmarks only) or a temporary SQLite file. A private
redis-server on a free loopback port, `gunicorn -w N 'web.wsgi:app'` and `chengxin
worker` processes are started here; records are CSL abstracts (read in place from
../shared/corpora, never copied) or, without them, generated text. The clients run in a
second process (`--drive`), each thread picking a kind of request at random:

* report: a screening report page (`/screening/submissions/<id>`), as the research office;
* search: an archive search page with a real keyword, as the discipline office;
* upload: `POST /api/screening/batches` with one thesis (an rq job each);
* case: read the case's version, then `POST .../messages` with it (409 when another
  client got there first: counted as a conflict, not an error).

Printed: requests/s, p50/p95/max per kind, errors, lost updates (a 201 message absent
afterwards, or a case version that does not count every accepted change) and duplicated
jobs (a file screened more than once); the machine's load average before each run, the CPU
time the web processes spent per request and the screening workers spent in all (figures
that hold on a machine busy with other work, where latencies do not), and the jobs' time
from upload to report. Targets at 20 clients: search p95 < 0.5 s,
report p95 < 0.3 s, no error, no lost update, no duplicated job; exit 1 when missed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
KINDS = ("report", "search", "upload", "case")
WEIGHTS = (4, 4, 1, 1)
TARGETS_P95 = {"search": 0.5, "report": 0.3}
SYLLABLES = [
    "研究",
    "分析",
    "方法",
    "模型",
    "数据",
    "系统",
    "实验",
    "结果",
    "理论",
    "教育",
    "社会",
    "经济",
    "管理",
    "技术",
    "网络",
    "信息",
    "发展",
    "问题",
    "影响",
    "结构",
    "机制",
    "评价",
    "设计",
    "应用",
    "过程",
    "环境",
    "文化",
    "政策",
    "学生",
    "教师",
    "高校",
    "科研",
    "诚信",
    "学术",
    "规范",
    "制度",
    "创新",
    "质量",
    "能力",
    "资源",
    "服务",
    "平台",
    "算法",
    "优化",
    "控制",
    "材料",
    "性能",
]


# ------------------------------------------------------------------------- the driver
def _request(
    base: str,
    token: str,
    path: str,
    body: bytes | None = None,
    ctype: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    req = urllib.request.Request(
        base + path, data=body, method="POST" if body is not None else "GET"
    )
    req.add_header("Authorization", f"Bearer {token}")
    if ctype:
        req.add_header("Content-Type", ctype)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def _upload_body(n: int, text: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n负载{n}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="load{n}.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + text.encode()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def drive(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the clients (this is the second process); timings and outcomes as JSON."""
    base = spec["base"]
    deadline = time.monotonic() + spec["seconds"]
    budget = [spec["max_requests"]]
    lock = threading.Lock()
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    conflicts = [0]
    messages: list[int] = []
    submissions: list[int] = []

    def one(rng: random.Random, n: int) -> None:
        kind = rng.choices(KINDS, WEIGHTS)[0]
        started = time.perf_counter()
        ok = True
        if kind == "report":
            status, _ = _request(
                base,
                spec["office_token"],
                f"/screening/submissions/{rng.choice(spec['reports'])}",
            )
            ok = status == 200
        elif kind == "search":
            q = urllib.request.quote(rng.choice(spec["queries"]))
            status, _ = _request(base, spec["reader_token"], f"/archive/search?q={q}")
            ok = status == 200
        elif kind == "upload":
            body, ctype = _upload_body(n, rng.choice(spec["theses"]))
            status, data = _request(
                base,
                spec["office_token"],
                "/api/screening/batches",
                body,
                ctype,
                {"Idempotency-Key": uuid.uuid4().hex},
            )
            ok = status == 201
            if ok:
                with lock:
                    submissions.extend(s["id"] for s in json.loads(data)["submissions"])
        else:
            case = spec["case_id"]
            status, data = _request(base, spec["case_token"], f"/api/cases/{case}")
            ok = status == 200
            if ok:
                version = json.loads(data)["version"]
                body = json.dumps(
                    {
                        "thread": "internal",
                        "body": f"负载记录{n}",
                        "expected_version": version,
                    }
                ).encode()
                status, data = _request(
                    base,
                    spec["case_token"],
                    f"/api/cases/{case}/messages",
                    body,
                    "application/json",
                )
                ok = status in (201, 409)
                with lock:
                    if status == 201:
                        messages.append(json.loads(data)["id"])
                    elif status == 409:
                        conflicts[0] += 1
        elapsed = time.perf_counter() - started
        with lock:
            times[kind].append(elapsed)
            if not ok:
                errors[f"{kind} {status}"] += 1

    def client(i: int) -> None:
        rng = random.Random(i)
        n = i * 1_000_000
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            n += 1
            one(rng, n)

    started = time.monotonic()
    threads = [
        threading.Thread(target=client, args=(i,)) for i in range(spec["clients"])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "wall": time.monotonic() - started,
        "times": times,
        "errors": errors,
        "conflicts": conflicts[0],
        "messages": messages,
        "submissions": submissions,
    }


# --------------------------------------------------------------------- the system
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _texts(n: int, seed: int) -> list[tuple[str, str, list[str]]]:
    """(title, abstract, keywords): CSL abstracts when the corpus is there, else made up."""
    try:
        from benchmarks.archive_search import load_csl  # reads ../shared/corpora

        papers = load_csl()
        rng = random.Random(seed)
        rng.shuffle(papers)
        if len(papers) >= n:
            return [
                (p.title or p.abstract[:20], p.abstract, p.keywords) for p in papers[:n]
            ]
    except OSError:
        pass
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = rng.choices(SYLLABLES, k=160)
        out.append(
            (
                f"关于{''.join(words[:3])}的研究{i}",
                "，".join("".join(words[j : j + 8]) for j in range(0, 160, 8)) + "。",
                words[:4],
            )
        )
    return out


def seed_system(settings: Any, n_records: int, n_reports: int) -> dict[str, Any]:
    """Users, records (indexed), a corpus, screened reports and a case; what the driver needs."""
    # The app's modules load here, not at the top: the driver process needs none of them.
    from sqlalchemy import select

    from archive.corpus import services as corpus
    from archive.kernel import runtime
    from archive.kernel.accounts import Role, create_user, issue_api_token
    from archive.kernel.db import make_engine, make_session_factory, session_scope
    from archive.kernel.migrations import upgrade
    from archive.records.models import PersonRef
    from archive.records.services import RecordInput, create_record
    from archive.search.indexing import reindex_all
    from archive.submissions import services as submissions
    from archive.submissions.models import Submission, SubmissionState
    from casework.services.intake import ReporterInput, open_case
    from web.schema import load_models

    engine = make_engine(settings)
    metadata = load_models()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade(engine)
    factory = make_session_factory(engine, settings)
    runtime.configure(settings, engine=engine, session_factory=factory)
    del metadata
    texts = _texts(n_records, seed=3)
    tokens: dict[str, str] = {}
    with session_scope(factory, actor="load-seed") as s:
        users = {
            name: create_user(
                s,
                username=f"load-{name}",
                password="load-password-1",
                display_name=label,
                roles={role},
            )
            for name, label, role in (
                ("office", "科研处", Role.RESEARCH_OFFICE),
                ("reader", "纪委", Role.DISCIPLINE_OFFICE),
                ("case", "调查员", Role.INVESTIGATOR),
            )
        }
        for name, user in users.items():
            tokens[name], _ = issue_api_token(s, user=user, name="load")
        for i, (title, abstract, keywords) in enumerate(texts):
            create_record(
                s,
                actor=users["office"],
                data=RecordInput(
                    record_type="paper",
                    title=title,
                    description=abstract,
                    keywords=keywords,
                    people=[PersonRef(f"作者{i % 97}", "作者")],
                    unit=f"学院{i % 23}",
                ),
                check_duplicates=False,
                index=False,
            )
        reindex_all(s)
        case = open_case(
            s,
            actor=users["case"],
            title="负载测试案件",
            allegation="负载测试。",
            reporter=ReporterInput(name="举报人", contact="13800000000"),
        )
        case_id = case.id
    corpus_docs = texts[: max(20, n_reports)]
    with session_scope(factory, actor="load-seed") as s:
        for i, (_, abstract, _) in enumerate(corpus_docs):
            corpus.add_document(s, doc_id=f"load/{i}.txt", text=abstract * 3)
    theses = [
        "".join(t[1] for t in texts[i : i + 3]) for i in range(0, 3 * n_reports, 3)
    ]
    with session_scope(factory, actor="load-seed") as s:
        office = s.merge(users["office"])
        batch = submissions.create_batch(s, actor=office, name="负载报告")
        for i, thesis in enumerate(theses):
            submissions.add_file(
                s,
                batch=batch,
                actor=office,
                file_name=f"r{i}.txt",
                stream=io.BytesIO(thesis.encode()),
            )
    with factory() as s:
        reports = list(
            s.scalars(
                select(Submission.id).where(Submission.state == SubmissionState.DONE)
            )
        )
    engine.dispose()
    queries = sorted({k for t in texts for k in t[2] if len(k) >= 2})[:400] or ["研究"]
    return {
        "office_token": tokens["office"],
        "reader_token": tokens["reader"],
        "case_token": tokens["case"],
        "case_id": case_id,
        "reports": reports,
        "queries": queries,
        "theses": theses[:20] or ["研究" * 200],
    }


class Servers:
    """redis-server, gunicorn and `chengxin worker` processes, stopped together."""

    def __init__(self, tmp: Path, env: dict[str, str], app_dir: Path = REPO):
        self.tmp = tmp
        self.env = env
        self.app_dir = app_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            args,
            cwd=self.app_dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system, and of reaped children) of processes and their live
    descendants: what a run cost, whatever else the machine was doing meanwhile."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = list(pids)
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15]) / tick
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def _wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while _request(url, "-", "/api/health")[0] == 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer")
        time.sleep(0.2)


def _warm_up(spec: dict[str, Any], web_workers: int) -> None:
    """Uncounted requests of every page kind, so each gunicorn worker has loaded its
    templates and caches before the clock starts."""
    for _ in range(3 * web_workers):
        _request(
            spec["base"],
            spec["office_token"],
            f"/screening/submissions/{spec['reports'][0]}",
        )
        _request(
            spec["base"], spec["reader_token"], "/archive/search?q=%E7%A0%94%E7%A9%B6"
        )
        _request(spec["base"], spec["case_token"], f"/api/cases/{spec['case_id']}")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _after(
    settings: Any, spec: dict[str, Any], result: dict[str, Any], drain_seconds: float
) -> dict[str, Any]:
    """Lost updates, duplicated jobs and the jobs' time from upload to report, once the
    queue has drained (bounded)."""
    from sqlalchemy import func, select

    from archive.kernel.db import make_engine, make_session_factory
    from archive.submissions.models import Submission
    from casework.models import Case
    from casework.models.threads import CaseMessage

    engine = make_engine(settings)
    factory = make_session_factory(engine, settings)
    ids = result["submissions"]
    deadline = time.monotonic() + drain_seconds
    with factory() as s:
        while ids and time.monotonic() < deadline:
            left = s.scalar(
                select(func.count())
                .select_from(Submission)
                .where(Submission.id.in_(ids), Submission.finished_at.is_(None))
            )
            if not left:
                break
            s.rollback()
            time.sleep(1)
        stranded = (
            s.scalar(
                select(func.count())
                .select_from(Submission)
                .where(Submission.id.in_(ids), Submission.finished_at.is_(None))
            )
            if ids
            else 0
        )
        twice = (
            s.scalar(
                select(func.count())
                .select_from(Submission)
                .where(Submission.id.in_(ids), Submission.attempts > 1)
            )
            if ids
            else 0
        )
        found = (
            set(
                s.scalars(
                    select(CaseMessage.id).where(CaseMessage.id.in_(result["messages"]))
                )
            )
            if result["messages"]
            else set()
        )
        waits = [
            (done - made).total_seconds()
            for made, done in s.execute(
                select(Submission.created_at, Submission.finished_at).where(
                    Submission.id.in_(ids), Submission.finished_at.is_not(None)
                )
            )
        ]
        case = s.get(Case, spec["case_id"])
        version_gain = (case.version if case else 0) - spec["case_version"]
    engine.dispose()
    lost = len(set(result["messages"]) - found)
    if version_gain < len(result["messages"]):
        lost += len(result["messages"]) - version_gain
    return {
        "job_p50": _pct(waits, 0.5),
        "job_p95": _pct(waits, 0.95),
        "job_max": max(waits, default=0.0),
        "lost_updates": lost,
        "duplicated_jobs": int(twice or 0),
        "unfinished_jobs": int(stranded or 0),
    }


def _case_version(settings: Any, case_id: int) -> int:
    from archive.kernel.db import make_engine, make_session_factory
    from casework.models import Case

    engine = make_engine(settings)
    with make_session_factory(engine, settings)() as s:
        version = s.get(Case, case_id).version  # type: ignore[union-attr]
    engine.dispose()
    return int(version)


def report(
    result: dict[str, Any], checks: dict[str, Any], clients: int, *, timed: bool = True
) -> bool:
    """Print the figures; True when the targets are met (latency ones only if `timed`)."""
    wall = result["wall"]
    total = sum(len(v) for v in result["times"].values())
    print(
        f"clients: {clients}, {total} requests in {wall:.1f} s ({total / wall:.1f} req/s)"
    )
    print(f"{'kind':8} {'n':>6} {'req/s':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    ok = True
    for kind in KINDS:
        values = result["times"].get(kind, [])
        p95 = _pct(values, 0.95)
        print(
            f"{kind:8} {len(values):6d} {len(values) / wall:7.1f} {_pct(values, 0.5):7.3f}"
            f" {p95:7.3f} {max(values, default=0):7.3f}"
        )
        if timed and kind in TARGETS_P95 and values and p95 >= TARGETS_P95[kind]:
            ok = False
            print(f"  {kind} p95 {p95:.3f} s misses the target {TARGETS_P95[kind]} s")
    errors = sum(result["errors"].values())
    print(
        f"errors: {errors} {dict(result['errors'])}; conflicts (409, retried by a"
        f" user): {result['conflicts']}"
    )
    print(
        f"lost updates: {checks['lost_updates']}; duplicated jobs:"
        f" {checks['duplicated_jobs']}; jobs unfinished at the end:"
        f" {checks['unfinished_jobs']}"
    )
    if "web_cpu" in result:
        print(
            f"CPU: web processes {result['web_cpu']:.1f} s"
            f" ({1000 * result['web_cpu'] / max(total, 1):.1f} ms a request);"
            f" screening workers {checks.get('job_cpu', 0):.1f} s"
        )
    print(
        f"jobs, upload to report: p50 {checks['job_p50']:.1f} s, p95"
        f" {checks['job_p95']:.1f} s, max {checks['job_max']:.1f} s"
    )
    return (
        ok
        and not errors
        and not checks["lost_updates"]
        and not checks["duplicated_jobs"]
    )


def main(argv: list[str] | None = None) -> int:
    """Set up, load, measure, print; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument(
        "--web-workers",
        type=lambda v: [int(n) for n in v.split(",")],
        default=[4],
        help="gunicorn workers; several (4,8,12) run this code once with each",
    )
    parser.add_argument("--rq-workers", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="small and short (CI)")
    parser.add_argument(
        "--compare",
        metavar="DIR",
        help="first run the servers from another checkout (e.g. `git archive main`"
        " unpacked), then from this one, on the same data: before and after side by side",
    )
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.drive:  # the second process: the clients
        json.dump(drive(json.load(sys.stdin)), sys.stdout)
        return 0
    if args.smoke:
        args.clients, args.seconds, args.records, args.reports = 4, 5, 150, 4
        args.web_workers, args.rq_workers = [2], 1
    from archive.kernel.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="chengxin-load-"))
    db_url = (
        os.environ.get("CHENGXIN_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/load.sqlite3"
    )
    settings = Settings(
        env="test",
        data_dir=tmp / "data",
        database_url=db_url,
        secret_key="load-secret",
        jobs_mode="sync",
    ).checked()
    started = time.monotonic()
    spec = seed_system(settings, args.records, args.reports)
    print(
        f"seeded {args.records} records, {len(spec['reports'])} reports on"
        f" {db_url.split(':')[0]} in {time.monotonic() - started:.1f} s"
    )
    runs = [("before", args.compare), ("after", REPO)] if args.compare else [("", REPO)]
    if len(args.web_workers) > 1:
        runs = [(f"gunicorn -w {n}", REPO) for n in args.web_workers]
    ok = True
    for i, (label, app_dir) in enumerate(runs):
        args.workers = args.web_workers[min(i, len(args.web_workers) - 1)]
        if label:
            print(f"--- {label}: the servers run the code in {app_dir}")
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"machine load average before the run (1, 5, 15 min): {load}")
        result, checks = run_once(args, settings, spec, tmp, Path(app_dir))
        ok = report(result, checks, args.clients, timed=not args.smoke) and ok
        if sum(result["errors"].values()):
            print(f"logs kept in {tmp}")
            return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def run_once(
    args: argparse.Namespace,
    settings: Any,
    spec: dict[str, Any],
    tmp: Path,
    app_dir: Path,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start redis, gunicorn and workers from `app_dir`, drive the load, stop them."""
    redis_port, web_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env.update(
        CHENGXIN_ENV="test",
        CHENGXIN_DATA_DIR=str(settings.data_dir),
        CHENGXIN_DATABASE_URL=settings.database_url,
        CHENGXIN_SECRET_KEY="load-secret",
        CHENGXIN_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        CHENGXIN_RATELIMIT_STORAGE_URL=f"redis://127.0.0.1:{redis_port}/1",
        # Every upload comes from one account here; the per-account limit (60 a minute,
        # tests/web/test_rate_limits.py) would turn load into 429s, not measure it.
        CHENGXIN_UPLOAD_RATE_LIMIT="100000 per minute",
        PYTHONPATH=str(app_dir),
    )
    servers = Servers(tmp, env, app_dir)
    redis_args = ["--bind", "127.0.0.1", "--port", str(redis_port), "--save", ""]
    try:
        servers.spawn("redis", ["redis-server", *redis_args, "--dir", str(tmp)])
        # --preload: the app and its translations are built once, before forking.
        web = ["gunicorn", "--preload", "-w", str(args.workers)]
        bind = ["-b", f"127.0.0.1:{web_port}", "web.wsgi:app"]
        servers.spawn("web", [sys.executable, "-m", *web, *bind])
        for i in range(args.rq_workers):
            worker = ["web.cli", "worker", "--name", f"load{i}-{web_port}"]
            servers.spawn(f"worker{i}", [sys.executable, "-m", *worker])
        spec = dict(spec, base=f"http://127.0.0.1:{web_port}", clients=args.clients)
        spec.update(seconds=args.seconds, max_requests=args.max_requests)
        _wait_http(spec["base"])
        _warm_up(spec, args.workers)
        spec["case_version"] = _case_version(settings, spec["case_id"])
        web_pid, job_pids = servers.procs[1].pid, [p.pid for p in servers.procs[2:]]
        web_cpu, job_cpu = _cpu_seconds([web_pid]), _cpu_seconds(job_pids)
        driver = subprocess.run(
            [sys.executable, "-m", "benchmarks.load", "--drive"],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env | {"PYTHONPATH": str(REPO)},
            timeout=args.seconds + 300,
        )
        if driver.returncode != 0:
            raise SystemExit(driver.stderr)
        result = json.loads(driver.stdout)
        result["web_cpu"] = _cpu_seconds([web_pid]) - web_cpu
        checks = _after(settings, spec, result, drain_seconds=120)
        checks["job_cpu"] = _cpu_seconds(job_pids) - job_cpu
    finally:
        servers.stop()
    return result, checks


if __name__ == "__main__":
    sys.exit(main())
