"""Fuzzy character matches between two studies told in a field's stock words, each
with its own figures, are not reported; copies that keep the figures are."""

from __future__ import annotations

from pathlib import Path

from screening.align import align
from screening.figures import figures, other_figures
from screening.normalize import normalize
from screening.pan import read_detections, run_pan
from screening.screener import Screener

# Written by hand: a hospital's resistance survey (the corpus document), another
# hospital's survey in the same stock words with its own figures, and a copy of the
# first with its figures kept and a few words changed.
SURVEY = (
    "目的 了解本院临床分离病原菌的分布特点及耐药变迁。方法 收集2019年1月至12月各临床科室"
    "送检标本,采用VITEK2全自动微生物分析仪鉴定细菌,采用WHONET5.6软件进行统计分析。结果 "
    "全年共分离病原菌2876株,其中革兰阴性菌占64.35%,革兰阳性菌占28.12%,真菌占7.53%。"
    "耐甲氧西林金黄色葡萄球菌和耐甲氧西林凝固酶阴性葡萄球菌分别占41.20%和73.85%。结论 "
    "本院病原菌以革兰阴性菌为主,临床应加强耐药监测并合理使用抗菌药物。"
)
OTHER_SURVEY = (
    "采用WHONET5.6软件进行统计分析。结果 本年度共分离细菌1543株,革兰阴性菌占58.66%,"
    "革兰阳性菌占33.90%,真菌占7.44%。耐甲氧西林金黄色葡萄球菌和耐甲氧西林凝固酶阴性"
    "葡萄球菌的检出率分别为36.70%和80.15%。"
)
EDITED_COPY = (
    "采用WHONET5.6软件进行统计分析。结果 本年度共分离细菌2876株,革兰阴性菌占64.35%,"
    "革兰阳性菌占28.12%,真菌占7.53%。耐甲氧西林金黄色葡萄球菌和耐甲氧西林凝固酶阴性"
    "葡萄球菌的检出率分别为41.20%和73.85%。"
)
# The survey's results copied word for word with every figure changed (fabrication
# on top of copying): still a close copy.
RENUMBERED_COPY = (
    "采用WHONET5.6软件进行统计分析。结果 全年共分离病原菌1043株,其中革兰阴性菌占"
    "32.70%,革兰阳性菌占54.09%,真菌占13.21%。耐甲氧西林金黄色葡萄球菌和耐甲氧西林"
    "凝固酶阴性葡萄球菌分别占21.60%和66.35%。结论 本院病原菌以革兰阴性菌为主,临床应"
    "加强耐药监测并合理使用抗菌药物。"
)
AROUND = "本文讨论了城市公园的使用状况。调查显示周末游客明显多于工作日,老年人以晨练为主。"


def test_figures_are_numbers_of_two_digits_or_more() -> None:
    assert figures("共分离3 107株,占60.93%,1-12月,WHONET5.4") == {
        "107",
        "60.93",
        "12",
        "5.4",
    }


def test_other_figures_needs_three_of_its_own_on_each_side() -> None:
    assert other_figures(OTHER_SURVEY, SURVEY)
    assert not other_figures(EDITED_COPY, SURVEY)
    # Two own figures a side, or more shared than own, prove no other study.
    assert not other_figures("分离12株,占34.5%", "分离67株,占89.1%")
    assert not other_figures("11 22 33 44 55 66 77", "11 22 33 44 88 99 10")


def test_screen_drops_a_fuzzy_match_that_reports_other_figures() -> None:
    # The character aligner pairs the two surveys (fuzzy, score under 0.7) ...
    (p,) = align(normalize(SURVEY), normalize(AROUND + OTHER_SURVEY + AROUND))
    assert p.score < 0.7 and p.tgt_span[1] - p.tgt_span[0] >= 80
    screener = Screener().fit({"survey": SURVEY})
    # ... but the screener reports nothing: the shared words are the field's.
    assert screener.screen(AROUND + OTHER_SURVEY + AROUND) == []
    # The copy that keeps the survey's figures is still reported ...
    (m,) = screener.screen(AROUND + EDITED_COPY + AROUND)
    assert m.kind == "copy" and m.source == "survey"
    # ... and so is a word-for-word copy with every figure changed: other figures
    # excuse only a match whose wording differs too (score under 0.7).
    assert other_figures(RENUMBERED_COPY, SURVEY)
    (m,) = screener.screen(AROUND + RENUMBERED_COPY + AROUND)
    assert m.kind == "copy" and m.score >= 0.7


def test_pan_drops_it_too(tmp_path: Path) -> None:
    src_dir, susp_dir, out = tmp_path / "src", tmp_path / "susp", tmp_path / "out"
    src_dir.mkdir()
    susp_dir.mkdir()
    (src_dir / "source-document1.txt").write_text(SURVEY, encoding="utf-8")
    for n, passage in ((1, OTHER_SURVEY), (2, EDITED_COPY)):
        (susp_dir / f"suspicious-document{n}.txt").write_text(
            AROUND + passage + AROUND, encoding="utf-8"
        )
    (tmp_path / "pairs").write_text(
        "suspicious-document1.txt source-document1.txt\n"
        "suspicious-document2.txt source-document1.txt\n",
        encoding="utf-8",
    )
    run_pan(tmp_path / "pairs", src_dir, susp_dir, out)
    assert read_detections(out / "suspicious-document1-source-document1.xml") == []
    (d,) = read_detections(out / "suspicious-document2-source-document1.xml")
    assert d.this_offset <= len(AROUND) + 5
