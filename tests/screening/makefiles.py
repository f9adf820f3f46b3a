"""Make real test files (PDF, DOCX, DOC, TXT) with the tools users' files come from.

Helpers only: no tests here. Each returns the path it wrote. LibreOffice runs with its own
profile directory so parallel runs and the developer's own LibreOffice do not collide.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

WQY_ZENHEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def write_docx(
    path: Path,
    blocks: Sequence[tuple[str, str]],
    *,
    header: str = "",
    page_numbers: bool = False,
) -> Path:
    """Write a DOCX with python-docx; blocks are (kind, text), kind "h1", "h2", "p"
    (first-line indent), "plain", "toc" (tab to a dotted right tab stop) or "pagebreak";
    optionally a running header and a PAGE field centred in the footer."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    for kind, text in blocks:
        if kind == "h1":
            document.add_heading(text, level=1)
        elif kind == "h2":
            document.add_heading(text, level=2)
        elif kind == "pagebreak":
            document.add_page_break()
        elif kind == "toc":
            # A table-of-contents line: title, then a right tab with a dot leader.
            paragraph = document.add_paragraph(text)
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                Cm(15), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
        elif kind == "plain":
            document.add_paragraph(text)
        else:
            paragraph = document.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(24)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if page_numbers:
        footer = document.sections[0].footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text_element = OxmlElement("w:t")
        text_element.text = "1"
        run.append(text_element)
        field.append(run)
        footer._p.append(field)
    document.save(str(path))
    return path


def soffice_convert(source: Path, fmt: str, outdir: Path) -> Path:
    """Convert a file with headless LibreOffice (own profile dir); return the new file."""
    assert SOFFICE, "LibreOffice (soffice) is not on PATH"
    profile = outdir / ".lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = outdir / (source.stem + "." + fmt.split(":")[0])
    assert result.exists(), f"LibreOffice did not write {result}"
    return result


def _reportlab_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", WQY_ZENHEI, subfontIndex=0))
    return "WQY"


def write_reportlab_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    *,
    header: str = "",
    page_numbers: bool = False,
    encrypt: str | None = None,
    font_size: float = 12,
    chars_per_line: int = 36,
) -> Path:
    """Write a PDF with ReportLab: each page a list of paragraphs, wrapped by hand."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _reportlab_font()
    kwargs = {}
    if encrypt is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(
            encrypt, ownerPassword="owner-" + encrypt
        )
    pdf = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    width, height = A4
    left = 72
    leading = font_size * 1.6
    for number, paragraphs in enumerate(pages, start=1):
        pdf.setFont(font, 9)
        if header:
            pdf.drawCentredString(width / 2, height - 40, header)
        if page_numbers:
            pdf.drawCentredString(width / 2, 30, str(number))
        pdf.setFont(font, font_size)
        y = height - 90
        for paragraph in paragraphs:
            first = True
            rest = paragraph
            while rest:
                room = chars_per_line - (2 if first else 0)
                chunk, rest = rest[:room], rest[room:]
                x = left + (2 * font_size if first else 0)
                pdf.drawString(x, y, chunk)
                y -= leading
                first = False
        pdf.showPage()
    pdf.save()
    return path


def write_platypus_pdf(path: Path, paragraphs: Sequence[str]) -> Path:
    """Write justified, word-wrapped paragraphs with ReportLab's platypus (Times-Roman)."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = ParagraphStyle(
        "body",
        fontName="Times-Roman",
        fontSize=11,
        leading=15,
        alignment=TA_JUSTIFY,
        firstLineIndent=22,
    )
    SimpleDocTemplate(str(path), pagesize=A4).build(
        [Paragraph(p, style) for p in paragraphs]
    )
    return path


