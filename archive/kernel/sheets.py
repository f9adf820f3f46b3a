"""Spreadsheets as universities' systems export them: CSV (UTF-8, GB18030 or UTF-16, comma
or tab separated) and XLSX, read into rows of cells. Imports of records and of the people
register share this; each names its own columns."""

from __future__ import annotations

import csv
import io
from typing import Any

from archive.kernel.errors import InvalidInput


class SheetUnreadable(InvalidInput):
    """A file that is neither readable CSV nor XLSX."""


def is_xlsx(data: bytes, filename: str) -> bool:
    """XLSX by name or by its zip signature (exports are often misnamed)."""
    return filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def read_rows(data: bytes, filename: str) -> list[list[Any]]:
    """Every row of the first sheet (or of the CSV) as a list of cells."""
    if is_xlsx(data, filename):
        return xlsx_rows(data, filename)
    return csv_rows(data, filename)


def decode_text(data: bytes, filename: str) -> str:
    """The CSV's text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetUnreadable(f"无法识别 CSV 编码：{filename} (use UTF-8 or GB18030)")


def csv_rows(data: bytes, filename: str) -> list[list[Any]]:
    """Rows of a CSV or tab-separated export."""
    content = decode_text(data, filename)
    dialect: Any = (
        csv.excel_tab if content.count("\t") > content.count(",") else csv.excel
    )
    return [row for row in csv.reader(io.StringIO(content), dialect)]


def xlsx_rows(data: bytes, filename: str) -> list[list[Any]]:
    """Rows of the first worksheet of an XLSX file (values, not formulas)."""
    # openpyxl is heavy to import and only imports use XLSX: loaded when needed.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise SheetUnreadable(
            f"无法读取 Excel 文件：{filename} (unreadable XLSX: {exc})"
        ) from exc
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return rows
