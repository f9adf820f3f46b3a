"""Glue between the database and the pure screener: corpus index, texts, peers, own work.

Screening takes seconds, and on SQLite a transaction holds the write lock from BEGIN, so
these functions take a session *factory* and open a short session for each read (the
index check, each candidate's text, the sources' metadata) instead of holding one
session for the whole computation.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive.corpus.models import CorpusDocument
from archive.corpus.naming import author_keys
from archive.corpus.services import corpus_summary, fetch_texts, open_index
from archive.kernel import clock
from archive.kernel.db import read_session
from archive.kernel.locks import folder_lock
from screening.document import DocumentStructure, Span
from screening.index import Candidate, CorpusIndex
from screening.normalize import NormalizedText
from screening.postings import Postings, QueryWords
from screening.report import (
    Match,
    ReportOptions,
    ScreeningReport,
    SourceInfo,
    build_report,
)
from screening.screener import Screener
from screening.structure import analyse


@dataclass(frozen=True)
class Peer:
    """Another file of the same batch, compared as an extra source (校内互检)."""

    source_id: str
    text: str
    title: str = ""
    author: str = ""
    university_id: str | None = None
    venue: str = "本批次"

    @property
    def keys(self) -> set[str]:
        """The author identity keys of this peer."""
        return author_keys(self.author, self.university_id)


@dataclass(frozen=True)
class ScreeningInput:
    """One document to screen and who wrote it."""

    name: str
    text: str
    title: str = ""
    author: str = ""
    university_id: str | None = None
    unit: str = ""
    structure: DocumentStructure | None = None
    hidden: tuple[Span, ...] = ()


@dataclass
class ScreeningContext:
    """What several screenings of one run share: screener, peer index, corpus description."""

    screener: Screener
    corpus_description: str
    cutoff_date: date
    peers: list[Peer] = field(default_factory=list)
    peer_index: CorpusIndex | None = None

    def peer_text(self, source_id: str) -> str:
        """A peer's text by its source id ("" for one another job indexed meanwhile)."""
        for peer in self.peers:
            if peer.source_id == source_id:
                return peer.text
        return ""


class _ExcludingIndex:
    """Adapter: a `CorpusIndex` whose queries leave out some documents (the screened one).

    `Screener.screen(peers=...)` re-fingerprints every peer for every document and skips
    peers whose text is identical (two students handing in the same file are exactly
    what a peer check must report). Fingerprinting a batch once and leaving out only
    the document itself, by id, is both faster and complete.
    """

    def __init__(self, index: CorpusIndex, exclude: Collection[str]) -> None:
        self._index = index
        self._exclude = frozenset(exclude)
        self.params = index.params

    def __len__(self) -> int:
        """Documents in the index (the meaning layer skips an empty one)."""
        return len(self._index)

    def query(
        self, text: str | NormalizedText, *, top_k: int = 30, **kwargs: Any
    ) -> list[Candidate]:
        """Candidates as `CorpusIndex.query`, without the excluded documents."""
        exclude = self._exclude | frozenset(kwargs.pop("exclude", ()))
        return self._index.query(text, top_k=top_k, exclude=exclude, **kwargs)

    def query_meaning(
        self, query: QueryWords, **kwargs: Any
    ) -> list[tuple[str, float, tuple[int, ...]]]:
        """Meaning-layer candidates as `CorpusIndex.query_meaning`, likewise."""
        exclude = self._exclude | frozenset(kwargs.pop("exclude", ()))
        return self._index.query_meaning(query, exclude=exclude, **kwargs)

    def word_postings(
        self, exclude: Collection[str] = ()
    ) -> tuple[list[Postings], np.ndarray, list[str | None]]:
        """The word postings as `CorpusIndex.word_postings`, without the excluded documents."""
        return self._index.word_postings(self._exclude | frozenset(exclude))

    def word_tokens(
        self,
        doc_id: str,
        text: str,
        within: Sequence[tuple[int, int]] | None = None,
    ) -> list[tuple[str, int, int]] | None:
        """The cached jieba tokens of a document (`CorpusIndex.word_tokens`)."""
        return self._index.word_tokens(doc_id, text, within)


def peer_index(peers: Sequence[Peer], directory: Path | None = None) -> CorpusIndex:
    """An index of the peers: in memory, or kept in `directory` and only topped up."""
    if directory is None:
        index = CorpusIndex(None)
        for peer in peers:
            index.add(peer.source_id, peer.text)
        return index
    with folder_lock(directory):
        index = CorpusIndex(directory)
        missing = [p for p in peers if p.source_id not in index]
        for peer in missing:
            index.add(peer.source_id, peer.text)
        if missing or not (directory / "manifest.json").exists():
            index.save()
        return index


def new_screener(index: CorpusIndex, fetch_text: Callable[[str], str]) -> Screener:
    """A fitted `Screener` over `index`, reading candidates' texts with `fetch_text`."""
    return Screener(index, fetch_text).fit()


def _short_session(factory: sessionmaker[Session]) -> Session:
    return read_session(factory)


def corpus_text_fetcher(factory: sessionmaker[Session]) -> Callable[[str], str]:
    """`fetch_text(doc_id)` reading each text in its own short session (cached)."""
    cache: dict[str, str] = {}

    def fetch_text(doc_id: str) -> str:
        if doc_id not in cache:
            with _short_session(factory) as session:
                cache[doc_id] = fetch_texts(session, [doc_id]).get(doc_id, "")
        return cache[doc_id]

    def prefetch(doc_ids: Sequence[str]) -> None:
        """Fetch the candidates' texts in one query (the screener asks before aligning)."""
        wanted = [d for d in dict.fromkeys(doc_ids) if d not in cache]
        if wanted:
            with _short_session(factory) as session:
                found = fetch_texts(session, wanted)
            for doc_id in wanted:
                cache[doc_id] = found.get(doc_id, "")

    fetch_text.prefetch = prefetch  # type: ignore[attr-defined]
    return fetch_text


