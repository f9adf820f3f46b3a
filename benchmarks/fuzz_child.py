"""The fuzzing harness's reader: a process under resource limits that extracts and
normalises one hostile input at a time and says how it ended.

Run by `benchmarks.fuzz.Reader` as `python -m benchmarks.fuzz_child MEMORY_MB`. Frames in
on stdin: 4-byte big-endian length + UTF-8 name, 4-byte length + bytes. One JSON line out
per frame: {"verdict": "result"|"refused"|"crash", "detail": ...}. Running out of memory
under the limit, a native crash or a hang ends or stalls this process; the parent names
those ("died", "timeout") and starts a new reader.
"""

from __future__ import annotations

import json
import resource
import struct
import sys
import traceback
from typing import BinaryIO

from screening.errors import ScreeningError
from screening.extract import extract
from screening.normalize import normalize


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space, as a worker host would (ulimit -v)."""
    size = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def read_frame(stream: BinaryIO) -> tuple[str, bytes] | None:
    """The next (name, data) frame, or None at the end of input."""
    head = stream.read(4)
    if len(head) < 4:
        return None
    name = stream.read(struct.unpack(">I", head)[0]).decode("utf-8")
    size = struct.unpack(">I", stream.read(4))[0]
    return name, stream.read(size)


def judge(name: str, data: bytes) -> dict[str, object]:
    """Extract and normalise; a ScreeningError is a clean refusal, anything else a crash."""
    try:
        document = extract(data, name=name)
        normalized = normalize(document.text)
    except ScreeningError as exc:
        return {"verdict": "refused", "detail": exc.reason}
    except Exception as exc:  # the crash the harness exists to find
        return {
            "verdict": "crash",
            "detail": f"{type(exc).__name__}: {exc}"[:500],
            "trace": traceback.format_exc()[-2000:],
        }
    return {"verdict": "result", "detail": len(normalized.text)}


def main() -> None:
    """Serve frames until stdin closes."""
    limit_memory(int(sys.argv[1]) if len(sys.argv) > 1 else 2048)
    stdin, stdout = sys.stdin.buffer, sys.stdout
    stdout.write("ready\n")
    stdout.flush()
    while (frame := read_frame(stdin)) is not None:
        stdout.write(json.dumps(judge(*frame), ensure_ascii=False) + "\n")
        stdout.flush()


if __name__ == "__main__":
    main()
