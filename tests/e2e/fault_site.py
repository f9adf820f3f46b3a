"""A running chengxin for fault tests: real web (and worker, PostgreSQL) processes to kill,
and clients that keep writing through the API and remember what was accepted.

`Site` owns the processes; `Traffic` is the clients: uploads with an `Idempotency-Key`
(retried with the same key when the answer is lost) and staff messages on a case, each
counted only when answered 201. After the faults, `verify` checks that every accepted
write is in the database and that `chengxin audit verify` and `archive verify` pass.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.submissions.models import Batch, Submission
from casework.models.threads import CaseMessage as Message

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes]]
) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def call(
    url: str,
    *,
    token: str,
    body: bytes | None = None,
    content_type: str = "",
    headers: dict[str, str] | None = None,
    timeout: float = 20,
) -> tuple[int, Any]:
    """One HTTP request; (status, JSON body or None). Status 0: no answer at all."""
    req = urllib.request.Request(
        url, data=body, method="POST" if body is not None else "GET"
    )
    req.add_header("Authorization", f"Bearer {token}")
    if content_type:
        req.add_header("Content-Type", content_type)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(ValueError, OSError, http.client.HTTPException):
            return exc.code, json.loads(exc.read() or b"null")
        return exc.code, None
    except (OSError, urllib.error.URLError, http.client.HTTPException):
        # A process killed mid-answer cuts the body short (IncompleteRead): the client
        # got no answer it can trust, as when the connection is refused.
        return 0, None


@dataclass
class Accepted:
    """What the server answered 201 to."""

    batches: set[int] = field(default_factory=set)
    submissions: set[int] = field(default_factory=set)
    messages: set[int] = field(default_factory=set)
    answers: dict[int, int] = field(default_factory=dict)  # status -> count

    def saw(self, status: int) -> None:
        self.answers[status] = self.answers.get(status, 0) + 1


class Traffic:
    """Client threads writing until stopped."""

    def __init__(self, base: str, *, upload_token: str, case_token: str, case_id: int):
        self.base = base
        self.upload_token = upload_token
        self.case_token = case_token
        self.case_id = case_id
        self.accepted = Accepted()
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._uploads, name="uploads", daemon=True),
            threading.Thread(target=self._messages, name="messages", daemon=True),
        ]

    def __enter__(self) -> Traffic:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self._threads:
            t.join(timeout=60)

    def wait_for(self, n: int, timeout: float = 60) -> None:
        """Until at least n writes were accepted in all."""
        deadline = time.monotonic() + timeout
        while len(self.accepted.submissions) + len(self.accepted.messages) < n:
            assert time.monotonic() < deadline, self.accepted
            time.sleep(0.05)

    def _uploads(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            key = uuid.uuid4().hex
            text = (
                f"第{n}篇论文 绪论 本文研究科研诚信治理的第{n}种制度安排。\n".encode()
                * 20
            )
            body, ctype = multipart(
                {"name": f"故障批次{n}"}, {"files": (f"t{n}.txt", text)}
            )
            for _ in range(40):  # the same request, same key, until an answer
                status, data = call(
                    f"{self.base}/api/screening/batches",
                    token=self.upload_token,
                    body=body,
                    content_type=ctype,
                    headers={"Idempotency-Key": key},
                )
                with self._lock:
                    self.accepted.saw(status)
                    if status == 201:
                        self.accepted.batches.add(int(data["id"]))
                        self.accepted.submissions.update(
                            int(s["id"]) for s in data["submissions"]
                        )
                if status not in (0, 502, 503) or self.stop.is_set():
                    break
                time.sleep(0.2)

    def _messages(self) -> None:
        n = 0
        while not self.stop.is_set():
            status, case = call(
                f"{self.base}/api/cases/{self.case_id}", token=self.case_token
            )
            if status != 200:
                time.sleep(0.2)
                continue
            n += 1
            body = json.dumps(
                {
                    "thread": "internal",
                    "body": f"调查记录第{n}条",
                    "expected_version": case["version"],
                }
            ).encode()
            status, data = call(
                f"{self.base}/api/cases/{self.case_id}/messages",
                token=self.case_token,
                body=body,
                content_type="application/json",
            )
            with self._lock:
                self.accepted.saw(status)
                if status == 201:
                    self.accepted.messages.add(int(data["id"]))


def missing_writes(factory: sessionmaker[Session], accepted: Accepted) -> list[str]:
    """Accepted writes the database does not hold (must be none)."""
    with factory() as s:
        batches = set(s.scalars(select(Batch.id).where(Batch.id.in_(accepted.batches))))
        subs = {
            sid: file_id
            for sid, file_id in s.execute(
                select(Submission.id, Submission.stored_file_id).where(
                    Submission.id.in_(accepted.submissions)
                )
            )
        }
        messages = set(
            s.scalars(select(Message.id).where(Message.id.in_(accepted.messages)))
        )
    out = [f"batch {b}" for b in sorted(accepted.batches - batches)]
    out += [f"submission {i}" for i in sorted(accepted.submissions - set(subs))]
    out += [f"submission {i} without its file" for i, f in subs.items() if f is None]
    out += [f"message {m}" for m in sorted(accepted.messages - messages)]
    return out


class Site:
    """The processes of one deployment, started, killed and restarted by the test."""

    def __init__(self, env: dict[str, str], logs: Path, *, scaled: bool):
        self.env = env
        self.logs = logs
        self.scaled = scaled
        self.port = free_port()
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        self.starts += 1
        log = open(self.logs / f"{name}-{self.starts}.log", "wb")  # noqa: SIM115
        return subprocess.Popen(
            args,
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_web(self) -> None:
        """gunicorn with two workers (scaled out) or `chengxin serve` (embedded)."""
        if self.scaled:
            args = [
                sys.executable,
                "-m",
                "gunicorn",
                "--preload",  # the app built once before forking, as in production
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "web.wsgi:app",
            ]
        else:
            args = [
                sys.executable,
                "-m",
                "web.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-daily",
            ]
        self.web = self._spawn("web", args)
        deadline = time.monotonic() + 60
        while call(f"{self.base}/api/health", token="-")[0] == 0:
            assert self.web.poll() is None, self.log_text()
            assert time.monotonic() < deadline, self.log_text()
            time.sleep(0.1)

    def start_worker(self) -> None:
        """One supervised rq worker (scaled out only)."""
        self.worker = self._spawn(
            "worker",
            [
                sys.executable,
                "-m",
                "web.cli",
                "worker",
                "--name",
                f"fault-{uuid.uuid4().hex[:6]}",
            ],
        )

    @staticmethod
    def kill9(proc: subprocess.Popen[bytes] | None) -> None:
        """SIGKILL a process and everything in its session (gunicorn's workers too)."""
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        self.kill9(self.web)
        self.kill9(self.worker)

    def log_text(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-2000:]
            for p in sorted(self.logs.glob("*.log"))
        )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "web.cli", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (fsync on), to kill -9 and restart."""

    def __init__(self, directory: Path):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        self.bin = bins[-1]
        self.dir = directory
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/chengxin"

    def _as_postgres(self, *args: str) -> None:
        cmd = " ".join(args)
        subprocess.run(
            ["su", "postgres", "-c", cmd], check=True, capture_output=True, timeout=120
        )

    def init(self) -> None:
        self.dir.mkdir(parents=True)
        subprocess.run(["chown", "postgres:postgres", str(self.dir)], check=True)
        self._as_postgres(
            f"{self.bin}/initdb",
            "-D",
            str(self.dir / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-c",
                "CREATE DATABASE chengxin",
            ],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self._as_postgres(
            f"{self.bin}/pg_ctl",
            "-D",
            str(self.dir / "data"),
            "-l",
            str(self.dir / "log"),
            "-o",
            f"'-c listen_addresses=127.0.0.1 -p {self.port} -k /tmp'",
            "-w",
            "start",
        )

    def kill9(self) -> None:
        """SIGKILL the postmaster and every backend, as a crash would."""
        pid = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        backends = [
            int(c)
            for task in Path(f"/proc/{pid}/task").glob("*")
            for c in (task / "children").read_text().split()
        ]
        for victim in [pid, *backends]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        time.sleep(1)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._as_postgres(
                f"{self.bin}/pg_ctl",
                "-D",
                str(self.dir / "data"),
                "-m",
                "immediate",
                "stop",
            )
