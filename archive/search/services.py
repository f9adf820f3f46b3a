"""Chinese full-text search over the archive: one service over SQLite FTS5 and PostgreSQL.

Neither database segments Chinese, so we do: every record's title, metadata (people, unit,
discipline, keywords, number, description) and file texts are cut by jieba (the screening
package's tokenizer) into words, in search mode (each long word also yields its dictionary
sub-words: 深度学习 → 深度, 学习, 深度学习), and stored space-joined in `archive_search_docs`.

* SQLite: an FTS5 table `archive_fts` (external content = that table, tokenizer unicode61
  without diacritic folding, kept in step by triggers) ranked by bm25 with field weights.
* PostgreSQL: a `tsv` column (`to_tsvector('simple', …)` of the same text, title weight A,
  metadata B, body D) kept by a trigger, a GIN index, ranked by `ts_rank`.

`ensure_search_schema(bind)` creates these (called on create_all and by the migration);
`include_object` tells Alembic to leave them alone.

Queries: words are cut the same way (precise mode); each word matches itself or all of its
sub-words, all words must match. "Quoted" phrases must occur exactly (checked against the
normalised plain text with LIKE, after the index narrowed the candidates); a lone CJK
character (rare as an indexed word) is matched the same way. Whatever the user types, FTS
syntax never reaches the engine: each token is quoted. Access is part of the SQL (see
`archive.records.services.visibility_clause`), so neither hits nor counts nor facets include records
the user may not see. Snippets and highlights are computed here, the same on both databases.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from archive.kernel.accounts import User
from archive.records.services import (
    ACCESS_LABELS,
    RECORD_TYPE_LABELS,
    RETENTION_LABELS,
    AccessLevel,
    FileText,
    Record,
    RecordPerson,
    RecordStatus,
    RecordType,
    RetentionClass,
    SearchDoc,
    visibility_clause,
)

#: Body text indexed per record (a long thesis is ~200k characters). PostgreSQL caps a
#: tsvector at 1 MB, which this and `MAX_GRAM_CHARS` keep well clear of.
MAX_BODY_CHARS = 200_000
#: Text from which CJK bigrams are made (the recall net for words jieba cut otherwise).
MAX_GRAM_CHARS = 60_000
#: Field weights: title, metadata, body, bigrams (bm25 on SQLite; A-D on PostgreSQL).
BM25_WEIGHTS = (10.0, 4.0, 1.0, 0.5)
FTS_TABLE = "archive_fts"
PG_TSV_INDEX = "ix_archive_search_docs_tsv"
#: How far into each text a snippet looks for the query (the start of a thesis).
SNIPPET_SCAN_CHARS = 20_000
SORTS = ("relevance", "date", "title")
SORT_LABELS = {"relevance": "相关度", "date": "日期", "title": "标题"}  # 排序
FACET_FIELDS = (
    "type",
    "unit",
    "discipline",
    "year",
    "retention",
    "outcome",
    "access",
    "person",
)

_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』|”([^“”]*)”')
_STOP_CHARS = frozenset("的了和与及在是对中为等之或而其以于并由从被将把也就都")


# ---------------------------------------------------------------------------------------
# Schema


_COLS = "title_seg, meta_seg, body_seg, grams"
_NEW = "new.record_id, new.title_seg, new.meta_seg, new.body_seg, new.grams"
_OLD = "old.record_id, old.title_seg, old.meta_seg, old.body_seg, old.grams"
_SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLS}, "
    "content='archive_search_docs', content_rowid='record_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS archive_search_docs_ai AFTER INSERT ON archive_search_docs "
    f"BEGIN INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES ({_NEW}); END",
    "CREATE TRIGGER IF NOT EXISTS archive_search_docs_ad AFTER DELETE ON archive_search_docs "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) "
    f"VALUES ('delete', {_OLD}); END",
    "CREATE TRIGGER IF NOT EXISTS archive_search_docs_au AFTER UPDATE ON archive_search_docs "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) "
    f"VALUES ('delete', {_OLD}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES ({_NEW}); END",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS archive_search_docs_ai",
    "DROP TRIGGER IF EXISTS archive_search_docs_ad",
    "DROP TRIGGER IF EXISTS archive_search_docs_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
_PG_DDL = (
    "ALTER TABLE archive_search_docs ADD COLUMN IF NOT EXISTS tsv tsvector",
    "CREATE OR REPLACE FUNCTION archive_search_docs_tsv() RETURNS trigger AS $$ BEGIN "
    "NEW.tsv := setweight(to_tsvector('simple', coalesce(NEW.title_seg, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(NEW.meta_seg, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce(NEW.body_seg, '')), 'C') || "
    "setweight(to_tsvector('simple', coalesce(NEW.grams, '')), 'D'); "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE TRIGGER archive_search_docs_tsv BEFORE INSERT OR UPDATE "
    "ON archive_search_docs FOR EACH ROW EXECUTE FUNCTION archive_search_docs_tsv()",
    f"CREATE INDEX IF NOT EXISTS {PG_TSV_INDEX} ON archive_search_docs USING gin (tsv)",
)
_PG_DROP = (
    "DROP TRIGGER IF EXISTS archive_search_docs_tsv ON archive_search_docs",
    "DROP FUNCTION IF EXISTS archive_search_docs_tsv()",
    f"DROP INDEX IF EXISTS {PG_TSV_INDEX}",
    "ALTER TABLE archive_search_docs DROP COLUMN IF EXISTS tsv",
)


def search_schema_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that create the full-text index on this dialect (for migrations)."""
    return _PG_DDL if dialect == "postgresql" else _SQLITE_DDL


