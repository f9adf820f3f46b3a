"""A batch's results as a table: rows for any format, and the Excel workbook (audited).

The web page, the API and the command line share these, so that every export of a batch
has the same columns and leaves the same audit entry.
"""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy.orm import Session

from archive.kernel import audit
from archive.kernel.accounts import User
from archive.submissions.models import STATE_LABELS, Batch
from archive.submissions.services import batch_submissions, get_batch
from screening.report import percent

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "检测结果"
COLUMNS = (
    "文件名",
    "学号",
    "作者",
    "专业",
    "题名",
    "字数",
    "状态",
    "失败原因",
    "总文字复制比",
    "去除引用文献复制比",
    "去除本人文献复制比",
    "单篇最大文字复制比",
    "报告编号",
    "学院",
)
# The ratio columns: numbers in a workbook (percent format), percentages in text.
RATIO_COLUMNS = frozenset(range(8, 12))
PERCENT_FORMAT = "0.0%"


def ratio_text(ratio: float | None) -> str:
    """A ratio as the tables print it: a percentage, or a dash when there is none."""
    return percent(ratio) if ratio is not None else "—"


def batch_rows(batch: Batch) -> list[list[Any]]:
    """One row per file (the `COLUMNS`), sorted by similarity, ratios as text."""
    return [
        [ratio_text(v) if i in RATIO_COLUMNS else v for i, v in enumerate(row)]
        for row in batch_values(batch)
    ]


def batch_values(batch: Batch) -> list[list[Any]]:
    """One row per file (the `COLUMNS`), sorted by similarity, ratios as fractions of 1
    (None when there is none)."""
    return [
        [
            sub.file_name,
            sub.university_id or "",
            sub.author,
            sub.major,
            sub.title,
            sub.char_count,
            STATE_LABELS[sub.state],
            sub.reason_message or "",
            sub.copy_ratio,
            sub.copy_ratio_without_quotes,
            sub.copy_ratio_without_own,
            sub.max_source_ratio,
            sub.report_number or "",
            sub.unit,
        ]
        for sub in batch_submissions(batch)
    ]


def batch_xlsx(session: Session, *, batch_id: int, actor: User) -> tuple[str, bytes]:
    """The batch table as an Excel workbook: (file name, bytes); the export is audited."""
    # openpyxl costs ~0.2 s to import: only an export pays it, not every start-up.
    from openpyxl import Workbook

    batch = get_batch(session, batch_id, actor=actor)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    for row in batch_values(batch):
        sheet.append(
            [
                ("—" if value is None else value)
                if i in RATIO_COLUMNS
                else _cell(value)
                for i, value in enumerate(row)
            ]
        )
        for i in RATIO_COLUMNS:
            cell = sheet.cell(row=sheet.max_row, column=i + 1)
            if isinstance(cell.value, float | int):
                cell.number_format = PERCENT_FORMAT
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record_event(
        session,
        action="export_batch",
        entity_type="screening_batches",
        entity_id=batch.id,
        detail={"format": "xlsx", "rows": len(batch.submissions)},
    )
    return f"batch-{batch.id}.xlsx", buffer.getvalue()


def _cell(value: Any) -> Any:
    """A spreadsheet value that cannot run as a formula (file names come from uploaders)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
