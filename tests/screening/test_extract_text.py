"""Plain text: UTF-8 comes back unchanged, GB and UTF-16/32 are decoded, and what no
encoding explains with confidence is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.errors import UnknownEncoding
from screening.extract import extract
from tests.screening.extract_checks import assert_message

SAMPLE = "第一章 绪论\r\n高校科研诚信建设（2024年）需要“文本复用检测”。English too.\n𠀀字与€符号\n"


def test_utf8_text_is_returned_unchanged():
    doc = extract(SAMPLE.encode("utf-8"), name="a.txt")

    assert doc.text == SAMPLE
    assert doc.media_type == "text/plain"
    assert doc.metadata["encoding"] == "utf-8"
    assert doc.text[doc.text.index("𠀀") + 1] == "字"


def test_utf8_bom_is_dropped():
    assert extract(b"\xef\xbb\xbf" + SAMPLE.encode(), name="a.txt").text == SAMPLE


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(encoding):
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    doc = extract(bom + SAMPLE.encode(encoding), name="a.txt")

    assert doc.text == SAMPLE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding):
    english = "Plain English text in UTF-16 without a byte order mark.\n" * 3
    chinese = "这是没有字节顺序标记的中文文本，用于检测编码识别。\n" * 3

    assert extract(english.encode(encoding), name="e.txt").text == english
    assert extract(chinese.encode(encoding), name="c.txt").text == chinese


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "gb2312"])
def test_gb_encodings(encoding):
    text = (
        "第一章 绪论\r\n高校科研诚信建设需要“文本复用检测”，包括引用（张三，2019）。\n"
    )

    doc = extract(text.encode(encoding), name="gb.txt")

    assert doc.text == text
    assert doc.metadata["encoding"] == "gb18030"


def test_gb18030_only_characters():
    text = "𠀀是扩展字符，其余是常用汉字组成的句子，用来确认解码正确。\n"

    assert extract(text.encode("gb18030"), name="gb.txt").text == text


def test_english_only_text_extracts():
    text = "Research integrity matters.\nThis thesis is written in English only.\n"

    doc = extract(text.encode("ascii"), name="english.txt")

    assert doc.text == text


def test_binary_junk_named_txt_is_unknown_encoding():
    junk = bytes((i * 73 + 41) % 256 for i in range(4096))

    with pytest.raises(UnknownEncoding) as caught:
        extract(junk, name="junk.txt")

    assert caught.value.reason == "unknown_encoding"
    assert_message(caught.value, "junk.txt")


def test_windows_1252_text_with_curly_quotes_from_word_is_read():
    text = (
        "\u201cResearch integrity\u201d isn\u2019t optional \u2014 it\u2019s the "
        "caf\u00e9 owner\u2019s na\u00efve r\u00e9sum\u00e9 we all share.\n"
        "Students who reuse a paragraph must cite it; the committee checks every "
        "thesis submitted this year.\n"
    ) * 3

    doc = extract(text.encode("cp1252"), name="word.txt")

    assert doc.text == text
    assert doc.metadata["encoding"] == "cp1252"


def test_latin1_text_is_read():
    text = "Café résumé naïve, déjà vu: très élégant and quite ordinary prose.\n" * 5

    assert extract(text.encode("latin-1"), name="latin.txt").text == text


def test_big5_is_not_guessed_as_gbk():
    big5 = "學術誠信建設是長期任務，需要每一位研究者共同努力。\n".encode("big5") * 3

    with pytest.raises(UnknownEncoding):
        extract(big5, name="big5.txt")


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\n\r\t")
        ),
        min_size=1,
    ).filter(lambda t: t.strip() and not t.startswith("\ufeff"))
)
def test_any_utf8_text_comes_back_unchanged(text):
    assert extract(text.encode("utf-8"), name="any.txt").text == text
