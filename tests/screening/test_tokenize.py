"""Tokens, sentences and n-grams for Chinese, English and mixed text."""

from __future__ import annotations

import json
import pickle
import tempfile
from pathlib import Path

import numpy as np
import pytest

import screening.tokenize as tokenize_module
from screening.normalize import normalize
from screening.tokenize import Tokenizer, ngram_hashes, sentences, token_stream
from tests.chinese_text import chinese_paragraph

MIXED = "本文提出一种基于Transformer的方法. Results show 3.5% gains! 结论:方法有效;未来工作如下。"


def test_token_stream_mixed() -> None:
    ts = token_stream(MIXED)
    words = [MIXED[s:e] for s, e in zip(ts.starts, ts.ends, strict=True)]
    assert words[:6] == ["本", "文", "提", "出", "一", "种"]
    assert "Transformer" in words and "Results" in words and "3" in words
    assert np.all(np.diff(ts.starts) > 0)
    assert ts.is_cjk.sum() == sum(
        1 for w in words if len(w) == 1 and "\u4e00" <= w <= "\u9fff"
    )


def test_token_ids_are_stable_across_calls() -> None:
    a = token_stream("deep learning 深度学习")
    b = token_stream("deep learning 深度学习")
    assert a.ids.tolist() == b.ids.tolist()
    assert a.ids[0] == token_stream("xx deep").ids[1]


def test_sentences_split_chinese_and_english_but_not_decimals() -> None:
    spans = sentences(MIXED, min_chars=1)
    parts = [MIXED[s:e] for s, e in spans]
    assert parts[0].endswith("方法.")
    assert any("3.5%" in p for p in parts)
    assert parts[-1].endswith("。")
    assert all(0 <= s < e <= len(MIXED) for s, e in spans)


def test_long_sentences_are_cut_at_clauses() -> None:
    text = ",".join(["这是一个相当长的分句内容"] * 40) + "."
    spans = sentences(text, max_chars=100)
    assert len(spans) > 3
    assert all(e - s <= 100 for s, e in spans)


def test_ngram_hashes() -> None:
    ids = token_stream("abc 中文字符串").ids
    assert len(ngram_hashes(ids, 3)) == len(ids) - 2
    assert len(ngram_hashes(ids[:2], 3)) == 0


def test_jieba_tokenizer_is_private_lazy_and_picklable() -> None:
    tok = Tokenizer()
    assert tok._jieba is None
    words = tok.words("我们研究学术诚信 and plagiarism detection。")
    assert ("学术", 4, 6) in words or ("学术诚信", 4, 8) in words
    clone = pickle.loads(pickle.dumps(tok))
    assert clone._jieba is None
    assert clone.dictionary == tok.dictionary
    import jieba

    assert tok._get() is not jieba.dt


def test_jieba_dictionary_is_read_from_jiebas_cache_in_one_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    text = "本文研究了一种基于深度学习的图像识别方法，并进行了实验验证。"
    first = Tokenizer()  # no cache in tmp_path: jieba builds it and writes it there
    words = first.cut(text)
    assert (tmp_path / "jieba.cache").is_file()
    second = Tokenizer()  # read from that cache
    assert second.cut(text) == words
    assert second._get().FREQ == first._get().FREQ
    assert second._get().total == first._get().total
    (tmp_path / "jieba.cache").write_bytes(b"not marshal data")
    third = Tokenizer()  # an unreadable cache is rebuilt by jieba
    assert third.cut(text) == words


def _jieba_words(tok: Tokenizer, text: str) -> list[tuple[str, int, int]]:
    """jieba's own words of a text (as `Tokenizer.words` gave them before rjieba)."""
    return [t for t in tok._get().tokenize(text, HMM=True) if t[0].strip()]


def test_rjieba_cuts_exactly_as_jieba_on_real_prose() -> None:
    """Han blocks go to rjieba, mixed blocks run by run: the words must not change."""
    data = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "semantic"
    texts = [
        json.loads(line)["text"]
        for f in sorted(data.glob("*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
    ]
    texts += [chinese_paragraph(i, 8) for i in range(20)]
    texts += [
        # A dictionary word across a Han edge, Latin words of the dictionary, runs of
        # single characters at Han edges, figures and formulas.
        "做了B超检查,穿T恤去唱卡拉OK,买入A股;用c++和C#编程,AT&T公司.",
        "研究了Nano-SiO2/PP复合材料,在pH为7.0、温度为55℃时达到最高.的了x是y",
        "cd4+t细胞与il-2水平在3.5%以下;x射线衍射(xrd)和sem表征.",
    ]
    tok = Tokenizer()
    assert len(texts) > 250
    for text in texts:
        for form in (text, normalize(text).text):
            assert tok.words(form) == _jieba_words(tok, form)
            assert tok.cut(form) == [w for w, _, _ in _jieba_words(tok, form)]


def test_marks_and_blanks_are_cut_as_jieba_cuts_them() -> None:
    """Pieces between jieba's blocks are cut without calling jieba, and alike."""
    from screening.tokenize import _cut_other

    jb = Tokenizer()._get()
    for piece in [
        "，",
        " ",
        "\r\n",
        " ，\r\n\t（）",
        "、 、",
        "\u3000",
        "",
        "\n\n",
        "“”",
    ]:
        assert _cut_other(piece) == jb.lcut(piece, HMM=True), piece
    text = "方法：\r\n 本文（见表1）提出，结论 “有效” 。\t未来工作\u3000如下！"
    assert Tokenizer()._lcut(text) == jb.lcut(text, HMM=True)


def test_mixed_blocks_with_single_characters_at_han_edges_cut_as_jieba() -> None:
    """A Han run ending or starting in single characters beside letters or digits:
    jieba's HMM joins them only if they alone would make a dictionary word."""
    tok = Tokenizer()
    jb = tok._get()
    for text in [
        "总重1100",  # 总|重 alone make 总重: jieba's HMM cuts them inside the block
        "即是2",
        "但结论不一.",
        "最高可达182",
        "含量降至0.22和pH降至8.7%",
        "均为P",  # single characters that make no word are cut alike
        "O的相",
        "a的了x是y.的了",
        "降至c++总重",  # beside a dictionary word of letters
        "x总重1",  # a run of single characters alone, between letters and digits
        "含量总重1100",
        "Ac总重.",
        "总重1100,即是2。降至3223\n最高可达182",
    ]:
        assert tok._lcut(text) == jb.lcut(text, HMM=True), text
        assert tok.words(text) == _jieba_words(tok, text), text
        assert tok.words(text) == _jieba_words(tok, text), text  # remembered pieces


def test_remembered_pieces_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The words remembered per piece start afresh past a limit."""
    monkeypatch.setattr(tokenize_module, "_PIECES_LIMIT", 3)
    tok = Tokenizer()
    text = "总重1100,即是2。降至3223\n最高可达182"
    first = tok.words(text)
    assert len(tok._pieces) > 3
    assert tok.words(text) == first
    assert len(tok._pieces) <= 8
