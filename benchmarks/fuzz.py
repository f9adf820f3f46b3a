"""Hostile files against extraction and normalisation: mutated PDFs, DOCX and texts.

Every input must end in a result or a clean refusal (a `ScreeningError`, which the archive
turns into `InvalidInput`) within a time and memory limit. Inputs are read by
`benchmarks.fuzz_child` in a separate process with a capped address space, so a memory
blow-up, a native crash or a hang is seen and named instead of taking the harness down.

By hand, for as long as you like (failing inputs are saved for the regression test):

    .venv/bin/python -m benchmarks.fuzz --minutes 30 --save tests/fixtures/fuzz

CI runs a fixed budget through hypothesis (tests/screening/test_fuzz_extract.py).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import select
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from opencc import OpenCC

from tests.screening.makefiles import write_docx, write_reportlab_pdf

REPO = Path(__file__).resolve().parents[1]
#: Seconds one input may take, and the reader's address space.
TIME_LIMIT_SECONDS = 20.0
MEMORY_LIMIT_MB = 2048
FAILURES = ("crash", "timeout", "died")
TEXT = (
    "第一章 绪论\n近年来，随着高等教育规模的不断扩大，学术不端行为呈现出多样化的趋势。"
    "研究者普遍认为，建立健全科研诚信制度是治理学术不端的根本途径。\n"
    "第二章 方法\n本文采用问卷调查和深度访谈相结合的方法，收集了三所高校的数据。"
)


@dataclass(frozen=True)
class Verdict:
    """How one input ended: result, refused, crash, timeout or died."""

    verdict: str
    detail: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """A crash, a hang or a dead reader: never acceptable."""
        return self.verdict in FAILURES


class Reader:
    """One `fuzz_child` process; replaced after a timeout or a death."""

    def __init__(
        self,
        time_limit: float = TIME_LIMIT_SECONDS,
        memory_mb: int = MEMORY_LIMIT_MB,
    ) -> None:
        self.time_limit = time_limit
        self.memory_mb = memory_mb
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO), env.get("PYTHONPATH", "")) if p
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.fuzz_child", str(self.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env=env,
        )
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != b"ready":
            raise RuntimeError("the fuzz reader did not start")
        return proc

    def judge(self, name: str, data: bytes) -> Verdict:
        """Send one input; wait at most the time limit for its verdict."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        raw_name = name.encode("utf-8")
        start = time.monotonic()
        try:
            proc.stdin.write(struct.pack(">I", len(raw_name)) + raw_name)
            proc.stdin.write(struct.pack(">I", len(data)) + data)
            proc.stdin.flush()
        except BrokenPipeError:
            return self._lost("died", "the reader closed its input", start)
        ready, _w, _x = select.select([proc.stdout], [], [], self.time_limit)
        if not ready:
            return self._lost("timeout", f"over {self.time_limit:.0f} s", start)
        line = proc.stdout.readline()
        if not line:
            code = proc.wait()
            return self._lost("died", f"exit status {code}", start)
        answer = json.loads(line)
        detail = str(answer.get("detail", ""))
        if answer["verdict"] == "crash":
            detail += "\n" + str(answer.get("trace", ""))
        return Verdict(answer["verdict"], detail, time.monotonic() - start)

    def _lost(self, verdict: str, detail: str, start: float) -> Verdict:
        self.close()
        return Verdict(verdict, detail, time.monotonic() - start)

    def close(self) -> None:
        """Stop the reader process."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None


# ------------------------------------------------------------------------------ seeds
@cache
def seeds() -> dict[str, bytes]:
    """Real files made by real tools: a PDF (ReportLab), a DOCX (python-docx), texts."""
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pdf = write_reportlab_pdf(
            Path(tmp) / "seed.pdf", [TEXT.split("\n")[:2], TEXT.split("\n")[2:]]
        )
        out["seed.pdf"] = pdf.read_bytes()
        docx = write_docx(
            Path(tmp) / "seed.docx",
            [("h1", "第一章 绪论"), ("p", TEXT), ("pagebreak", ""), ("p", TEXT[::-1])],
            header="学位论文",
        )
        out["seed.docx"] = docx.read_bytes()
    traditional = OpenCC("s2tw").convert(TEXT)  # Taiwan forms: all in Big5
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "utf-32"):
        source = traditional if encoding == "big5" else TEXT
        out[f"seed-{encoding}.txt"] = source.encode(encoding)
    return out


# --------------------------------------------------------------------------- mutators
Mutator = Callable[[random.Random, bytes], bytes]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    """Flip a few random bytes."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        if buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