def prepare(
    factory: sessionmaker[Session],
    *,
    peers: Sequence[Peer] = (),
    peer_index_dir: Path | None = None,
) -> ScreeningContext:
    """Open (and repair) the corpus index and build the screener for one run.

    Args:
        peers: other files of the batch, compared too (校内互检).
        peer_index_dir: where the batch's peer index is kept between jobs (in memory
            when None, as for one CLI run).
    """
    with _short_session(factory) as session:
        index = open_index(session)
        session.commit()
        summary = corpus_summary(session)
    screener = new_screener(index, corpus_text_fetcher(factory))
    description = summary.description(with_peers=bool(peers))
    return ScreeningContext(
        screener=screener,
        corpus_description=description,
        cutoff_date=summary.cutoff_date or clock.today(),
        peers=list(peers),
        peer_index=peer_index(peers, peer_index_dir) if peers else None,
    )


def _corpus_rows(
    factory: sessionmaker[Session], source_ids: Iterable[str]
) -> dict[str, CorpusDocument]:
    ids = sorted(set(source_ids))
    if not ids:
        return {}
    with _short_session(factory) as session:
        rows = session.scalars(
            select(CorpusDocument).where(CorpusDocument.doc_id.in_(ids))
        )
        return {row.doc_id: row for row in rows}


def own_work_and_infos(
    factory: sessionmaker[Session],
    *,
    source_ids: Iterable[str],
    author: str,
    university_id: str | None,
    peers: Sequence[Peer] = (),
) -> tuple[frozenset[str], dict[str, SourceInfo]]:
    """Which matched sources are the author's own work, and every source's display data.

    Own work is matched by author identity: the university id (学号/工号) when both sides
    carry one, otherwise the normalised name.
    """
    ids = set(source_ids)
    mine = author_keys(author, university_id)
    rows = _corpus_rows(factory, ids)
    own: set[str] = set()
    infos: dict[str, SourceInfo] = {}
    for doc_id, row in rows.items():
        infos[doc_id] = SourceInfo(
            source_id=doc_id,
            title=row.title,
            author=row.author,
            venue=row.venue,
            published_on=row.published_on,
        )
        if row.author_key and row.author_key in mine:
            own.add(doc_id)
    for peer in peers:
        if peer.source_id not in ids:
            continue
        infos[peer.source_id] = SourceInfo(
            source_id=peer.source_id,
            title=peer.title,
            author=peer.author,
            venue=peer.venue,
        )
        peer_id_key = author_keys("", peer.university_id)
        my_id_key = author_keys("", university_id)
        if peer_id_key and my_id_key:
            if peer_id_key & my_id_key:
                own.add(peer.source_id)
        elif peer.keys & mine:
            own.add(peer.source_id)
    return frozenset(own), infos


def screen_document(
    factory: sessionmaker[Session],
    context: ScreeningContext,
    document: ScreeningInput,
    *,
    options: ReportOptions | None = None,
    report_number: str,
    checked_at: datetime | None = None,
    exclude_peer: str | None = None,
) -> ScreeningReport:
    """Screen one text against the corpus (and the run's peers) and build its report.

    Args:
        exclude_peer: this document's own id among the peers, never compared with itself.
    """
    matches = list(context.screener.screen(document.text))
    if context.peer_index is not None:
        excluding = _ExcludingIndex(
            context.peer_index, {exclude_peer} if exclude_peer else ()
        )
        peer_screener = new_screener(cast(CorpusIndex, excluding), context.peer_text)
        matches += peer_screener.screen(document.text)
        matches.sort(key=_match_order)
    own, infos = own_work_and_infos(
        factory,
        source_ids={m.source for m in matches},
        author=document.author,
        university_id=document.university_id,
        peers=context.peers,
    )
    base = options or ReportOptions()
    options = ReportOptions(
        excluded_sources=dict(base.excluded_sources),
        min_match_chars=base.min_match_chars,
        own_work_sources=own | base.own_work_sources,
        exclude_quotes=base.exclude_quotes,
        exclude_references=base.exclude_references,
        exclude_templates=base.exclude_templates,
    )
    if document.structure is not None:
        structure = document.structure
    else:
        structure = analyse(document.text)
    return build_report(
        document_name=document.name,
        text=document.text,
        structure=structure,
        matches=matches,
        sources=infos,
        options=options,
        corpus_description=context.corpus_description,
        cutoff_date=context.cutoff_date,
        checked_at=checked_at or clock.now(),
        report_number=report_number,
        title=document.title,
        author=document.author,
        unit=document.unit,
        hidden=document.hidden,
    )


def _match_order(m: Match) -> tuple[int, str, int]:
    return (m.offset, m.source, m.source_offset)


def source_text_fetcher(
    factory: sessionmaker[Session], peers: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    """Source id -> text for rendering the right-hand column; KeyError when unknown."""
    corpus = corpus_text_fetcher(factory)
    peer_texts = dict(peers or {})

    def fetch(source_id: str) -> str:
        if source_id in peer_texts:
            return peer_texts[source_id]
        text = corpus(source_id)
        if not text:
            raise KeyError(source_id)
        return text

    return fetch
