"""Demo data for screening: a small corpus and two theses screened against it.

`chengxin demo` (run by `make run`) calls `load_demo(runtime)`: a newcomer signs in as
the research office and finds a finished batch with two reports, one thesis reusing
passages verbatim and one hiding reuse behind the usual tricks (traditional characters,
zero-width characters, broken lines, swapped punctuation). The corpus is text written
for this project (`web/demo_corpus/`), or a folder the user names with
`CHENGXIN_DEMO_CORPUS_DIR` or `chengxin corpus demo --corpus-dir DIR`.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import click

from archive.corpus import services as corpus
from archive.corpus.errors import UnsupportedCorpusFile
from archive.corpus.naming import iter_document_files
from archive.kernel import accounts
from archive.kernel.accounts import Role
from archive.kernel.db import session_scope
from archive.kernel.queue import wait_for_background_jobs
from archive.kernel.runtime import Runtime
from archive.submissions import services as submissions

DEMO_DIR = Path(__file__).resolve().parent / "demo_corpus"
THESES_DIR = DEMO_DIR / "theses"
CATALOGUE = "catalogue.json"
DEMO_BATCH_NAME = "演示批次：两篇学位论文"
DEMO_OFFICE_USER = "keyanchu"


def _catalogue(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / CATALOGUE
    if not path.exists():
        return {}
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_corpus(rt: Runtime, folder: Path | None = None) -> tuple[int, list[str]]:
    """Add the demo texts (or every file of `folder`) to the corpus; (added, refused)."""
    folder = folder or (
        Path(rt.settings.demo_corpus_dir) if rt.settings.demo_corpus_dir else DEMO_DIR
    )
    if not folder.is_dir():
        raise click.ClickException(f"demo corpus folder not found: {folder}")
    meta = _catalogue(folder)
    files = [
        (path, doc_id)
        for path, doc_id in iter_document_files([folder])
        if not doc_id.startswith("theses/")
    ]
    added, refused = 0, []
    with session_scope(rt.session_factory, actor="demo") as session:
        for path, doc_id in files:
            info = meta.get(doc_id, {})
            published = info.get("published_on")
            try:
                with session.begin_nested():
                    corpus.add_file(
                        session,
                        path=path,
                        doc_id=doc_id,
                        title=info.get("title", ""),
                        author=info.get("author", ""),
                        author_university_id=info.get("author_id"),
                        venue=info.get("venue", ""),
                        published_on=date.fromisoformat(published)
                        if published
                        else None,
                    )
                added += 1
            except UnsupportedCorpusFile as exc:
                refused.append(exc.message)
    return added, refused


def screen_demo_theses(rt: Runtime) -> int | None:
    """Submit the two demo theses as the research office, once; returns the batch id."""
    with session_scope(rt.session_factory, actor="demo") as session:
        if submissions.find_batch_by_name(session, DEMO_BATCH_NAME) is not None:
            return None
        office = accounts.find_user_by_username(session, DEMO_OFFICE_USER)
        if office is None or not office.has_role(Role.RESEARCH_OFFICE):
            return None
        session.info["actor"] = office
        batch = submissions.create_batch(
            session, actor=office, name=DEMO_BATCH_NAME, compare_peers=True
        )
        for path in sorted(THESES_DIR.glob("*.txt")):
            submissions.add_file(
                session,
                batch=batch,
                actor=office,
                file_name=path.name,
                stream=io.BytesIO(path.read_bytes()),
                media_type="text/plain",
            )
        batch_id = batch.id
    wait_for_background_jobs(timeout_seconds=600)
    return batch_id


def load_demo(rt: Runtime, folder: Path | None = None) -> None:
    """Corpus plus a screened demo batch; safe to run again (documents are replaced)."""
    added, refused = load_corpus(rt, folder)
    click.echo(f"demo corpus: {added} documents in the comparison corpus")
    for message in refused:
        click.echo(f"  refused {message}", err=True)
    batch_id = screen_demo_theses(rt)
    if batch_id is not None:
        click.echo(
            f"demo screening: batch {batch_id} with {len(list(THESES_DIR.glob('*.txt')))}"
            f" theses — sign in as {DEMO_OFFICE_USER} and open 查重检测"
        )
    click.echo(
        "try: chengxin screen web/demo_corpus/theses --format html --out reports"
    )
