"""Provincial export (报送) in the 双公示 administrative-penalty layout (§A6), incremental.

Every record event has an increasing id (the change sequence). An export covers the
events after the last completed export up to the newest one, and writes the current
state of each record they touch that goes to the province — once per record, so a
record created and repaired between two exports is sent once, as repaired.

Resumable: the file is written under a temporary name and renamed when complete, and
the log row (with the new watermark) is added only after that, in the caller's
transaction. An export interrupted half-way leaves no log row, so the next run covers
the same range again under the same export number and file name: nothing is sent
twice and nothing is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive.kernel import audit, clock
from archive.kernel.accounts import Permission, User, require
from archive.kernel.db import settings_of, utcnow
from archive.kernel.errors import Conflict, InvalidInput
from archive.kernel.people import PersonKind, mask_in_text
from casework.catalogue import CREDIT_CLASS_LABELS
from casework.credit.files import record_state
from casework.credit.models import (
    CreditExport,
    CreditRecord,
    CreditRecordEvent,
    RecordKind,
)
from casework.credit.sanction_list import validity_text

SCHEMA_PATH = Path(__file__).with_name("shuanggongshi.schema.json")
FORMATS = ("csv", "json")
_PG_LOCK_KEY = 74230505

# (key, 中文字段名) in the order of the 双公示 行政处罚 layout.
FIELDS: tuple[tuple[str, str], ...] = (
    ("CF_XDR_MC", "行政相对人名称"),
    ("CF_XDR_LB", "行政相对人类别"),
    ("CF_XDR_SHDM", "统一社会信用代码"),
    ("CF_XDR_ZJLX", "证件类型"),
    ("CF_XDR_ZJHM", "证件号码"),
    ("CF_WSH", "处罚决定书文号"),
    ("CF_WFXW", "违法行为类型"),
    ("CF_SY", "违法事实"),
    ("CF_YJ", "处罚依据"),
    ("CF_CFLB", "处罚类别"),
    ("CF_NR", "处罚内容"),
    ("CF_JDRQ", "处罚决定日期"),
    ("CF_YXQ", "处罚有效期"),
    ("CF_GSJZQ", "公示截止期"),
    ("CF_CFJG", "处罚机关"),
    ("CF_SJLY", "数据来源单位"),
    ("BZ", "备注"),
    ("ZT", "状态"),
    ("BDBH", "本地编号"),
    ("BGXH", "变更序号"),
)
STATUS_TEXT = {
    "repaired": "已修复",
    "expired": "已到期",
    "corrected": "已撤销（已更正）",
}


def export_row(
    record: CreditRecord, *, seq: int, on: date, source_unit: str
) -> dict[str, str]:
    """One record in the 双公示 layout, as of `on`.

    A natural person's ID number is exported whole: it is a required field of the
    provincial layout (the province masks it on publication); units carry their code. The
    free-text fields are published as they stand, so the subject is masked inside them.
    """
    person = record.person
    is_unit = person.kind is PersonKind.UNIT
    state = record_state(record, on)
    status = STATUS_TEXT.get(state.code, "有效")
    notes = []
    if state.is_repaired:
        repaired = next(e for e in record.events if e.kind.value == "repaired")
        notes.append(f"{repaired.effective_on.isoformat()} 信用修复，停止公示")
    if record.corrects_id:
        notes.append(f"更正本地编号 {record.corrects_id} 的记录")
    if record.case_number:
        notes.append(f"案件编号 {record.case_number}")
    return {
        "CF_XDR_MC": person.name,
        "CF_XDR_LB": "法人及非法人组织" if is_unit else "自然人",
        "CF_XDR_SHDM": (person.credit_code or "") if is_unit else "",
        "CF_XDR_ZJLX": "" if is_unit or not person.id_number else "身份证",
        "CF_XDR_ZJHM": "" if is_unit else (person.id_number or ""),
        "CF_WSH": record.decision_number or "",
        "CF_WFXW": mask_in_text(record.misconduct_type, person),
        "CF_SY": mask_in_text(record.reason, person),
        "CF_YJ": mask_in_text(record.basis, person),
        "CF_CFLB": (CREDIT_CLASS_LABELS[record.credit_class] + "失信")
        if record.credit_class
        else "",
        "CF_NR": mask_in_text(f"{record.sanction_code or ''} {record.title}".strip(), person),
        "CF_JDRQ": record.decided_on.isoformat(),
        "CF_YXQ": validity_text(record),
        "CF_GSJZQ": record.disclosure_until.isoformat()
        if record.disclosure_until
        else "",
        "CF_CFJG": record.deciding_unit or "",
        "CF_SJLY": source_unit,
        "BZ": mask_in_text("；".join(notes), person),
        "ZT": status,
        "BDBH": str(record.id),
        "BGXH": str(seq),
    }


def last_export(session: Session) -> CreditExport | None:
    """The newest completed export."""
    return session.scalars(
        select(CreditExport).order_by(CreditExport.number.desc())
    ).first()


def pending_changes(
    session: Session, after_seq: int, up_to: int
) -> list[tuple[int, CreditRecord]]:
    """Records going to the province touched by events in (after_seq, up_to], with their
    newest sequence number, in sequence order."""
    rows = session.execute(
        select(CreditRecordEvent.record_id, func.max(CreditRecordEvent.id))
        .join(CreditRecord, CreditRecord.id == CreditRecordEvent.record_id)
        .where(
            CreditRecordEvent.id > after_seq,
            CreditRecordEvent.id <= up_to,
            CreditRecord.report_to_province.is_(True),
            CreditRecord.kind == RecordKind.DISHONESTY,
        )
        .group_by(CreditRecordEvent.record_id)
    ).all()
    out = []
    for record_id, seq in sorted(rows, key=lambda r: r[1]):
        record = session.get(CreditRecord, record_id)
        assert record is not None
        out.append((seq, record))
    return out


def _write_csv(rows: Iterator[dict[str, str]], fh: Any) -> int:
    writer = csv.writer(fh)
    writer.writerow([zh for _k, zh in FIELDS])
    writer.writerow([k for k, _zh in FIELDS])
    n = 0
    for row in rows:
        writer.writerow([row[k] for k, _zh in FIELDS])
        n += 1
    return n


def _write_json(rows: Iterator[dict[str, str]], fh: Any, header: dict[str, Any]) -> int:
    fh.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "records": [\n')
    n = 0
    for row in rows:
        fh.write((",\n" if n else "") + json.dumps(row, ensure_ascii=False))
        n += 1
    fh.write("\n]}\n")
    return n


def _rows(
    changes: list[tuple[int, CreditRecord]], on: date, source_unit: str
) -> Iterator[dict[str, str]]:
    for seq, record in changes:
        yield export_row(record, seq=seq, on=on, source_unit=source_unit)


def export_changes(
    session: Session,
    *,
    actor: Any,
    fmt: str,
    out_dir: Path,
    source_unit: str = "",
) -> CreditExport | None:
    """Write the changes since the last export to `out_dir`; None when nothing changed.

    `actor` is a user with the export permission, or a system name (the CLI, a job).
    """
    if isinstance(actor, User):
        require(actor, Permission.CREDIT_EXPORT)
    if fmt not in FORMATS:
        raise InvalidInput(f"不支持的导出格式：{fmt}（csv 或 json）", format=fmt)
    started = utcnow()
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # One export at a time: a second waits and then starts after the first's range.
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
    previous = last_export(session)
    from_seq = previous.to_seq if previous else 0
    number = (previous.number if previous else 0) + 1
    to_seq = session.scalar(select(func.max(CreditRecordEvent.id))) or 0
    changes = pending_changes(session, from_seq, to_seq)
    if not changes:
        return None
    on = clock.today()
    if not source_unit:
        source_unit = (
            getattr(settings_of(session), "case_university_name", "") or "本校"
        )
    name = f"shuanggongshi-{number:06d}.{fmt}"
    header = {
        "schema": "shuanggongshi.schema.json",
        "export_number": number,
        "from_seq": from_seq,
        "to_seq": to_seq,
        "generated_on": on.isoformat(),
    }
    rows = _rows(changes, on, source_unit)
    count, digest = _write_file(out_dir / name, fmt, rows, header)
    row = CreditExport(
        number=number,
        format=fmt,
        from_seq=from_seq,
        to_seq=to_seq,
        row_count=count,
        file_name=name,
        sha256=digest,
        started_at=started,
        actor=getattr(actor, "username", str(actor))[:160],
    )
    _log_export(session, row)
    return row


def _write_file(
    final: Path, fmt: str, rows: Iterator[dict[str, str]], header: dict[str, Any]
) -> tuple[int, str]:
    """Write the file under a temporary name, then rename it; (row count, SHA-256)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + ".part")
    # CSV carries a BOM so that spreadsheet programs on Chinese Windows read it as UTF-8.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with partial.open("w", encoding=encoding, newline="") as fh:
        count = _write_csv(rows, fh) if fmt == "csv" else _write_json(rows, fh, header)
        fh.flush()
        os.fsync(fh.fileno())
    digest = hashlib.sha256(partial.read_bytes()).hexdigest()
    os.replace(partial, final)
    (final.parent / SCHEMA_PATH.name).write_bytes(SCHEMA_PATH.read_bytes())
    return count, digest


