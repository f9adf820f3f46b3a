"""PAN format round trips and run_pan on a tiny PAN corpus."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks.pan_measures import pan_scores
from screening.pan import (
    Detection,
    read_detections,
    read_pairs,
    read_text,
    run_pan,
    write_detections,
)
from tests.screening.rewrites import REWRITE, SOURCE

SRC = (
    "学术不端行为严重损害科学研究的公信力。本文基于问卷调查和访谈，分析了研究生学术诚信教育的现状。"
    "研究发现，导师指导频率与学生的诚信认知显著相关，课程教育的作用相对有限。\r\n"
    "Results show that mentoring reduces misconduct by thirty percent in our sample."
)
OTHER = (
    "城市轨道交通网络的可靠性评估需要综合考虑客流分布、线路拓扑和运营组织等多方面因素。"
)
FILLER = "黄河流域的泥沙输移受到降水、植被和人类活动的共同影响。利用长期水文资料估算了主要支流的输沙量变化。"


def test_detection_xml_round_trip(tmp_path: Path) -> None:
    dets = [
        Detection("susp & 1.txt", 5, 10, 'src "a".txt', 7, 12),
        Detection("susp & 1.txt", 50, 3, "b.txt", 0, 3),
    ]
    write_detections(tmp_path / "x.xml", "susp & 1.txt", dets)
    assert read_detections(tmp_path / "x.xml") == dets
    assert read_detections(tmp_path) == dets
    text = (tmp_path / "x.xml").read_text(encoding="utf-8")
    assert (
        '<feature name="detected-plagiarism" this_offset="5" this_length="10"' in text
    )


def test_read_truth_features(tmp_path: Path) -> None:
    write_detections(
        tmp_path / "t.xml",
        "s.txt",
        [Detection("s.txt", 1, 2, "r.txt", 3, 4)],
        feature="plagiarism",
    )
    assert read_detections(tmp_path / "t.xml", features=("plagiarism",)) == [
        Detection("s.txt", 1, 2, "r.txt", 3, 4)
    ]


def test_run_pan_on_a_small_corpus(tmp_path: Path) -> None:
    src_dir, susp_dir, out = tmp_path / "src", tmp_path / "susp", tmp_path / "out"
    src_dir.mkdir()
    susp_dir.mkdir()
    (src_dir / "source-document1.txt").write_text(SRC, encoding="utf-8", newline="")
    (src_dir / "source-document2.txt").write_text(OTHER, encoding="utf-8")
    copied = SRC[10:]
    susp = (
        FILLER + "\r\n" + copied + "\r\n另外一些完全无关的内容在这里作为结尾部分出现。"
    )
    (susp_dir / "suspicious-document1.txt").write_text(
        susp, encoding="utf-8", newline=""
    )
    (tmp_path / "pairs").write_text(
        "suspicious-document1.txt source-document1.txt\nsuspicious-document1.txt source-document2.txt\n",
        encoding="utf-8",
    )
    assert read_pairs(tmp_path / "pairs")[1] == (
        "suspicious-document1.txt",
        "source-document2.txt",
    )
    run_pan(tmp_path / "pairs", src_dir, susp_dir, out)
    assert sorted(p.name for p in out.iterdir()) == [
        "suspicious-document1-source-document1.xml",
        "suspicious-document1-source-document2.xml",
    ]
    dets = read_detections(out / "suspicious-document1-source-document1.xml")
    assert len(dets) == 1
    (d,) = dets
    text = read_text(susp_dir / "suspicious-document1.txt")
    start = text.index(copied)
    assert abs(d.this_offset - start) <= 2 and abs(d.this_length - len(copied)) <= 3
    assert abs(d.source_offset - 10) <= 2
    assert read_detections(out / "suspicious-document1-source-document2.xml") == []


def test_pan_measures() -> None:
    case = Detection("s", 100, 50, "r", 10, 50)
    perfect = pan_scores([case], [case])
    assert (
        perfect.plagdet,
        perfect.precision,
        perfect.recall,
        perfect.granularity,
    ) == (1, 1, 1, 1)
    halves = [
        Detection("s", 100, 25, "r", 10, 25),
        Detection("s", 125, 25, "r", 35, 25),
    ]
    split = pan_scores([case], halves)
    assert split.granularity == 2 and split.recall == 1 and split.precision == 1
    assert split.plagdet == pytest.approx(1 / math.log2(3))
    wrong_source = pan_scores([case], [Detection("s", 100, 50, "other", 10, 50)])
    assert wrong_source.recall == 0 and wrong_source.plagdet == 0
    assert pan_scores([case], []).plagdet == 0


DECLARATION = (
    "学位论文原创性声明\n"
    "本人郑重声明：所呈交的学位论文，是本人在导师的指导下进行研究工作所取得的成果。"
    "除文中已经注明引用的内容外，本论文不含任何其他个人或集体已经发表或撰写过的作品成果。"
    "对本文的研究做出重要贡献的个人和集体，均已在文中以明确方式标明。\n"
    "作者签名：          日期：\n"
)


def test_run_pan_leaves_declarations_out_as_screen_does(tmp_path: Path) -> None:
    src_dir, susp_dir, out = tmp_path / "src", tmp_path / "susp", tmp_path / "out"
    src_dir.mkdir()
    susp_dir.mkdir()
    # Both theses carry the university's declaration page; only the reused passage
    # of the source's body is reuse.
    (src_dir / "source-document1.txt").write_text(
        DECLARATION + "第一章 绪论\n" + SRC, encoding="utf-8", newline=""
    )
    copied = SRC[10:]
    susp = DECLARATION + "第一章 引言\n" + FILLER + "\n" + copied + "\n"
    (susp_dir / "suspicious-document1.txt").write_text(
        susp, encoding="utf-8", newline=""
    )
    (tmp_path / "pairs").write_text(
        "suspicious-document1.txt source-document1.txt\n", encoding="utf-8"
    )
    run_pan(tmp_path / "pairs", src_dir, susp_dir, out)
    dets = read_detections(out / "suspicious-document1-source-document1.xml")
    assert len(dets) == 1
    assert dets[0].this_offset >= len(DECLARATION) - 1
    assert dets[0].this_offset + dets[0].this_length >= susp.index(copied) + 100


def test_run_pan_finds_a_rewritten_passage_too(tmp_path: Path) -> None:
    src_dir, susp_dir, out = tmp_path / "src", tmp_path / "susp", tmp_path / "out"
    src_dir.mkdir()
    susp_dir.mkdir()
    (src_dir / "source-document1.txt").write_text(SOURCE, encoding="utf-8")
    susp = FILLER + "\n" + REWRITE + "\n"
    (susp_dir / "suspicious-document1.txt").write_text(susp, encoding="utf-8")
    (tmp_path / "pairs").write_text(
        "suspicious-document1.txt source-document1.txt\n", encoding="utf-8"
    )
    run_pan(tmp_path / "pairs", src_dir, susp_dir, out)
    (d,) = read_detections(out / "suspicious-document1-source-document1.xml")
    assert d.this_offset <= susp.index(REWRITE) + 30
    assert d.this_offset + d.this_length >= len(susp) - 40