def write_image_pdf(path: Path) -> Path:
    """Write a PDF whose only page is a picture (like a scanned thesis)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    for y in range(20, 280, 20):
        draw.line((20, y, 380, y), fill="black", width=3)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(image), 72, 400, width=400, height=300)
    pdf.showPage()
    pdf.save()
    return path


def write_weasyprint_pdf(path: Path, html: str) -> Path:
    """Render HTML to PDF with WeasyPrint (Noto/WenQuanYi fonts from the system)."""
    import weasyprint

    weasyprint.HTML(string=html).write_pdf(str(path))
    return path


def write_cid_pdf(path: Path, glyphs: int = 40) -> Path:
    """Write, by hand, a PDF whose Type0/Identity-H font has no ToUnicode map.

    pdfminer then yields "(cid:N)" and pdfium flags a Unicode map error: the text cannot
    be recovered, which is what many CNKI-exported and Word-to-PDF printer files look like.
    """
    codes = "".join(f"{0x0100 + i:04X}" for i in range(glyphs))
    content = f"BT /F1 12 Tf 72 700 Td <{codes}> Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length "
        + str(len(content)).encode()
        + b" >>\nstream\n"
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun "
        b"/Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 7 0 R /DW 1000 /CIDToGIDMap /Identity >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 4 "
        b"/FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 "
        b"/CapHeight 683 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    path.write_bytes(bytes(out))
    return path


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def write_raw_docx(
    path: Path,
    body_xml: str,
    *,
    footnotes: Sequence[str] = (),
    endnotes: Sequence[str] = (),
    numbering_xml: str = "",
    styles_xml: str = "",
) -> Path:
    """Write a minimal DOCX by hand, with footnotes and endnotes python-docx cannot add."""
    parts = [
        ("numbering", "numbering.xml", numbering_xml),
        ("styles", "styles.xml", styles_xml),
        ("footnotes", "footnotes.xml", footnotes),
        ("endnotes", "endnotes.xml", endnotes),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types_xml())
        archive.writestr(
            "_rels/.rels",
            f'{_XML}<Relationships xmlns="{_RELS_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_TYPE}officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/_rels/document.xml.rels",
            f'{_XML}<Relationships xmlns="{_RELS_NS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL_TYPE}{kind}" Target="{target}"/>'
                for n, (kind, target, present) in enumerate(parts, start=1)
                if present
            )
            + "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            f"{_XML}<w:document {_W_NS}><w:body>{body_xml}</w:body></w:document>",
        )
        if numbering_xml:
            archive.writestr(
                "word/numbering.xml",
                f"{_XML}<w:numbering {_W_NS}>{numbering_xml}</w:numbering>",
            )
        if styles_xml:
            archive.writestr(
                "word/styles.xml", f"{_XML}<w:styles {_W_NS}>{styles_xml}</w:styles>"
            )
        if footnotes:
            archive.writestr("word/footnotes.xml", _notes_xml("footnote", footnotes))
        if endnotes:
            archive.writestr("word/endnotes.xml", _notes_xml("endnote", endnotes))
    return path


def _content_types_xml() -> str:
    """[Content_Types].xml naming every part `write_raw_docx` may write."""
    return (
        f"{_XML}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        + "".join(
            f'<Override PartName="/word/{part}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.wordprocessingml.{part}+xml"/>'
            for part in ("numbering", "styles", "footnotes", "endnotes")
        )
        + "</Types>"
    )


def _notes_xml(kind: str, texts: Sequence[str]) -> str:
    """footnotes.xml or endnotes.xml: Word's separator note, then one note per text."""
    items = [
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
        f"</w:p></w:{kind}>"
    ]
    for i, text in enumerate(texts, start=1):
        items.append(
            f'<w:{kind} w:id="{i}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>'
        )
    return f"{_XML}<w:{kind}s {_W_NS}>" + "".join(items) + f"</w:{kind}s>"


def w_paragraph(text: str) -> str:
    """One WordprocessingML paragraph holding `text` in a single run."""
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def write_zip_bomb(path: Path, expanded_bytes: int = 300 * 1024 * 1024) -> Path:
    """Write a ZIP named like a DOCX whose document.xml expands to `expanded_bytes`."""
    chunk = b"<w:t>" + b"A" * (1024 * 1024 - 5)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(expanded_bytes // len(chunk)):
                member.write(chunk)
    return path