def ensure_search_schema(bind: Connection | Engine) -> None:
    """Create the full-text index objects if missing (idempotent)."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            ensure_search_schema(conn)
        return
    for statement in search_schema_ddl(bind.dialect.name):
        bind.exec_driver_sql(statement)


def drop_search_schema(bind: Connection | Engine) -> None:
    """Drop the full-text index objects (migration downgrade, drop_all)."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            drop_search_schema(conn)
        return
    for statement in _PG_DROP if bind.dialect.name == "postgresql" else _SQLITE_DROP:
        bind.exec_driver_sql(statement)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: the FTS objects are ours, not the models' (env.py include_object)."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == "tsv" and reflected and compare_to is None:
        table = getattr(obj, "table", None)
        return getattr(table, "name", "") != "archive_search_docs"
    return not (type_ == "index" and name == PG_TSV_INDEX)


# ---------------------------------------------------------------------------------------
# Segmentation


def normalize(text: str) -> str:
    """NFKC and lower case: what the index and the LIKE checks compare."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _jieba() -> Any:
    """The screening package's jieba instance (one per process, built on first use)."""
    from screening.tokenize import get_tokenizer

    # The shared Tokenizer builds its jieba.Tokenizer lazily and quietly; its search-mode
    # cut is what we need and it has no public wrapper.
    return get_tokenizer()._get()


def _pieces(word: str) -> list[str]:
    """The word-character runs of a jieba token (punctuation and spaces dropped)."""
    return [p for p in _WORD.findall(word) if len(p) <= 60]


def segment(text: str, *, search_mode: bool = True) -> list[str]:
    """Words of `text` (normalised); search mode adds each long word's sub-words."""
    if not text:
        return []
    tok = _jieba()
    cut = tok.cut_for_search if search_mode else tok.cut
    out: list[str] = []
    for word in cut(normalize(text), HMM=True):
        out.extend(_pieces(word))
    return out


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


def grams(text: str) -> list[str]:
    """CJK character bigrams of each CJK run, and every other word, of normalised text.

    Any CJK string of two or more characters in the text has all its bigrams here, so a
    word jieba cut differently in context is still found (then confirmed by LIKE).
    """
    out: list[str] = []
    for piece in _WORD.findall(text):
        pos = 0
        for run in _CJK_RUN.finditer(piece):
            if run.start() > pos:
                out.append(piece[pos : run.start()])
            chars = run.group()
            out.extend(chars[k : k + 2] for k in range(len(chars) - 1))
            pos = run.end()
        if pos < len(piece):
            out.append(piece[pos:])
    return [g for g in out if len(g) <= 60]


