"""Bulk import of research records from a CSV or XLSX sheet and a folder of files.

One row per record. Headers may be Chinese or English (see `COLUMNS`). Files named in the
文件 column are looked up in the files folder (sub-folders allowed, never outside it).

Every row is checked first and problems are named by row ("第 5 行：…"). The user chooses:
all-or-nothing (the default: any bad row and nothing is imported) or skip-bad (good rows
are imported, bad rows reported). A record already in the archive, or twice in the sheet,
is recognised by file hash and by metadata (type, title, year, first person) and skipped
with the existing record named; duplicates are not errors.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from archive.kernel.accounts import Permission, Role, User, require
from archive.kernel.files import FileTooLarge, hash_on_disk, store_stream
from archive.kernel.sheets import SheetUnreadable, read_rows
from archive.records.duplicates import find_duplicate, metadata_fingerprint
from archive.records.errors import DuplicateRecord, ImportFileError, InvalidRecord
from archive.records.models import (
    DISCIPLINES,
    RECORD_TYPE_LABELS,
    AccessLevel,
    FileRole,
    PersonRef,
    RecordType,
)
from archive.records.services import RecordInput, create_record, find_record_by_number
from archive.search.indexing import index_record

COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("类型", "档案类型", "type"),
    "title": ("题名", "标题", "名称", "title"),
    "people": ("人员", "责任者", "作者", "people", "authors"),
    "unit": ("单位", "所属单位", "unit"),
    "discipline": ("学科", "discipline"),
    "date_start": ("开始日期", "日期", "date_start", "date"),
    "date_end": ("结束日期", "date_end"),
    "year": ("年度", "年份", "year"),
    "keywords": ("关键词", "keywords"),
    "description": ("摘要", "说明", "描述", "description", "abstract"),
    "files": ("文件", "files"),
    "access": ("访问", "访问条件", "access"),
    "access_roles": ("访问角色", "access_roles"),
    "sealed_until": ("封存至", "sealed_until"),
    "access_reason": ("限制理由", "access_reason"),
}
_ALIASES = {alias.lower(): key for key, names in COLUMNS.items() for alias in names}
_TYPE_BY_LABEL = {label: t for t, label in RECORD_TYPE_LABELS.items()}
_ACCESS_BY_LABEL = {
    "校内公开": "open",
    "公开": "open",
    "限定角色": "roles",
    "封存": "sealed",
}
_ROLE_BY_LABEL = {
    "科研处": Role.RESEARCH_OFFICE,
    "纪委": Role.DISCIPLINE_OFFICE,
    "调查人员": Role.INVESTIGATOR,
    "学术委员会委员": Role.COMMITTEE_MEMBER,
    "审计员": Role.AUDITOR,
}
_PERSON = re.compile(
    r"^\s*([^()（）:：]+?)\s*(?:[(（]([^()（）]*)[)）]|[:：]\s*(.+))?\s*$"
)
_LIST_SPLIT = re.compile(r"[;；\n]+")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowProblem:
    """A malformed row: its number as the user sees it (header = row 1) and why."""

    row: int
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}"


@dataclass(frozen=True)
class RowDuplicate:
    """A row skipped because the record is already archived (or earlier in the sheet)."""

    row: int
    existing: str
    reason: str  # "metadata" or "file"


@dataclass
class ImportReport:
    """The outcome of one import."""

    skip_bad: bool
    created: list[str] = field(default_factory=list)
    duplicates: list[RowDuplicate] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    rows: int = 0

    @property
    def is_imported(self) -> bool:
        """True when the good rows went in (always in skip-bad mode)."""
        return self.skip_bad or not self.errors


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    record_type: RecordType | None = None
    people: list[PersonRef] = field(default_factory=list)
    date_start: date | None = None
    date_end: date | None = None
    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    access: dict[str, Any] = field(default_factory=dict)


def read_table(data: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV or XLSX sheet as (row number, {field: value}); header is row 1."""
    try:
        raw_rows = read_rows(data, filename)
    except SheetUnreadable as exc:
        raise ImportFileError(exc.message) from exc
    if not raw_rows:
        raise ImportFileError(f"表格为空：{filename} (empty sheet)")
    header = [str(h or "").strip().lower() for h in raw_rows[0]]
    keys = [_ALIASES.get(h) for h in header]
    if "title" not in keys:
        raise ImportFileError(
            f"表格缺少“题名”列：{filename} (no title column; header: {', '.join(header)})"
        )
    out = []
    for number, cells in enumerate(raw_rows[1:], start=2):
        if not any(str(c or "").strip() for c in cells):
            continue
        values = {k: cells[i] for i, k in enumerate(keys) if k and i < len(cells)}
        out.append((number, values))
        if len(out) > MAX_ROWS:
            raise ImportFileError(f"一次最多导入 {MAX_ROWS} 行 (too many rows)")
    return out


