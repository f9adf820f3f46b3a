"""A meaning passage's ends (screening.semantic.edges): a copied paragraph after one that
ends without punctuation is joined to it when lines are unwrapped, and the detection
must not take the earlier paragraph's tail, which the source does not have."""

from __future__ import annotations

from pathlib import Path

from screening.normalize import normalize
from screening.pan import read_detections, run_pan
from screening.semantic.align import align_meaning, prepare

# Written by hand for this test (not taken from any corpus).
SOURCE = (
    "以对硝基苯甲酸和乙醇为原料在浓硫酸催化下酯化制得对硝基苯甲酸乙酯，再经铁粉"
    "还原得到对氨基苯甲酸乙酯，与氯乙酰氯缩合后在碳酸钾存在下和二乙胺反应制得目标"
    "化合物，三步总收率为41%，结构经核磁共振氢谱和质谱确证。"
)
# A case report whose last paragraph ends without punctuation (as a clipped line does).
BEFORE = (
    "患者男性，58岁，因体检发现肝内占位2周入院。入院查体：神志清楚，皮肤巩膜无黄染，"
    "腹部平坦，未见胃肠型及蠕动波，全腹无压痛及反跳痛，肝脾肋下未触及，移动性浊音阴性，"
    "双下肢无水肿，心肺听诊未闻及明显异常\n"
)
AFTER = (
    "\n本文还讨论了高速铁路桥梁在温度荷载作用下的变形规律，"
    "给出了简支梁跨中挠度的实测值与计算值的比较。"
)


def test_a_copied_paragraph_leaves_the_unpunctuated_one_before_it() -> None:
    thesis = BEFORE + SOURCE + AFTER
    start, end = len(BEFORE), len(BEFORE) + len(SOURCE)

    (found,) = align_meaning(prepare(normalize(SOURCE)), prepare(normalize(thesis)))

    t0, t1 = found.tgt_span
    assert start - 2 <= t0 <= start + 2  # not the examination findings before it
    assert end - 2 <= t1 <= end + 2
    assert found.src_span[0] == 0


def test_run_pan_reports_only_the_copied_paragraph(tmp_path: Path) -> None:
    src_dir, susp_dir, out = tmp_path / "src", tmp_path / "susp", tmp_path / "out"
    src_dir.mkdir()
    susp_dir.mkdir()
    (src_dir / "source.txt").write_text(SOURCE, encoding="utf-8")
    thesis = BEFORE + SOURCE + AFTER
    (susp_dir / "thesis.txt").write_text(thesis, encoding="utf-8", newline="")
    (tmp_path / "pairs").write_text("thesis.txt source.txt\n", encoding="utf-8")

    run_pan(tmp_path / "pairs", src_dir, susp_dir, out)

    (d,) = read_detections(out / "thesis-source.xml")
    assert abs(d.this_offset - len(BEFORE)) <= 2
    assert abs(d.this_length - len(SOURCE)) <= 3
    assert (d.source_offset, abs(d.source_length - len(SOURCE)) <= 3) == (0, True)


def test_a_lead_in_line_ending_in_a_colon_is_left_out() -> None:
    lead_in = "本章所用中间体的制备方法如下:\n"
    thesis = BEFORE.replace("异常\n", "异常。\n") + lead_in + SOURCE + AFTER
    start = thesis.index(SOURCE)

    (found,) = align_meaning(prepare(normalize(SOURCE)), prepare(normalize(thesis)))

    assert start - 1 <= found.tgt_span[0] <= start + 1