def segmented(text: str) -> str:
    """Space-joined search-mode words: what goes into the index."""
    return " ".join(segment(text))


# ---------------------------------------------------------------------------------------
# Indexing


def _meta_text(record: Record) -> str:
    """The metadata fields that are searched besides title and body."""
    parts = [
        record.number,
        record.case_number or "",
        RECORD_TYPE_LABELS[record.type],
        record.unit or "",
        record.discipline or "",
        " ".join(p.name for p in record.people),
        " ".join(p.role for p in record.people),
        " ".join(record.keywords),
    ]
    return " ".join(p for p in parts if p)


def _body_text(record: Record, texts: dict[int, str]) -> str:
    """Description, file names and file texts, capped at `MAX_BODY_CHARS`."""
    parts = [record.description or ""]
    for f in record.files:
        parts.append(f.name)
        parts.append(texts.get(f.stored_file_id, ""))
    return "\n".join(p for p in parts if p)[:MAX_BODY_CHARS]


def build_doc(record: Record, texts: dict[int, str]) -> dict[str, Any]:
    """The search document of a record, given its files' extracted texts."""
    meta = _meta_text(record)
    body = _body_text(record, texts)
    plain = normalize("\n".join((record.title, meta, body)))
    return {
        "record_id": record.id,
        "title_seg": segmented(record.title),
        "meta_seg": segmented(meta),
        "body_seg": segmented(body),
        "grams": " ".join(grams(plain[:MAX_GRAM_CHARS])),
        "plain": plain,
    }