def cut(rng: random.Random, data: bytes) -> bytes:
    """Truncate, or drop a slice from the middle."""
    if not data:
        return data
    a = rng.randrange(len(data))
    if rng.random() < 0.5:
        return data[:a]
    b = min(len(data), a + rng.randint(1, 4096))
    return data[:a] + data[b:]


def splice(rng: random.Random, data: bytes) -> bytes:
    """Repeat a slice of the file elsewhere in it (up to a few times)."""
    if len(data) < 2:
        return data
    a = rng.randrange(len(data))
    piece = data[a : a + rng.randint(1, 2048)] * rng.randint(1, 8)
    at = rng.randrange(len(data))
    return data[:at] + piece + data[at:]


INSERTS = (
    b"\x00" * 64,
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"999999999999999999999",
    b"-1",
    b"<<" * 200,
    b"[" * 500,
    b"/Length 2147483647",
    b"\xe4\xb8",  # half a UTF-8 character
    "\u202e\u200b\ufeff\U0001f600".encode(),
)


def insert_token(rng: random.Random, data: bytes) -> bytes:
    """Insert a hostile token at a random place."""
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(INSERTS) + data[at:]


PDF_FILTERS = (
    b"/LZWDecode",
    b"/ASCII85Decode",
    b"/RunLengthDecode",
    b"/JBIG2Decode",
    b"/Nope",
)


def pdf_numbers(rng: random.Random, data: bytes) -> bytes:
    """Change numbers of the PDF's syntax (object ids, offsets, lengths, counts)."""
    digits = [i for i, c in enumerate(data) if 48 <= c <= 57]
    buf = bytearray(data)
    for i in rng.sample(digits, min(len(digits), rng.randint(1, 24))):
        buf[i] = rng.choice(b"0123456789")
    if rng.random() < 0.3:
        buf = bytearray(bytes(buf).replace(b"/FlateDecode", rng.choice(PDF_FILTERS)))
    return bytes(buf)


def pdf_drop_keyword(rng: random.Random, data: bytes) -> bytes:
    """Remove one occurrence of a structural keyword (endobj, endstream, xref, trailer)."""
    word = rng.choice(
        (b"endobj", b"endstream", b"xref", b"trailer", b"startxref", b"obj")
    )
    spots = [i for i in range(len(data)) if data.startswith(word, i)][:200]
    if not spots:
        return data
    at = rng.choice(spots)
    return data[:at] + data[at + len(word) :]


XML_INSERTS = (
    '<!DOCTYPE w [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    "&x;",
    "<w:p>" * 5000,
    "</w:body>",
    '<w:r><w:t xml:space="preserve">' + "学" * 50_000 + "</w:t></w:r>",
    "<w:t>\x01\x02\x1f</w:t>",
    '<w:numPr><w:ilvl w:val="99999999"/><w:numId w:val="-1"/></w:numPr>',
    "<![CDATA[",
    "<?xml version='1.0' encoding='gb2312'?>",
)


