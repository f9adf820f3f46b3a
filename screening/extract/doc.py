"""Old binary Word (.doc): converted to DOCX by LibreOffice when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from screening.document import ExtractedDocument
from screening.errors import UnreadableDocument, UnsupportedDocument
from screening.extract.docx import extract_docx
from screening.extract.limits import SOFFICE_TIMEOUT_SECONDS

MEDIA_DOC = "application/msword"


def extract_doc(
    data: bytes, file_name: str, *, max_expanded_bytes: int
) -> ExtractedDocument:
    """Old binary .doc: convert to DOCX with LibreOffice when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnsupportedDocument(
            "不支持旧版 Word（.doc）文件；请另存为 DOCX 或 PDF 后再提交 "
            "(old .doc files are not supported here: save as DOCX or PDF)",
            file_name=file_name,
        )
    with tempfile.TemporaryDirectory(prefix="chengxin-doc-") as tmp:
        work = Path(tmp)
        source = work / "input.doc"
        source.write_bytes(data)
        _convert(soffice, source, work, file_name)
        converted = work / "out" / "input.docx"
        if not converted.exists():
            raise UnsupportedDocument(
                "无法识别的 Office 文件；请另存为 DOCX 或 PDF 后再提交 "
                "(an OLE file LibreOffice could not turn into DOCX)",
                file_name=file_name,
            )
        return extract_docx(
            converted.read_bytes(),
            file_name,
            max_expanded_bytes=max_expanded_bytes,
            media_type=MEDIA_DOC,
        )


def _convert(soffice: str, source: Path, work: Path, file_name: str) -> None:
    """Run LibreOffice headless, with a private profile, to write `work/out/input.docx`."""
    profile = work / "profile"
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "docx",
        "--outdir",
        str(work / "out"),
        str(source),
    ]
    try:
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            timeout=SOFFICE_TIMEOUT_SECONDS,
            env={**os.environ, "HOME": str(work)},
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableDocument(
            f"转换 .doc 文件超时（{SOFFICE_TIMEOUT_SECONDS} 秒） "
            "(timed out converting .doc with LibreOffice)",
            file_name=file_name,
        ) from exc
    except (subprocess.CalledProcessError, OSError) as exc:
        raise UnreadableDocument(
            f"无法转换 .doc 文件 (LibreOffice could not convert the .doc: {exc})",
            file_name=file_name,
        ) from exc
