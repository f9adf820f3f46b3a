"""The screening contract on the command line: `corpus add|list|remove`, `screen`, `pan`.

`CHENGXIN_DATA_DIR` selects where the corpus, its index and the database live; a new
directory works at once (the commands migrate the database and create what they need).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import click
from sqlalchemy.orm import Session, sessionmaker

from archive.corpus.naming import iter_document_files, parse_file_name
from archive.corpus.services import (
    add_paths,
    corpus_summary,
    list_documents,
    remove_document,
    sync_index,
)
from archive.kernel import clock
from archive.kernel.cli import cli_context
from archive.kernel.db import session_scope
from archive.kernel.runtime import Runtime
from archive.submissions.pipeline import (
    Peer,
    ScreeningInput,
    prepare,
    screen_document,
    source_text_fetcher,
)
from screening.errors import ScreeningError
from screening.extract import extract
from screening.pan import run_pan
from screening.report import ReportOptions, ScreeningReport, percent
from web.demo import load_demo
from web.report_render import render_html, render_pdf

CHUNK_FILES = 200


def screening_runtime() -> Runtime:
    """`cli_context().runtime()`: a new data directory is created and migrated at once."""
    return cli_context().runtime()


# ------------------------------------------------------------------------------ corpus
@click.group("corpus")
def corpus_group() -> None:
    """The comparison corpus (比对库)."""


@corpus_group.command("add")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option("--author", default="", help="Author of every file added (姓名).")
@click.option(
    "--author-id", default=None, help="The author's university id (学号/工号)."
)
@click.option("--venue", default="", help="Where the documents appeared (来源).")
@click.option(
    "--no-store-files",
    is_flag=True,
    help="Keep only the extracted text, not a copy of each original file.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary and errors.")
def corpus_add(
    paths: tuple[Path, ...],
    author: str,
    author_id: str | None,
    venue: str,
    no_store_files: bool,
    quiet: bool,
) -> None:
    """Add files, or every PDF/DOCX/DOC/TXT file in folders, to the corpus.

    A document's id is its path relative to the folder given, or its file name.
    """
    rt = screening_runtime()
    pairs = list(iter_document_files(list(paths)))
    added = 0
    failed: list[tuple[str, str]] = []

    def report(doc_id: str, error: str | None) -> None:
        if error is not None:
            click.echo(f"refused {doc_id}: {error}", err=True)
        elif not quiet:
            click.echo(f"added {doc_id}")

    for start in range(0, len(pairs), CHUNK_FILES):
        chunk = pairs[start : start + CHUNK_FILES]
        with session_scope(rt.session_factory, actor="cli") as session:
            result = add_paths(
                session,
                paths=chunk,
                author=author,
                author_university_id=author_id,
                venue=venue,
                store_files=not no_store_files,
                on_file=report,
            )
        added += len(result.added)
        failed += result.failed
    with session_scope(rt.session_factory) as session:
        total = corpus_summary(session).count
    click.echo(f"{added} added, {len(failed)} refused; corpus holds {total} documents")
    if failed:
        sys.exit(1)


@corpus_group.command("list")
@click.option("--query", default="", help="Filter by id, title or author.")
@click.option("--limit", default=100, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def corpus_list(query: str, limit: int, as_json: bool) -> None:
    """List corpus documents, newest first: id, 字数, author, title."""
    rt = screening_runtime()
    with session_scope(rt.session_factory) as session:
        docs = list_documents(session, query=query, limit=limit)
        summary = corpus_summary(session)
        for doc in docs:
            if as_json:
                click.echo(
                    json.dumps(
                        {
                            "id": doc.doc_id,
                            "title": doc.title,
                            "author": doc.author,
                            "author_id": doc.author_university_id,
                            "chars": doc.char_count,
                            "added_at": doc.added_at.isoformat(),
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                click.echo(
                    f"{doc.doc_id}\t{doc.char_count}\t{doc.author or '-'}\t{doc.title}"
                )
    if not as_json:
        click.echo(
            f"({len(docs)} shown of {summary.count}; "
            f"cut-off {summary.cutoff_date or '-'})",
            err=True,
        )


@corpus_group.command("remove")
@click.argument("doc_ids", nargs=-1, required=True)
def corpus_remove(doc_ids: tuple[str, ...]) -> None:
    """Remove documents by id; the index is updated without a rebuild."""
    rt = screening_runtime()
    with session_scope(rt.session_factory, actor="cli") as session:
        for doc_id in doc_ids:
            remove_document(session, doc_id=doc_id)
    for doc_id in doc_ids:
        click.echo(f"removed {doc_id}")


@corpus_group.command("demo")
@click.option(
    "--corpus-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Load this folder instead of the shipped demo texts.",
)
def corpus_demo(corpus_dir: Path | None) -> None:
    """Load the demo corpus (or a folder you name) and screen the two demo theses."""
    load_demo(screening_runtime(), corpus_dir)


@corpus_group.command("reindex")
def corpus_reindex() -> None:
    """Bring the index in line with the database (after a crash or a deleted index)."""
    rt = screening_runtime()
    with session_scope(rt.session_factory) as session:
        added, removed = sync_index(session)
    click.echo(f"index: {added} documents indexed, {removed} stale entries removed")


# ------------------------------------------------------------------------------ screen
@dataclass
class _Input:
    path: Path
    name: str  # the id of the file in this run: relative path or file name
    out_stem: Path  # report path without extension, relative to --out


def _inputs(paths: Sequence[Path]) -> list[_Input]:
    """Files given, and every supported file inside folders given; no two share a report."""
    out = [
        _Input(path, name, Path(name).parent / Path(name).stem)
        for path, name in iter_document_files(paths)
    ]
    for depth in range(1, 4):  # a/thesis.txt and b/thesis.txt: name their folders
        _collisions(out, lambda item, d=depth: _with_folders(item, d))
    _collisions(out, lambda item: item.name, keep_extension=True)  # thesis.pdf, .docx
    _collisions(out, lambda item: f"{item.name}-{item.path.stat().st_ino}")
    return out


def _with_folders(item: _Input, depth: int) -> str:
    """The file's name with its `depth` nearest folders: `a/thesis.txt`."""
    folders = item.path.resolve().parent.parts[1:][-depth:]
    return "/".join([*folders, item.path.name])


