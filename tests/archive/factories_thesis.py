"""A thesis with a cover, disguised copying, a quotation and its own 参考文献 list, written
for the report tests (the research office's journey); the sources are SOURCE_A and B."""

from __future__ import annotations

from tests.archive.factories_screening import COPIED, SOURCE_B

# COPIED with zero-width spaces after its first ten characters and two 繁體 characters.
DISGUISED = "\u200b".join(COPIED[:11]) + COPIED[11:].replace("诚信", "誠信").replace(
    "认为", "認為"
)
QUOTED = SOURCE_B[: SOURCE_B.index("。") + 1]
OWN_SENTENCES = (
    "本研究采用问卷调查与访谈相结合的方法，样本覆盖三所高校的研究生和指导教师。"
    "问卷共发放六百份，回收有效问卷五百二十份，访谈对象二十四人。"
)
THESIS_WITH_REFERENCES = (
    "学位论文\n"
    "论文题目：科研诚信建设研究\n"
    "学    号：2021009\n"
    "学    院：教育学院\n"
    "指导教师：赵六\n"
    "\n"
    "第一章 绪论\n"
    "本章介绍研究的背景与意义。"
    + DISGUISED
    + "此外，我们通过多种形式开展了实证研究。\n"
    "正如已有研究所指出的，“" + QUOTED + "”[2]这一判断至今仍然成立。\n"
    "第二章 研究方法\n" + OWN_SENTENCES + "\n"
    "参考文献\n"
    "[1] 陈立新. 科研诚信制度研究[J]. 高等教育研究, 2020(3): 1-9.\n"
    "[2] 王明. 量子计算综述[J]. 物理学报, 2019(5): 10-20.\n"
)