def parse_date(value: Any) -> date | None:
    """A date from a cell: date objects, 2024-03-01, 2024/3/1, 2024年3月1日, 2024-03, 2024."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(
        r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?", text
    )
    if not m:
        raise ValueError(f"日期格式无法识别：{text}（应为 YYYY-MM-DD）")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"日期不存在：{text}") from exc


def parse_people(value: Any) -> list[PersonRef]:
    """People from "张三（负责人）；李四：参与人；王五"."""
    out = []
    for item in _LIST_SPLIT.split(str(value or "")):
        if not item.strip():
            continue
        m = _PERSON.match(item)
        if not m:
            raise ValueError(f"人员格式无法识别：{item}")
        out.append(PersonRef(m[1].strip(), (m[2] or m[3] or "").strip()))
    return out


def _text(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _check_row(row: _Row, files_dir: Path | None) -> None:
    """Parse and validate one row, collecting every problem (not only the first)."""
    _check_fields(row)
    _check_dates(row)
    _check_files(row, files_dir)
    _check_access(row)


def _check_fields(row: _Row) -> None:
    """Title, type, discipline and people."""
    v = row.values
    if not _text(v, "title"):
        row.problems.append("题名为空")
    kind = _text(v, "type")
    if not kind:
        row.problems.append("类型为空")
    else:
        found = _TYPE_BY_LABEL.get(kind) or RecordType._value2member_map_.get(kind)
        if found is None or found == RecordType.CASE_FILE:
            row.problems.append(
                f"类型无效：{kind}（可选：{'、'.join(lb for t, lb in RECORD_TYPE_LABELS.items() if t != RecordType.CASE_FILE)}）"
            )
        else:
            row.record_type = RecordType(found.value)
    discipline = _text(v, "discipline")
    if discipline and discipline not in DISCIPLINES:
        row.problems.append(f"学科不在学科目录中：{discipline}")
    try:
        row.people = parse_people(v.get("people"))
    except ValueError as exc:
        row.problems.append(str(exc))


def _check_dates(row: _Row) -> None:
    """Start and end dates, or the year alone as the start."""
    v = row.values
    for key in ("date_start", "date_end"):
        try:
            setattr(row, key, parse_date(v.get(key)))
        except ValueError as exc:
            row.problems.append(str(exc))
    year = _text(v, "year")
    if year and row.date_start is None:
        if re.fullmatch(r"\d{4}", year):
            row.date_start = date(int(year), 1, 1)
        else:
            row.problems.append(f"年度无效：{year}")
    if row.date_start and row.date_end and row.date_end < row.date_start:
        row.problems.append("结束日期早于开始日期")


def _check_files(row: _Row, files_dir: Path | None) -> None:
    """The files named in the row, each inside `files_dir`."""
    for name in _LIST_SPLIT.split(_text(row.values, "files")):
        name = name.strip()
        if not name:
            continue
        if files_dir is None:
            row.problems.append(f"文件 {name}：未提供文件夹")
            continue
        root = files_dir.resolve()
        path = (files_dir / name).resolve()
        if not path.is_relative_to(root):
            row.problems.append(f"文件路径不允许：{name}")
            continue
        if not path.is_file():
            # Uploaded folders arrive flattened: fall back to the bare file name.
            path = (root / Path(name.replace("\\", "/")).name).resolve()
        if path.is_file() and path.is_relative_to(root):
            row.files.append(path)
        else:
            row.problems.append(f"文件不存在：{name}")


def _check_access(row: _Row) -> None:
    """The row's restriction: level, roles, seal date and reason."""
    v = row.values
    access = _text(v, "access")
    level = _ACCESS_BY_LABEL.get(access, access or "open")
    if level not in AccessLevel._value2member_map_:
        row.problems.append(f"访问条件无效：{access}")
        return
    roles = []
    for name in re.split(r"[;；,，、\s]+", _text(v, "access_roles")):
        if not name:
            continue
        role = _ROLE_BY_LABEL.get(name) or Role._value2member_map_.get(name)
        if role is None:
            row.problems.append(f"角色无效：{name}")
        else:
            roles.append(Role(role.value))
    try:
        sealed = parse_date(v.get("sealed_until"))
    except ValueError as exc:
        row.problems.append(str(exc))
        sealed = None
    reason = _text(v, "access_reason")
    if level == "sealed" and sealed is None:
        row.problems.append("封存须填写“封存至”日期")
    if level == "roles" and not roles:
        row.problems.append("限定角色须填写“访问角色”")
    if level != "open" and not reason:
        row.problems.append("限制访问须填写“限制理由”")
    row.access = {
        "access_level": level,
        "access_roles": roles,
        "sealed_until": sealed,
        "access_reason": reason,
    }