def _log_export(session: Session, row: CreditExport) -> None:
    """Add the log row (the new watermark) and its audit entry."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        # Another export took this number first; its file is the one that counts.
        raise Conflict(
            "另一个报送任务刚刚完成同一批次，请刷新后重试 (concurrent export)",
            number=row.number,
        ) from exc
    audit.record_event(
        session,
        action="credit_export",
        entity_type="credit_exports",
        entity_id=row.id,
        detail={
            "file": row.file_name,
            "rows": row.row_count,
            "from_seq": row.from_seq,
            "to_seq": row.to_seq,
        },
    )


def record_failed_export(
    session: Session, *, fmt: str, out_dir: Path, error: Exception
) -> None:
    """Log an export that failed (it left no watermark, so the next run redoes it)."""
    audit.record_event(
        session,
        action="credit_export_failed",
        entity_type="credit_exports",
        entity_id="-",
        detail={"format": fmt, "out": str(out_dir), "error": str(error)[:500]},
    )


def list_exports(session: Session, *, actor: User) -> list[CreditExport]:
    """The export log, newest first."""
    require(actor, Permission.CREDIT_EXPORT)
    return list(
        session.scalars(select(CreditExport).order_by(CreditExport.number.desc()))
    )


def export_file(
    session: Session, *, actor: User, number: int, out_dir: Path, schema: bool = False
) -> Path | None:
    """The file of export `number` in `out_dir` (or the schema beside it); None when
    there is no such export or file. The download is audited."""
    require(actor, Permission.CREDIT_EXPORT)
    row = session.scalars(
        select(CreditExport).where(CreditExport.number == number)
    ).first()
    if row is None:
        return None
    path = out_dir / (SCHEMA_PATH.name if schema else row.file_name)
    if not path.exists():
        return None
    audit.record_event(
        session,
        action="credit_export_download",
        entity_type="credit_exports",
        entity_id=row.id,
    )
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    """The records of an export file (CSV or JSON), for tests and re-checks."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".json":
        return list(json.loads(text)["records"])
    reader = csv.reader(io.StringIO(text))
    next(reader)
    keys = next(reader)
    return [dict(zip(keys, row, strict=True)) for row in reader]
