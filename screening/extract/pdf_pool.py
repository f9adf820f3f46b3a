"""Long PDFs read by several processes at once: how many, the pool, and the split of pages.

A PDF of `PARALLEL_MIN_PAGES` pages or more is read by a forkserver pool (one process
fewer than the cores it gets, this one reading the first share); the pool is started on
first use and shut down when the process ends.
"""

from __future__ import annotations

import atexit
import os
from typing import Any

from screening.extract.pdf_model import PdfRead, broken
from screening.extract.pdfium_engine import read_pdfium_lines, read_pdfium_pages

#: PDFs of at least this many pages are read by several processes at once.
PARALLEL_MIN_PAGES = 40
#: Pages each process should have at least, and the most processes one PDF gets.
_PAGES_PER_PROCESS = 20
_MAX_PDF_PROCESSES = 4


def _pdf_processes(pages: int) -> int:
    """How many processes read a PDF of this many pages (1: this one alone)."""
    if pages < PARALLEL_MIN_PAGES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_PDF_PROCESSES, pages // _PAGES_PER_PROCESS))


class _ReaderPool:
    """This process's PDF readers, started on first use (forkserver: a clean process to
    fork from, whatever threads the caller runs) and shut down when the process ends."""

    def __init__(self) -> None:
        self.pool: Any = None
        self.pid = 0
        self.size = 0
        atexit.register(self.close, wait=True)

    def get(self, size: int) -> Any:
        """A pool of at least `size` readers (a forked process starts its own)."""
        # Imported on the first long PDF: together ~0.15 s that short files never need.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is not None and self.pid == os.getpid() and self.size >= size:
            return self.pool
        self.close()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"
        )
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(["screening.extract"])
        self.pool = ProcessPoolExecutor(max_workers=size, mp_context=context)
        self.pid, self.size = os.getpid(), size
        return self.pool

    def close(self, *, wait: bool = False) -> None:
        """Drop the pool (a reader crashed, or the process ends); a pool inherited
        through a fork belongs to the parent and is only forgotten."""
        pool, self.pool = self.pool, None
        if pool is not None and self.pid == os.getpid():
            pool.shutdown(wait=wait, cancel_futures=True)


_readers = _ReaderPool()


def read_pdfium(data: bytes, file_name: str, count: int) -> PdfRead:
    """Characters and positions of a PDF of `count` pages through pypdfium2; long PDFs
    by several processes."""
    workers = _pdf_processes(count)
    if workers < 2:
        return read_pdfium_pages(data, file_name, 0, None)
    # Imported on the first long PDF only, as in `_ReaderPool.get`.
    from concurrent.futures.process import BrokenProcessPool

    bounds = [count * k // workers for k in range(workers + 1)]

    def submit() -> list[Any]:
        pool = _readers.get(workers - 1)
        return [
            pool.submit(read_pdfium_lines, data, file_name, lo, hi)
            for lo, hi in zip(bounds[1:-1], bounds[2:], strict=True)
        ]

    try:
        try:
            futures = submit()
        except BrokenProcessPool:  # a reader died since the last PDF: a new pool
            _readers.close()
            futures = submit()
    except (OSError, RuntimeError):  # no processes to be had: read it all here
        return read_pdfium_pages(data, file_name, 0, None)
    # The first share is read here while the pool reads the others.
    read = read_pdfium_lines(data, file_name, 0, bounds[1])
    try:
        parts = [future.result() for future in futures]
    except BrokenProcessPool as exc:
        _readers.close()
        raise broken(
            file_name, "PDF 解析进程意外退出 (the PDF reader crashed)"
        ) from exc
    assert read.lines is not None
    for part in parts:
        assert part.lines is not None
        read.pages += part.pages
        read.lines += part.lines
        read.unmapped += part.unmapped
        read.total += part.total
    return read