def _collisions(
    items: list[_Input],
    rename: Callable[[_Input], str],
    *,
    keep_extension: bool = False,
) -> None:
    """Rename every item whose report path another item shares, and say so."""
    counts: dict[Path, int] = {}
    for item in items:
        counts[item.out_stem] = counts.get(item.out_stem, 0) + 1
    for item in items:
        if counts[item.out_stem] > 1:
            new = rename(item)
            stem = Path(new) if keep_extension else Path(new).parent / Path(new).stem
            click.echo(
                f"note: {item.path} shares its report name with another file: "
                f"its reports are {stem}.* under --out",
                err=True,
            )
            item.name = new
            item.out_stem = stem


def _report_number(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8].upper()
    return f"CX-{clock.today():%Y%m%d}-{digest}"


def _write(
    report: ScreeningReport,
    *,
    text: str,
    formats: Sequence[str],
    target: Path,
    fetch_source_text: Callable[[str], str],
    lang: str,
) -> list[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = target.with_name(target.name + "." + fmt)
        if fmt == "json":
            data = json.dumps(report.to_dict(), ensure_ascii=False, indent=1)
            _atomic_write(path, data.encode("utf-8"))
        elif fmt == "html":
            html = render_html(
                report,
                text=text,
                fetch_source_text=fetch_source_text,
                lang=lang,
            )
            _atomic_write(path, html.encode("utf-8"))
        else:
            pdf = render_pdf(
                report,
                text=text,
                fetch_source_text=fetch_source_text,
                lang=lang,
            )
            _atomic_write(path, pdf)
        written.append(path)
    return written


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@click.command("screen")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["json", "html", "pdf"]),
    default=("json",),
    show_default=True,
    help="Report format; repeat for several.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the reports (thesis.pdf -> OUT/thesis.json).",
)
@click.option(
    "--peers/--no-peers",
    default=None,
    help="Also compare the files of this run with each other (off by default).",
)
@click.option(
    "--min-match",
    type=int,
    default=None,
    help="Matches shorter than this many characters are listed but not counted.",
)
@click.option(
    "--exclude-source",
    "exclude_sources",
    multiple=True,
    help="A corpus document id whose matches are listed but not counted.",
)
@click.option("--author", default="", help="Author of the screened files (去除本人).")
@click.option("--author-id", default=None, help="The author's university id.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh")
def screen(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    peers: bool | None,
    min_match: int | None,
    exclude_sources: tuple[str, ...],
    author: str,
    author_id: str | None,
    lang: str,
) -> None:
    """Screen files (or every file in folders) against the corpus; one report per file.

    Exit status 0 when every file was screened; a file that cannot be read is named on
    stderr with the reason, and the others are still screened.
    """
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    rt = screening_runtime()
    settings = rt.settings
    use_peers = settings.screening_peers if peers is None else peers
    run = _Run(
        session_factory=rt.session_factory,
        options=ReportOptions(
            excluded_sources=dict.fromkeys(exclude_sources, "other"),
            min_match_chars=settings.min_match_chars
            if min_match is None
            else min_match,
        ),
        formats=tuple(dict.fromkeys(formats)),
        out_dir=out_dir,
        lang=lang,
    )
    items = _inputs(list(paths))
    if not items:
        raise click.ClickException("no PDF, DOCX, DOC or TXT files found")
    tally = _Tally()
    documents = _extracted(
        items,
        max_bytes=settings.max_upload_bytes,
        author=author,
        author_id=author_id,
        tally=tally,
    )
    if use_peers:  # every file is read first: each is a source for the others
        docs = list(documents)
        _screen_all(run, iter(docs), [_peer(item, doc) for item, doc in docs], tally)
    else:
        _screen_all(run, documents, [], tally)
    click.echo(f"{tally.screened} screened, {tally.failed} failed", err=True)
    if tally.failed:
        sys.exit(1)