def import_records(
    session: Session,
    *,
    actor: User | None,
    data: bytes,
    filename: str,
    files_dir: Path | None = None,
    skip_bad: bool = False,
) -> ImportReport:
    """Import a sheet of records; see the module docstring for the two modes.

    Raises:
        ImportFileError: the sheet cannot be read at all.
    """
    if actor is not None:
        require(actor, Permission.ARCHIVE_MANAGE)
    report = ImportReport(skip_bad=skip_bad)
    table = read_table(data, filename)
    report.rows = len(table)
    rows = [_Row(number, values) for number, values in table]
    for row in rows:
        _check_row(row, files_dir)
        if row.problems:
            report.errors.append(RowProblem(row.number, "；".join(row.problems)))
    if report.errors and not skip_bad:
        return report
    seen_prints: dict[str, int] = {}
    seen_hashes: dict[str, int] = {}
    outer = session.begin_nested()
    try:
        for row in rows:
            if row.problems:
                continue
            _import_row(session, actor, row, report, seen_prints, seen_hashes)
        if report.errors and not skip_bad:
            outer.rollback()
            report.created.clear()
            return report
        outer.commit()
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise
    # Indexed once the rows are in (a row rolled back to its savepoint never is).
    for number in report.created:
        record = find_record_by_number(session, number)
        if record is not None:
            index_record(session, record)
    return report


def _import_row(
    session: Session,
    actor: User | None,
    row: _Row,
    report: ImportReport,
    seen_prints: dict[str, int],
    seen_hashes: dict[str, int],
) -> None:
    """Create one row's record (in its own savepoint), or note it as duplicate or bad."""
    assert row.record_type is not None
    title = _text(row.values, "title")
    when = row.date_end or row.date_start
    year = when.year if when is not None else None
    fingerprint = metadata_fingerprint(row.record_type, title, year, row.people)
    hashes = [hash_on_disk(p) for p in row.files]
    if fingerprint in seen_prints:
        report.duplicates.append(
            RowDuplicate(row.number, f"第 {seen_prints[fingerprint]} 行", "metadata")
        )
        return
    earlier = next((seen_hashes[h] for h in hashes if h in seen_hashes), None)
    if earlier is not None:
        report.duplicates.append(RowDuplicate(row.number, f"第 {earlier} 行", "file"))
        return
    found = find_duplicate(session, fingerprint=fingerprint, file_hashes=hashes)
    if found is not None:
        existing, why = found
        report.duplicates.append(RowDuplicate(row.number, existing.number, why))
        return
    savepoint = session.begin_nested()
    try:
        stored = []
        for path in row.files:
            media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            with path.open("rb") as fh:
                stored.append(
                    (
                        store_stream(session, fh, filename=path.name, media_type=media),
                        FileRole.MAIN if len(row.files) == 1 else FileRole.ATTACHMENT,
                    )
                )
        data = RecordInput(
            record_type=row.record_type,
            title=title,
            description=_text(row.values, "description"),
            unit=_text(row.values, "unit") or None,
            discipline=_text(row.values, "discipline") or None,
            date_start=row.date_start,
            date_end=row.date_end,
            keywords=_text(row.values, "keywords"),
            people=row.people,
            files=stored,
            source="import",
            **row.access,
        )
        record = create_record(
            session, actor=actor, data=data, check_duplicates=False, index=False
        )
        savepoint.commit()
    except (InvalidRecord, DuplicateRecord, FileTooLarge) as exc:
        savepoint.rollback()
        report.errors.append(RowProblem(row.number, exc.message))
        return
    report.created.append(record.number)
    for h in hashes:
        seen_hashes[h] = row.number
    seen_prints[fingerprint] = row.number