def file_texts(session: Session, stored_file_ids: Iterable[int]) -> dict[int, str]:
    """Extracted texts of these stored files that have one."""
    ids = list(set(stored_file_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(FileText.stored_file_id, FileText.text).where(
            FileText.stored_file_id.in_(ids), FileText.status == "ok"
        )
    )
    return {fid: txt for fid, txt in rows}


def extract_file_text(session: Session, stored_file_id: int) -> FileText:
    """Extract (once) and cache a stored file's text; failures are recorded, not raised."""
    from archive.kernel.files import FileIntegrityError, get_stored_file, read_verified
    from screening.errors import ScreeningError
    from screening.extract import extract

    row = session.get(FileText, stored_file_id)
    if row is not None:
        return row
    stored = get_stored_file(session, stored_file_id)
    status, reason, content = "ok", "", ""
    try:
        data = read_verified(session, stored)
        content = extract(data, name=stored.original_name).text
    except ScreeningError as exc:
        status, reason = "failed", f"{exc.reason}: {exc.message}"[:500]
    except FileIntegrityError as exc:
        status, reason = "failed", f"fixity: {exc.message}"[:500]
    row = FileText(
        stored_file_id=stored_file_id,
        status=status,
        reason=reason,
        text=content[:MAX_BODY_CHARS],
        chars=len(content),
    )
    session.add(row)
    session.flush()
    return row


def pending_file_ids(session: Session, record: Record) -> list[int]:
    """Files of the record whose text has not been extracted yet."""
    ids = [f.stored_file_id for f in record.files]
    if not ids:
        return []
    done = set(
        session.scalars(
            select(FileText.stored_file_id).where(FileText.stored_file_id.in_(ids))
        )
    )
    return [i for i in ids if i not in done]


def index_record(session: Session, record: Record, *, extract: bool = False) -> None:
    """(Re)build a record's search document; file texts are extracted now or by a job.

    With `extract=False` (services inside a request) files not yet extracted are queued
    for `archive.records.jobs.extract_record_texts` after commit, which re-indexes the record.
    """
    if record.status != RecordStatus.ACTIVE:
        session.execute(delete(SearchDoc).where(SearchDoc.record_id == record.id))
        return
    pending = pending_file_ids(session, record)
    if pending and extract:
        for file_id in pending:
            extract_file_text(session, file_id)
        pending = []
    if pending:
        session.connection()  # begin now, so a rollback drops the request too
        session.info.setdefault(_PENDING_EXTRACT, set()).add(record.id)
    doc = build_doc(
        record, file_texts(session, (f.stored_file_id for f in record.files))
    )
    existing = session.get(SearchDoc, record.id)
    if existing is None:
        session.add(SearchDoc(**doc))
    else:
        for key, value in doc.items():
            setattr(existing, key, value)
    session.flush()


_PENDING_EXTRACT = "archive_pending_extract"


@event.listens_for(Session, "after_commit")
def _queue_extractions(session: Session) -> None:
    """Queue text extraction once the outermost transaction commits.

    Not `queue.enqueue_after_commit`: its hook also fires when a savepoint is released,
    and an inline job would then wait on the SQLite write lock its caller still holds.
    """
    if session.get_nested_transaction() is not None:
        return
    pending = session.info.pop(_PENDING_EXTRACT, None)
    if not pending:
        return
    from archive.kernel.db import settings_of
    from archive.kernel.queue import enqueue
    from archive.records import jobs

    settings = settings_of(session)
    for record_id in sorted(pending):
        enqueue(
            settings,
            jobs.extract_record_texts,
            record_id,
            job_id=f"archive-extract-{record_id}",
        )


@event.listens_for(Session, "after_soft_rollback")
def _drop_extractions(session: Session, previous_transaction: Any) -> None:
    """A rolled-back transaction queues nothing."""
    if not previous_transaction.nested:
        session.info.pop(_PENDING_EXTRACT, None)


def reindex_all(
    session: Session, *, batch_size: int = 500, extract: bool = False
) -> int:
    """Rebuild every active record's search document; returns how many were indexed."""
    session.execute(delete(SearchDoc))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        )
    count = 0
    last = 0
    while True:
        records = list(
            session.scalars(
                select(Record)
                .where(Record.id > last, Record.status == RecordStatus.ACTIVE)
                .order_by(Record.id)
                .limit(batch_size)
            )
        )
        if not records:
            break
        if extract:
            for record in records:
                for file_id in pending_file_ids(session, record):
                    extract_file_text(session, file_id)
        texts = file_texts(
            session, (f.stored_file_id for r in records for f in r.files)
        )
        session.execute(insert(SearchDoc), [build_doc(r, texts) for r in records])
        count += len(records)
        last = records[-1].id
        session.expire_all()
    return count


# ---------------------------------------------------------------------------------------
# Queries


@dataclass(frozen=True)
class QueryWord:
    """One query word: the jieba token, and the grams that must all be in the record."""

    word: str
    grams: tuple[str, ...]

    @property
    def needs_check(self) -> bool:
        """True when the grams alone do not prove the word occurs (3+ characters)."""
        return len(self.grams) > 1 or self.grams != (self.word,)


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query: words for the index, exact strings for LIKE, strings to highlight."""

    raw: str
    words: tuple[QueryWord, ...]
    exact: tuple[str, ...]  # phrases, lone CJK characters, words to confirm; normalised
    highlights: tuple[str, ...]
    phrases: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when nothing searchable is left (empty, or only punctuation)."""
        return not self.words and not self.exact