@dataclass(frozen=True)
class _Run:
    """What every file of one `chengxin screen` run is screened and written with."""

    session_factory: sessionmaker[Session]
    options: ReportOptions
    formats: tuple[str, ...]
    out_dir: Path
    lang: str


@dataclass
class _Tally:
    """Files screened and files failed so far (a failure is printed where it happens)."""

    screened: int = 0
    failed: int = 0

    def fail(self, message: str) -> None:
        """Count a failed file and name it on stderr."""
        self.failed += 1
        click.echo(message, err=True)


def _extracted(
    items: Sequence[_Input],
    *,
    max_bytes: int,
    author: str,
    author_id: str | None,
    tally: _Tally,
) -> Iterator[tuple[_Input, ScreeningInput]]:
    """Each readable file's text and author, as it is read; unreadable files are tallied."""
    for item in items:
        try:
            doc = extract(item.path, name=item.name, max_bytes=max_bytes)
        except ScreeningError as exc:
            tally.fail(f"failed {item.name}: {exc.message} [{exc.reason}]")
            continue
        except OSError as exc:
            tally.fail(f"failed {item.name}: {exc}")
            continue
        parts = parse_file_name(item.name)
        yield (
            item,
            ScreeningInput(
                name=item.name,
                text=doc.text,
                title=parts.title or doc.metadata.get("title", ""),
                author=author or parts.author or doc.metadata.get("author", ""),
                university_id=author_id or parts.university_id or None,
                hidden=doc.hidden,
            ),
        )


def _peer(item: _Input, doc: ScreeningInput) -> Peer:
    """A file of this run as a source for the others (--peers)."""
    return Peer(
        source_id=item.name,
        text=doc.text,
        title=doc.title,
        author=doc.author,
        university_id=doc.university_id,
    )


def _screen_all(
    run: _Run,
    documents: Iterator[tuple[_Input, ScreeningInput]],
    peers: list[Peer],
    tally: _Tally,
) -> None:
    """Screen each document, write its reports and print one line for it."""
    context = prepare(run.session_factory, peers=peers)
    fetch = source_text_fetcher(
        run.session_factory, {p.source_id: p.text for p in peers}
    )
    for item, doc in documents:
        try:
            report = screen_document(
                run.session_factory,
                context,
                doc,
                options=run.options,
                report_number=_report_number(doc.text),
                exclude_peer=item.name,
            )
            written = _write(
                report,
                text=doc.text,
                formats=run.formats,
                target=run.out_dir / item.out_stem,
                fetch_source_text=fetch,
                lang=run.lang,
            )
        except (ScreeningError, ValueError, OSError) as exc:
            tally.fail(f"failed {item.name}: {exc}")
            continue
        tally.screened += 1
        click.echo(
            f"{item.name}\t{percent(report.figures.copy_ratio)}\t"
            f"{len(report.matches)} matches\t" + " ".join(str(p) for p in written)
        )


# --------------------------------------------------------------------------------- pan
@click.command("pan")
@click.argument("pairs", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument(
    "src_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.argument(
    "susp_dir", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def pan(pairs: Path, src_dir: Path, susp_dir: Path, out_dir: Path) -> None:
    """Text alignment on a PAN corpus: PAIRS file, source and suspicious folders in,
    one PAN XML detections file per pair out."""
    count = run_pan(pairs, src_dir, susp_dir, out_dir)
    click.echo(f"{count} detections written to {out_dir}")


# The commands this module gives `chengxin` (a screening run starts with these alone).
COMMANDS = (corpus_group, screen, pan)
