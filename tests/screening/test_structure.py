"""Structure of hand-made theses and papers: chapters tile the text, the TOC is found and
not taken for chapters, references, quotations, citations and template pages are marked."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.document import Span
from screening.extract import extract
from screening.structure import FRONT_MATTER, analyse
from tests.chinese_text import chinese_paragraph
from tests.screening.makefiles import (
    SOFFICE,
    soffice_convert,
    write_docx,
)

THESIS = """分类号：TP391　　密级：公开
学号：2021123456
某某大学硕士学位论文
论文题目：高校科研诚信检测方法研究
作者姓名：张三
指导教师：李四 教授
专业：计算机科学与技术
2024年6月
学位论文原创性声明
本人郑重声明：所呈交的学位论文，是本人在导师的指导下进行研究工作所取得的成果。
作者签名：　　　　日期：　　年　　月　　日
学位论文版权使用授权书
本学位论文作者完全了解学校有关保留、使用学位论文的规定。
作者签名：　　　　导师签名：
日期：　　年　　月　　日
摘  要
本文研究了高校科研诚信检测方法。
关键词：科研诚信；文本复用
Abstract
This thesis studies research integrity screening.
目  录
摘  要\tI
Abstract\tII
第一章 绪论\t1
1.1 研究背景\t1
1.2 研究内容\t3
第二章 相关工作\t5
参考文献\t20
致  谢\t25
第一章 绪论
1.1 研究背景
正如鲁迅所说：“世上本没有路，走的人多了，也就成了路。”《狂人日记》是一部小说。已有研究[1]表明，文本复用问题日益严重[2-4]。
有学者（张三，2019）认为「检测很重要」。Smith et al. (2020) argued that "reuse is common" (Jones, 2018; Lee & Kim, 2019).
1.2 研究内容
本章介绍研究内容，参见文献[1,2]和［5］。
第二章 相关工作
相关工作很多[1, 3-5]。
参考文献
[1] 张三. 科研诚信研究[J]. 某某学报, 2019, 1(2): 3-4.
[2] Smith J, Doe K. "Text reuse" in theses[J]. Journal, 2020.
致  谢
感谢导师。
"""


def texts(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def assert_tiles(text: str, structure) -> None:
    """Chapters are in order, touch end to start, and cover the whole text."""
    chapters = structure.chapters
    assert chapters[0].start == 0
    assert chapters[-1].end == len(text)
    for left, right in zip(chapters, chapters[1:], strict=False):
        assert left.end == right.start
        assert left.start < left.end


def test_thesis_chapters_tile_the_text_and_skip_the_toc():
    s = analyse(THESIS)

    assert s.has_toc
    assert_tiles(THESIS, s)
    titles = [c.title for c in s.chapters]
    assert titles == [
        FRONT_MATTER,
        "学位论文原创性声明",
        "学位论文版权使用授权书",
        "摘  要",
        "Abstract",
        "目  录",
        "第一章 绪论",
        "第二章 相关工作",
        "参考文献",
        "致  谢",
    ]
    first = s.chapters[titles.index("第一章 绪论")]
    # The heading in the body, not the TOC line with the same words.
    assert first.start == THESIS.index("第一章 绪论\n1.1")


def test_thesis_reference_list_runs_to_the_acknowledgements():
    s = analyse(THESIS)

    (references,) = texts(THESIS, s.references)
    assert references.startswith("参考文献\n[1] 张三")
    assert references.endswith("Journal, 2020.")
    assert "感谢" not in references


def test_quotations_but_not_book_titles():
    s = analyse(THESIS)

    assert texts(THESIS, s.quotations) == [
        "“世上本没有路，走的人多了，也就成了路。”",
        "「检测很重要」",
        '"reuse is common"',
    ]
    assert not any("狂人日记" in q for q in texts(THESIS, s.quotations))


def test_citation_marks_outside_the_reference_list():
    s = analyse(THESIS)

    assert texts(THESIS, s.citations) == [
        "[1]",
        "[2-4]",
        "（张三，2019）",
        "Smith et al. (2020)",
        "(Jones, 2018; Lee & Kim, 2019)",
        "[1,2]",
        "［5］",
        "[1, 3-5]",
    ]


def test_templates_are_cover_declarations_and_toc():
    s = analyse(THESIS)

    found = texts(THESIS, s.templates)
    assert found[0].startswith("分类号") and found[0].endswith("2024年6月")
    assert found[1].startswith("学位论文原创性声明")
    assert found[1].endswith("日期：　　年　　月　　日")
    assert found[2].startswith("学位论文版权使用授权书")
    assert found[3].startswith("目  录") and found[3].endswith("致  谢\t25")
    assert len(found) == 4
    body = THESIS.index("第一章 绪论\n1.1")
    assert all(span.end <= body for span in s.templates)


def test_spans_stay_inside_the_text():
    s = analyse(THESIS)

    for group in (s.references, s.quotations, s.citations, s.templates):
        for span in group:
            assert 0 <= span.start < span.end <= len(THESIS)


def test_numbered_english_paper():
    text = (
        "Detecting Text Reuse in Theses\n"
        "Abstract\n"
        "We study reuse.\n"
        "1 Introduction\n"
        "Plagiarism is old (Smith, 2001).\n"
        "2 Related Work\n"
        "1. a list item that ends like a sentence.\n"
        "Prior work [3] aligns passages.\n"
        "3 Method\n"
        "We extend seeds.\n"
        "References\n"
        "1. Smith, J. (2001). Old plagiarism. Journal.\n"
        "2. Lee, K. (2019). New reuse. Conference.\n"
        "Appendix A\n"
        "Extra tables.\n"
    )

    s = analyse(text)

    assert_tiles(text, s)
    assert [c.title for c in s.chapters] == [
        FRONT_MATTER,
        "Abstract",
        "1 Introduction",
        "2 Related Work",
        "3 Method",
        "References",
        "Appendix A",
    ]
    (references,) = texts(text, s.references)
    assert references.startswith("References\n1. Smith")
    assert references.endswith("Conference.")
    assert not s.has_toc
    assert texts(text, s.citations) == ["(Smith, 2001)", "[3]"]


def test_chapter_n_and_chinese_enumerated_headings():
    english = "Chapter 1 Introduction\nText.\nChapter 2 Methods\nMore text.\n"
    assert [c.title for c in analyse(english).chapters] == [
        "Chapter 1 Introduction",
        "Chapter 2 Methods",
    ]
    words = "CHAPTER ONE\nText.\nCHAPTER TWO\nMore.\nChapter III Results\nDone.\n"
    assert [c.title for c in analyse(words).chapters] == [
        "CHAPTER ONE",
        "CHAPTER TWO",
        "Chapter III Results",
    ]
    report = "一、工作概况\n今年完成了检查。\n二、存在问题\n仍有不足。\n三、下一步计划\n继续推进。\n"
    s = analyse(report)
    assert [c.title for c in s.chapters] == [
        "一、工作概况",
        "二、存在问题",
        "三、下一步计划",
    ]
    assert_tiles(report, s)


def test_text_without_headings_has_no_chapters_so_reports_cut_segments():
    text = "没有任何标题的一段文字。\n第二段文字。"

    s = analyse(text)

    assert s.chapters == ()
    assert s.templates == () and s.references == () and not s.has_toc


def test_empty_text():
    s = analyse("")

    assert s.chapters == () and s.templates == ()


def test_toc_with_dot_leaders_and_no_title():
    toc = "\n".join(
        f"第{n}章 章节标题{n}{'.' * 20}{k * 10}" for k, n in enumerate("一二三四五", 1)
    )
    text = toc + "\n第一章 章节标题一\n正文。\n第二章 章节标题二\n正文。\n"

    s = analyse(text)

    assert s.has_toc
    assert [c.title for c in s.chapters][-2:] == [
        "第一章 章节标题一",
        "第二章 章节标题二",
    ]
    assert s.chapters[-2].start == text.index("第一章 章节标题一\n正文")


@pytest.mark.parametrize(
    ("quote", "is_quotation"),
    [
        ("“引号中的一句话”", True),
        ("「直角引号」", True),
        ("『双直角引号』", True),
        ('"double quotes"', True),
        ("《书名号中的题目》", False),
        ("“单”", False),
        ("“没有闭合的引号", False),
    ],
)
def test_quotation_kinds(quote, is_quotation):
    text = f"前文{quote}后文。"

    found = texts(text, analyse(text).quotations)

    assert found == ([quote] if is_quotation else [])


def test_nested_quotations_are_one_span():
    text = "他说：「她告诉我『不要抄袭』，我记住了。」然后离开。"

    assert texts(text, analyse(text).quotations) == [
        "「她告诉我『不要抄袭』，我记住了。」"
    ]


def test_declaration_at_the_end_is_template():
    text = (
        "第一章 绪论\n正文内容。\n致谢\n感谢老师。\n"
        "独创性声明\n本人声明所呈交的论文是我个人在导师指导下进行的研究工作。\n"
        "签名：　　　日期：\n"
    )

    s = analyse(text)

    (template,) = texts(text, s.templates)
    assert template.startswith("独创性声明") and template.endswith("日期：")
    assert_tiles(text, s)


def test_journal_paper_with_inline_abstract_has_no_cover():
    text = (
        "高校科研诚信检测方法研究\n张三，李四\n（某某大学 计算机学院，北京 100000）\n"
        "摘要：本文研究了检测方法。\n关键词：科研诚信\n1 引言\n正文。\n2 方法\n正文。\n"
    )

    s = analyse(text)

    assert [c.title for c in s.chapters] == [
        FRONT_MATTER,
        "摘要",
        "1 引言",
        "2 方法",
    ]
    assert s.templates == ()


def test_spans_are_spans():
    s = analyse(THESIS)

    assert all(isinstance(span, Span) for span in s.citations + s.quotations)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
def test_structure_of_an_extracted_libreoffice_thesis(tmp_path):
    blocks = [
        ("p", "学号：2021000001"),
        ("p", "指导教师：王五"),
        ("p", "某某大学硕士学位论文"),
        ("pagebreak", ""),
        ("h1", "摘要"),
        ("p", chinese_paragraph(1, 4)),
        ("pagebreak", ""),
        ("h1", "第一章 绪论"),
        ("p", chinese_paragraph(2, 8) + "已有研究[1]表明“复用问题值得重视”。"),
        ("h1", "第二章 方法"),
        ("p", chinese_paragraph(3, 8)),
        ("h1", "参考文献"),
        ("p", "[1] 张三. 科研诚信研究[J]. 某某学报, 2019."),
        ("h1", "致谢"),
        ("p", "感谢导师。"),
    ]
    pdf = soffice_convert(write_docx(tmp_path / "t.docx", blocks), "pdf", tmp_path)
    doc = extract(pdf)

    s = analyse(doc.text)

    assert_tiles(doc.text, s)
    assert [c.title for c in s.chapters] == [
        FRONT_MATTER,
        "摘要",
        "第一章 绪论",
        "第二章 方法",
        "参考文献",
        "致谢",
    ]
    assert texts(doc.text, s.citations) == ["[1]"]
    assert texts(doc.text, s.quotations) == ["“复用问题值得重视”"]
    (cover,) = texts(doc.text, s.templates)
    assert cover.startswith("学号") and cover.endswith("某某大学硕士学位论文")


def test_cover_ends_at_the_first_numbered_chapter():
    text = (
        "本科毕业论文\n学号：2020001\n指导教师：王五\n"
        "1 引言\n正文第一段。\n2 方法\n正文第二段。\n【参考文献】\n[1] 文献。\n"
    )

    s = analyse(text)

    assert texts(text, s.templates) == ["本科毕业论文\n学号：2020001\n指导教师：王五"]
    assert [c.title for c in s.chapters] == [
        FRONT_MATTER,
        "1 引言",
        "2 方法",
        "【参考文献】",
    ]
    assert texts(text, s.references) == ["【参考文献】\n[1] 文献。"]


LINE_POOL = [
    "第一章 绪论",
    "第二章 方法",
    "1 引言",
    "2 Related Work",
    "1.1 研究背景",
    "一、工作概况",
    "目  录",
    "第一章 绪论........1",
    "摘  要",
    "Abstract",
    "参考文献",
    "References",
    "[1] 张三. 研究[J]. 学报, 2019.",
    "致谢",
    "附录A",
    "独创性声明",
    "作者签名：　日期：",
    "学号：2021001",
    "指导教师：王五",
    "正如“引文中的话”所说[1]。",
    "他说「直角引号」（张三，2019）。",
    'Smith et al. (2020) say "so".',
    "普通的正文句子。",
    "",
    "   ",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(LINE_POOL), st.text(max_size=30)),
        max_size=40,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_any_text_gets_tiling_chapters_and_spans_inside_it(lines, newline):
    text = newline.join(lines)

    s = analyse(text)

    if s.chapters:
        assert_tiles(text, s)
    for group in (s.references, s.quotations, s.citations, s.templates):
        for span in group:
            assert 0 <= span.start < span.end <= len(text)
    for group in (s.quotations, s.citations, s.templates):
        for left, right in zip(group, group[1:], strict=False):
            assert left.end <= right.start


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "text",
    [
        "（" + "和" * 5000 + "）",
        "（" + "张三和" * 2000,
        "(" + "Smith and " * 2000 + ")",
        "（张三，2019；" * 2000,
        "[1," * 20000,
        "“" * 20000 + "”",
        "Smith et al. (" * 5000,
        "第一章 绪论" + "." * 20000,
        ("目录\n" + "第一章 绪论 1\n" * 3000),
    ],
)
def test_hostile_inputs_finish_quickly(text):
    """No regular expression may backtrack without bound on what users upload."""
    started = time.perf_counter()
    s = analyse(text)
    elapsed = time.perf_counter() - started

    # Linear work on these inputs takes milliseconds; backtracking takes minutes.
    assert elapsed < 2.0, f"analyse took {elapsed:.1f}s on {len(text)} characters"
    spans = (*s.chapters, *s.references, *s.quotations, *s.citations, *s.templates)
    assert all(0 <= span.start <= span.end <= len(text) for span in spans)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")
def test_printed_thesis_with_toc_declaration_and_running_header(tmp_path):
    body = [chinese_paragraph(seed, 10) for seed in range(6)]
    blocks = [
        ("plain", "某某大学硕士学位论文"),
        ("plain", "学号：2021000001"),
        ("plain", "指导教师：王五 教授"),
        ("pagebreak", ""),
        ("h1", "学位论文原创性声明"),
        (
            "plain",
            "本人郑重声明：所呈交的学位论文是本人在导师指导下独立完成的研究成果。",
        ),
        ("plain", "作者签名：　　　　日期：　　年　　月　　日"),
        ("pagebreak", ""),
        ("h1", "摘要"),
        ("p", body[0]),
        ("pagebreak", ""),
        ("h1", "目录"),
        ("toc", "摘要\tI"),
        ("toc", "第一章 绪论\t1"),
        ("toc", "1.1 研究背景\t1"),
        ("toc", "第二章 方法\t3"),
        ("toc", "参考文献\t5"),
        ("pagebreak", ""),
        ("h1", "第一章 绪论"),
        ("h2", "1.1 研究背景"),
        ("p", body[1]),
        ("p", body[2] + "正如前人所说“抄袭是学术不端”[1]。"),
        ("h1", "第二章 方法"),
        ("p", body[3]),
        ("p", body[4]),
        ("h1", "参考文献"),
        ("plain", "[1] 张三. 科研诚信研究[J]. 某某学报, 2019."),
    ]
    docx = write_docx(
        tmp_path / "thesis.docx",
        blocks,
        header="某某大学硕士学位论文",
        page_numbers=True,
    )
    doc = extract(soffice_convert(docx, "pdf", tmp_path))

    s = analyse(doc.text)

    assert s.has_toc
    assert_tiles(doc.text, s)
    assert [c.title for c in s.chapters] == [
        FRONT_MATTER,
        "学位论文原创性声明",
        "摘要",
        "目录",
        "第一章 绪论",
        "第二章 方法",
        "参考文献",
    ]
    cover, declaration, toc = texts(doc.text, s.templates)
    assert cover.startswith("某某大学硕士学位论文") and "指导教师" in cover
    assert declaration.startswith("学位论文原创性声明") and declaration.endswith("日")
    assert toc.startswith("目录") and toc.endswith("5")
    assert texts(doc.text, s.quotations) == ["“抄袭是学术不端”"]
    assert texts(doc.text, s.citations) == ["[1]"]
    (references,) = texts(doc.text, s.references)
    assert references.startswith("参考文献\n[1] 张三")
    for paragraph in body[1:5]:
        assert paragraph in doc.text
    from_docx = analyse(extract(docx).text)
    assert [c.title for c in from_docx.chapters] == [c.title for c in s.chapters]
    assert from_docx.has_toc and len(from_docx.templates) == 3