def parse_query(raw: str) -> ParsedQuery:
    """Split a query into index words and exact strings; syntax characters are just text.

    Each jieba word must occur in the record as a substring: found through its own token
    (ranked by field) or all of its bigrams, and confirmed with LIKE when it is longer
    than one bigram. Quoted phrases must occur exactly. No user text is FTS syntax.
    """
    raw = (raw or "")[:500]
    phrases: list[str] = []

    def take(match: re.Match[str]) -> str:
        phrase = next((g for g in match.groups() if g is not None), "")
        phrase = re.sub(r"\s+", " ", normalize(phrase)).strip()
        if _WORD.search(phrase):
            phrases.append(phrase)
        return " "

    rest = _QUOTED.sub(take, raw).replace('"', " ")
    candidates = segment(rest, search_mode=False)
    for phrase in phrases:
        candidates.extend(segment(phrase, search_mode=False))
    multi = [w for w in candidates if not (len(w) == 1 and _CJK.match(w))]
    words: list[QueryWord] = []
    exact: list[str] = list(phrases)
    seen: set[str] = set()
    for word in candidates:
        if word in seen:
            continue
        seen.add(word)
        if len(word) == 1 and _CJK.match(word):
            if not (word in _STOP_CHARS and multi):
                exact.append(word)
            continue
        parts = tuple(g for g in grams(word) if not (len(g) == 1 and _CJK.match(g)))
        if not parts:
            exact.append(word)
            continue
        item = QueryWord(word, parts)
        words.append(item)
        if item.needs_check and _CJK.search(word):
            exact.append(word)
    highlights = set(exact) | {w.word for w in words}
    return ParsedQuery(
        raw=raw,
        words=tuple(words),
        exact=tuple(dict.fromkeys(exact)),
        highlights=tuple(sorted(highlights, key=len, reverse=True)),
        phrases=tuple(phrases),
    )


def _fts5_query(parsed: ParsedQuery) -> str:
    """FTS5 MATCH text: every token double-quoted, so no user text is FTS syntax."""
    clauses = []
    for item in parsed.words:
        token = f'"{item.word}"'
        if item.grams == (item.word,):
            clauses.append(token)
        else:
            all_grams = " AND ".join(f'"{g}"' for g in item.grams)
            clauses.append(f"({token} OR ({all_grams}))")
    return " AND ".join(clauses)


def _tsquery(parsed: ParsedQuery) -> str:
    """to_tsquery text: every lexeme single-quoted (tokens hold only word characters)."""
    clauses = []
    for item in parsed.words:
        token = f"'{item.word}'"
        if item.grams == (item.word,):
            clauses.append(token)
        else:
            all_grams = " & ".join(f"'{g}'" for g in item.grams)
            clauses.append(f"({token} | ({all_grams}))")
    return " & ".join(clauses)


def _like_pattern(value: str) -> str:
    """A LIKE pattern matching `value` anywhere, with the wildcards escaped."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class SearchFilters:
    """Filters of the search page (all optional)."""

    record_type: str | None = None
    unit: str | None = None
    discipline: str | None = None
    person: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    retention: str | None = None
    outcome: str | None = None
    access: str | None = None

    def active(self) -> dict[str, Any]:
        """The filters that are set, by name."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass(frozen=True)