def docx_xml(rng: random.Random, data: bytes) -> bytes:
    """Unzip, mutate one XML part (cut, duplicate, hostile markup), zip again."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zin:
            parts = {i.filename: zin.read(i) for i in zin.infolist()}
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, zlib.error):
        return flip_bytes(rng, data)
    xml_names = [n for n in parts if n.endswith((".xml", ".rels"))] or list(parts)
    name = (
        "word/document.xml"
        if rng.random() < 0.6 and "word/document.xml" in parts
        else rng.choice(xml_names)
    )
    text = parts[name].decode("utf-8", errors="replace")
    action = rng.randrange(4)
    at = rng.randrange(len(text) + 1)
    if action == 0:
        text = text[:at] + rng.choice(XML_INSERTS) + text[at:]
    elif action == 1:
        text = text[:at] + text[at + rng.randint(1, 400) :]
    elif action == 2:
        text = text[:at] + text[at : at + 800] * rng.randint(2, 20) + text[at:]
    else:
        parts.pop(rng.choice(list(parts)))
    if name in parts:
        parts[name] = text.encode("utf-8")
    return _zip(rng, parts)


def _zip(rng: random.Random, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
        warnings.catch_warnings(),  # duplicate member names are the point
    ):
        warnings.simplefilter("ignore", UserWarning)
        for name, body in parts.items():
            zout.writestr(name, body)
        if (
            rng.random() < 0.15
        ):  # a highly compressible member, below the bomb ratio or not
            zout.writestr("word/media/fill.bin", b"\x00" * rng.choice((10**5, 10**7)))
        if rng.random() < 0.1 and parts:  # a duplicate member name
            name = rng.choice(list(parts))
            zout.writestr(name, parts[name][::-1])
    return out.getvalue()


def text_encoding(rng: random.Random, data: bytes) -> bytes:
    """Text re-encoded oddly: mixed codecs, stray BOMs, control and private-use characters."""
    pieces = [TEXT[i : i + rng.randint(1, 40)] for i in range(0, len(TEXT), 40)]
    codecs = (
        "utf-8",
        "gb18030",
        "big5",
        "utf-16-le",
        "utf-16-be",
        "shift_jis",
        "latin-1",
    )
    out = b""
    for piece in pieces:
        if rng.random() < 0.2:
            piece += "".join(
                chr(rng.choice((0, 7, 0xE000, 0xFFFE, 0x10FFFF))) for _ in range(3)
            )
        out += piece.encode(rng.choice(codecs), errors="replace")
        if rng.random() < 0.1:
            out += rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff\x00"))
    return out if rng.random() < 0.7 else flip_bytes(rng, data)


GENERIC: tuple[Mutator, ...] = (flip_bytes, cut, splice, insert_token)
BY_KIND: dict[str, tuple[Mutator, ...]] = {
    "pdf": (*GENERIC, pdf_numbers, pdf_numbers, pdf_drop_keyword),
    "docx": (*GENERIC, docx_xml, docx_xml, docx_xml),
    "txt": (*GENERIC, text_encoding, text_encoding),
}


def mutate(rng: random.Random, seed_name: str, data: bytes) -> bytes:
    """One to three mutations of the seed's kind."""
    mutators = BY_KIND[seed_name.rsplit(".", 1)[-1]]
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(mutators)(rng, data)
    return data


def save_failure(directory: Path, seed_name: str, data: bytes) -> Path:
    """Keep a failing input as a regression file named by its hash."""
    directory.mkdir(parents=True, exist_ok=True)
    ext = seed_name.rsplit(".", 1)[-1]
    path = directory / f"{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
    path.write_bytes(data)
    return path


def run(minutes: float, seed: int, save: Path | None) -> Counter[str]:
    """Fuzz for `minutes`; print a tally and every failure."""
    rng = random.Random(seed)
    corpus = seeds()
    reader = Reader()
    tally: Counter[str] = Counter()
    deadline = time.monotonic() + minutes * 60
    try:
        while time.monotonic() < deadline:
            name = rng.choice(sorted(corpus))
            data = mutate(rng, name, corpus[name])
            verdict = reader.judge(name, data)
            tally[verdict.verdict] += 1
            if verdict.failed:
                where = save_failure(save, name, data) if save else "(not saved)"
                print(
                    f"{verdict.verdict}: {name} -> {where}\n{verdict.detail}",
                    flush=True,
                )
    finally:
        reader.close()
    return tally


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.fuzz --minutes N [--seed S] [--save DIR]`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--save", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.monotonic()
    tally = run(args.minutes, args.seed, args.save)
    total = sum(tally.values())
    rate = total / max(time.monotonic() - started, 1e-9)
    print(
        f"seed {args.seed}: {total} inputs ({rate:.1f}/s): "
        + ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
    )
    return 1 if any(tally[k] for k in FAILURES) else 0


if __name__ == "__main__":
    raise SystemExit(main())
