"""From upload to text: a 150-page Chinese thesis PDF through `screening.extract`.

The PDF is printed once by WeasyPrint from Markov text (cached under --bench-dir): a
cover, a table of contents, chapters with headings and about 1,400 characters a page.
Times the `auto` engine (pypdfium2, several processes from `PARALLEL_MIN_PAGES` pages;
the first run also starts the reader pool), pypdfium2 in this process alone, and
pdfminer.six, and says whether they give the same text.

    .venv/bin/python -m benchmarks.pdf_speed [--pages 150] [--runs 5]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.markov import decode
from benchmarks.scale import load_model
from screening.extract import extract, pdf_pool
from screening.extract.pdfium_engine import pdfium_page_count


def make_pdf(path: Path, pages: int, bench_dir: Path) -> Path:
    """Print a thesis of about `pages` A4 pages with WeasyPrint (CJK system font)."""
    from weasyprint import HTML  # heavy, and only needed when the PDF is not cached

    model = load_model(bench_dir)
    rng = np.random.default_rng(150)
    per_page = 1400
    text = decode(model.vocab, model.generate(np.array([pages * per_page]), rng))
    paras = [p for p in text.replace("\n", "").split("。") if p]
    chapters = 8
    per_chapter = max(1, len(paras) // chapters)
    body = ["<h1>基于多源数据的研究与实现</h1><p>学位论文</p>"]
    body.append("<div style='page-break-after:always'><h2>目录</h2>")
    body += [
        f"<p>第{c + 1}章 研究内容 ........ {c * 18 + 3}</p>" for c in range(chapters)
    ]
    body.append("</div>")
    for c in range(chapters):
        body.append(f"<h2 style='page-break-before:always'>第{c + 1}章 研究内容</h2>")
        chunk = paras[c * per_chapter : (c + 1) * per_chapter]
        for k in range(0, len(chunk), 4):
            body.append("<p>" + "。".join(chunk[k : k + 4]) + "。</p>")
    html = (
        "<html><head><meta charset='utf-8'><style>"
        "@page{size:A4;margin:2.5cm;@bottom-center{content:counter(page)}}"
        "body{font-family:'Noto Serif CJK SC','Noto Sans CJK SC',serif;"
        "font-size:12pt;line-height:1.5}p{text-indent:2em;margin:0}"
        "</style></head><body>" + "".join(body) + "</body></html>"
    )
    HTML(string=html).write_pdf(path)
    return path


def main(argv: list[str] | None = None) -> int:
    """Print the median time from bytes to text for each engine."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=150)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--bench-dir", type=Path, default=Path(tempfile.gettempdir()) / "chengxin-bench"
    )
    args = ap.parse_args(argv)
    path = args.bench_dir / f"thesis-{args.pages}p.pdf"
    if not path.exists():
        t0 = time.perf_counter()
        make_pdf(path, args.pages, args.bench_dir)
        print(f"printed {path} in {time.perf_counter() - t0:.1f}s")
    data = path.read_bytes()
    n_pages = pdfium_page_count(data)
    texts = {}
    parallel_min = pdf_pool.PARALLEL_MIN_PAGES
    for engine, label in (
        ("auto", "auto"),
        ("pdfium", "pdfium, one process"),
        ("pdfminer", "pdfminer"),
    ):
        pdf_pool.PARALLEL_MIN_PAGES = (
            10**9 if label == "pdfium, one process" else parallel_min
        )
        times = []
        for _ in range(args.runs if engine != "pdfminer" else 2):
            t0 = time.perf_counter()
            hashlib.sha256(data).hexdigest()  # what storing the upload costs
            doc = extract(data, name="thesis.pdf", engine=engine)  # type: ignore[arg-type]
            times.append(time.perf_counter() - t0)
        texts[label] = doc.text
        print(
            f"{label:20s}: {n_pages} pages, {len(doc.text):,} chars, median "
            f"{statistics.median(times):.2f}s (first {times[0]:.2f}s, min "
            f"{min(times):.2f}s, max {max(times):.2f}s) from upload bytes to text"
        )
    pdf_pool.PARALLEL_MIN_PAGES = parallel_min
    print(
        "same text: auto and one-process pdfium "
        f"{texts['auto'] == texts['pdfium, one process']}, pdfminer "
        f"{texts['auto'] == texts['pdfminer']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