class FacetValue:
    """One facet entry: the value, its label, and how many visible hits have it."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchHit:
    """One result as the page shows it; `title_html` and `snippet_html` are escaped HTML."""

    record: Record
    score: float
    title_html: str
    snippet_html: str


@dataclass
class SearchResult:
    """A page of hits, the total the user may see, facets, and any notice."""

    query: str
    parsed: ParsedQuery
    filters: SearchFilters
    sort: str
    page: int
    per_page: int
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    notice: str = ""

    @property
    def first(self) -> int:
        """1-based position of the first hit on this page (0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last(self) -> int:
        """1-based position of the last hit on this page."""
        return self.first + len(self.hits) - 1 if self.hits else 0

    @property
    def pages(self) -> int:
        """How many pages there are."""
        return max(1, -(-self.total // self.per_page))


def _to_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def filters_from(args: dict[str, Any]) -> SearchFilters:
    """Filters from request arguments (unknown or malformed values are ignored)."""

    def get(name: str) -> str | None:
        value = args.get(name)
        return str(value).strip()[:128] if value not in (None, "") else None

    record_type = get("type")
    retention = get("retention")
    access = get("access")
    return SearchFilters(
        record_type=record_type
        if record_type in RecordType._value2member_map_
        else None,
        unit=get("unit"),
        discipline=get("discipline"),
        person=get("person"),
        year_from=_to_int(args.get("year_from")),
        year_to=_to_int(args.get("year_to")),
        retention=retention if retention in RetentionClass._value2member_map_ else None,
        outcome=get("outcome"),
        access=access if access in AccessLevel._value2member_map_ else None,
    )


def _conditions(
    actor: User | None, filters: SearchFilters, today: date | None
) -> list[Any]:
    """Access and filter conditions on `records`."""
    conds: list[Any] = [visibility_clause(actor, today)]
    f = filters
    if f.record_type:
        conds.append(Record.type == RecordType(f.record_type))
    if f.unit:
        conds.append(Record.unit == f.unit)
    if f.discipline:
        conds.append(Record.discipline == f.discipline)
    if f.year_from is not None:
        conds.append(Record.year >= f.year_from)
    if f.year_to is not None:
        conds.append(Record.year <= f.year_to)
    if f.retention:
        conds.append(Record.retention_class == RetentionClass(f.retention))
    if f.outcome:
        conds.append(Record.outcome == f.outcome)
    if f.access:
        conds.append(Record.access_level == AccessLevel(f.access))
    if f.person:
        conds.append(
            select(RecordPerson.id)
            .where(RecordPerson.record_id == Record.id, RecordPerson.name == f.person)
            .exists()
        )
    return conds


def _match_subquery(
    session: Session, parsed: ParsedQuery, *, with_score: bool = True
) -> Any:
    """(rid, score) of the records whose index matches the query words.

    Counting and facets need no score; computing bm25 or ts_rank for every match is
    most of a broad query's cost, so they skip it.
    """
    if session.get_bind().dialect.name == "postgresql":
        score = "ts_rank(d.tsv, q.q, 1)" if with_score else "0.0"
        stmt = text(
            f"SELECT d.record_id AS rid, {score} AS score "
            "FROM archive_search_docs d, to_tsquery('simple', :fts_q) AS q(q) "
            "WHERE d.tsv @@ q.q"
        ).bindparams(fts_q=_tsquery(parsed))
    else:
        w = BM25_WEIGHTS
        score = (
            f"-bm25({FTS_TABLE}, {w[0]}, {w[1]}, {w[2]}, {w[3]})"
            if with_score
            else "0.0"
        )
        stmt = text(
            f"SELECT rowid AS rid, {score} AS score "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_q"
        ).bindparams(fts_q=_fts5_query(parsed))
    # MATERIALIZED: run the MATCH once and join records by key; as a plain subquery
    # SQLite re-evaluates it for every candidate record.
    return stmt.columns(rid=Integer, score=Float).cte("m").prefix_with("MATERIALIZED")


def _base_query(
    session: Session,
    actor: User | None,
    parsed: ParsedQuery,
    filters: SearchFilters,
    today: date | None,
    columns: Sequence[Any],
    *,
    with_score: bool = True,
) -> tuple[Select[Any], Any]:
    """SELECT columns FROM records [JOIN matches] WHERE access, filters, exact strings."""
    match = (
        _match_subquery(session, parsed, with_score=with_score)
        if parsed.words
        else None
    )
    score = match.c.score if match is not None else literal(0.0)
    stmt = select(*columns, score.label("score")).select_from(Record)
    if match is not None:
        stmt = stmt.join(match, match.c.rid == Record.id)
    if parsed.exact:
        stmt = stmt.join(SearchDoc, SearchDoc.record_id == Record.id)
        for value in parsed.exact:
            stmt = stmt.where(SearchDoc.plain.like(_like_pattern(value), escape="\\"))
    return stmt.where(*_conditions(actor, filters, today)), score


def search(
    session: Session,
    *,
    actor: User | None,
    query: str = "",
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    with_facets: bool = True,
    today: date | None = None,
) -> SearchResult:
    """Search the archive as `actor`: only records they may see are hits, counts or facets.

    An empty query (or one of punctuation only) lists what the filters admit, newest first.
    """
    filters = filters or SearchFilters()
    parsed = parse_query(query)
    sort = sort if sort in SORTS else "relevance"
    notice = ""
    if parsed.is_empty and query.strip():
        notice = "检索词只包含标点或符号，已忽略；下面列出全部可见档案。"
    if parsed.is_empty and sort == "relevance":
        sort = "date"
    page = max(1, min(page, 10_000))
    per_page = max(1, min(per_page, 100))
    stmt, score = _base_query(
        session, actor, parsed, filters, today, [Record.id, func.count().over()]
    )
    if sort == "relevance":
        order = [score.desc(), Record.id.desc()]
    elif sort == "title":
        order = [Record.title.asc(), Record.id.asc()]
    else:
        order = [
            Record.year.desc().nulls_last(),
            func.coalesce(Record.date_end, Record.date_start).desc().nulls_last(),
            Record.id.desc(),
        ]
    rows = session.execute(
        stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0][1]
    elif page > 1:
        count_stmt, _ = _base_query(
            session, actor, parsed, filters, today, [Record.id], with_score=False
        )
        total = session.scalar(select(func.count()).select_from(count_stmt.subquery()))
    else:
        total = 0
    ids = [r[0] for r in rows]
    scores = {r[0]: float(r[2] or 0) for r in rows}
    records = {
        r.id: r for r in session.scalars(select(Record).where(Record.id.in_(ids)))
    }
    texts = file_texts(
        session, (f.stored_file_id for r in records.values() for f in r.files)
    )
    hits = [
        SearchHit(
            record=records[i],
            score=scores[i],
            title_html=highlight(records[i].title, parsed.highlights),
            snippet_html=make_snippet(_snippet_sources(records[i], texts), parsed),
        )
        for i in ids
        if i in records
    ]
    facets = (
        _facets(session, actor, parsed, filters, today) if with_facets and total else {}
    )
    return SearchResult(
        query=query,
        parsed=parsed,
        filters=filters,
        sort=sort,
        page=page,
        per_page=per_page,
        total=int(total or 0),
        hits=hits,
        facets=facets,
        notice=notice,
    )


_FACET_COLUMNS = {
    "type": Record.type,
    "unit": Record.unit,
    "discipline": Record.discipline,
    "year": Record.year,
    "retention": Record.retention_class,
    "outcome": Record.outcome,
    "access": Record.access_level,
}


def _facets(
    session: Session,
    actor: User | None,
    parsed: ParsedQuery,
    filters: SearchFilters,
    today: date | None,
    limit: int = 12,
) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the visible hits, in one statement."""
    cols = [c.label(name) for name, c in _FACET_COLUMNS.items()]
    stmt, _score = _base_query(
        session, actor, parsed, filters, today, [Record.id, *cols], with_score=False
    )
    hits = stmt.cte("hits").prefix_with("MATERIALIZED")
    grouped = []
    for name in _FACET_COLUMNS:
        col = hits.c[name]
        grouped.append(
            (
                name,
                select(
                    literal(name).label("facet"),
                    cast(col, String).label("value"),
                    func.count().label("n"),
                )
                .where(col.is_not(None))
                .group_by(col),
            )
        )
    # Driven from the hits through the record_id index (joined the other way round,
    # SQLite walks every name of record_people to save a sort).
    person = (RecordPerson.name + "").label("value")  # `+ ""`: not the name index
    grouped.append(
        (
            "person",
            select(
                literal("person").label("facet"),
                person,
                func.count(func.distinct(RecordPerson.record_id)).label("n"),
            )
            .where(RecordPerson.record_id.in_(select(hits.c.id)))
            .group_by(person),
        )
    )
    # Only the top values of each facet leave the database (people, units and years
    # can have thousands of values over a broad query).
    parts = []
    for name, part in grouped:
        sub = part.subquery()
        top = (
            select(sub.c.facet, sub.c.value, sub.c.n)
            .order_by(sub.c.n.desc(), sub.c.value)
            .limit(40 if name == "year" else limit)
        )
        parts.append(top.subquery().select())
    out: dict[str, list[FacetValue]] = {name: [] for name in FACET_FIELDS}
    for facet, value, n in session.execute(union_all(*parts)):
        out[facet].append(FacetValue(str(value), facet_label(facet, str(value)), n))
    for name, values in out.items():
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.value))
        out[name] = values[:limit]
    return out


def facet_label(facet: str, value: str) -> str:
    """The Chinese label of a facet value (the value itself for free text)."""
    from archive.records.services import OUTCOME_LABELS

    try:
        if facet == "type":
            return RECORD_TYPE_LABELS[RecordType(value)]
        if facet == "retention":
            return RETENTION_LABELS[RetentionClass(value)]
        if facet == "access":
            return ACCESS_LABELS[AccessLevel(value)]
    except ValueError:
        return value
    if facet == "outcome":
        return OUTCOME_LABELS.get(value, value)
    return value


# ---------------------------------------------------------------------------------------
# Snippets


def _snippet_sources(record: Record, texts: dict[int, str]) -> list[str]:
    """Where a snippet may come from, best first."""
    sources = [record.description or ""]
    sources.append("；".join(record.keywords))
    sources.append(
        "；".join(f"{p.name}（{p.role}）" if p.role else p.name for p in record.people)
    )
    for f in record.files:
        sources.append(texts.get(f.stored_file_id, ""))
    return [s for s in sources if s]


def _normalized_with_map(value: str) -> tuple[str, list[int]]:
    """The normalised text, and for each of its characters the original's index."""
    whole = unicodedata.normalize("NFKC", value).lower()
    if len(whole) == len(value):
        # Nearly always (full-width forms, case): one character for one character.
        return whole, list(range(len(value)))
    out: list[str] = []
    back: list[int] = []
    for i, ch in enumerate(value):
        n = unicodedata.normalize("NFKC", ch).lower()
        out.append(n)
        back.extend([i] * len(n))
    return "".join(out), back


def _spans(value: str, needles: Sequence[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans (in `value`'s own offsets) of the needles, longest first."""
    norm, back = _normalized_with_map(value)
    taken = [False] * len(norm)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        start = norm.find(needle)
        while start >= 0:
            end = start + len(needle)
            if not any(taken[start:end]):
                for k in range(start, end):
                    taken[k] = True
                spans.append((back[start], back[end - 1] + 1))
            start = norm.find(needle, end)
    return sorted(spans)


def highlight(value: str, needles: Sequence[str]) -> str:
    """`value` as escaped HTML with the needles wrapped in <mark>."""
    merged: list[tuple[int, int]] = []
    for start, end in _spans(value, needles):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out: list[str] = []
    pos = 0
    for start, end in merged:
        if start < pos:
            continue
        out.append(html.escape(value[pos:start]))
        out.append(f"<mark>{html.escape(value[start:end])}</mark>")
        pos = end
    out.append(html.escape(value[pos:]))
    return "".join(out)


def make_snippet(sources: Sequence[str], parsed: ParsedQuery, width: int = 140) -> str:
    """A window of about `width` characters around the densest hits, highlighted."""
    needles = parsed.highlights
    best: tuple[int, str, int] | None = None
    for source in sources:
        if not needles:
            break
        spans = _spans(source[:SNIPPET_SCAN_CHARS], needles)
        if not spans:
            continue
        # The window starting a little before the span that has most spans after it.
        for i, (start, _end) in enumerate(spans[:200]):
            covered = sum(1 for s, _e in spans[i:] if s < start + width)
            if best is None or covered > best[0]:
                best = (covered, source, start)
    if best is None:
        source = sources[0] if sources else ""
        clip = source[:width]
        return html.escape(clip) + ("…" if len(source) > width else "")
    _n, source, start = best
    begin = max(0, start - width // 4)
    end = min(len(source), begin + width)
    clip = source[begin:end].replace("\n", " ")
    return (
        ("…" if begin > 0 else "")
        + highlight(clip, needles)
        + ("…" if end < len(source) else "")
    )


__all__ = [
    "FACET_FIELDS",
    "ParsedQuery",
    "QueryWord",
    "SearchFilters",
    "SearchHit",
    "SearchResult",
    "ensure_search_schema",
    "drop_search_schema",
    "include_object",
    "index_record",
    "parse_query",
    "reindex_all",
    "search",
    "segment",
]
