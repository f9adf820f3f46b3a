"""A thesis with a cover, disguised copying, a quotation and its own 参考文献 list, and the
two sources it draws on, written for the report tests (the research office's journey).
Their sentences are not shared with other test texts, so a live server's corpus holding
those does not change these figures."""

from __future__ import annotations

REPORT_SOURCE_A = (
    "高校学术评价体系长期偏重论文数量，这在一定程度上助长了急功近利的风气。"
    "有学者指出，完善同行评议机制、引入代表作制度，是扭转唯论文倾向的关键举措，"
    "而评价改革必须与诚信教育同步推进。本文结合三所高校的改革实践加以分析。"
)
REPORT_SOURCE_A_TITLE = "高校学术评价改革研究"
REPORT_SOURCE_B = (
    "数据共享平台的建设需要统一的元数据标准和明确的权限管理规则，否则数据难以被复用。"
    "开放科学运动推动了研究数据的公开，但也带来了隐私保护方面的新挑战。"
)
REPORT_SOURCE_B_TITLE = "科研数据共享机制探析"
COPIED_PASSAGE = (
    "有学者指出，完善同行评议机制、引入代表作制度，是扭转唯论文倾向的关键举措，"
    "而评价改革必须与诚信教育同步推进。"
)
# COPIED_PASSAGE with zero-width spaces after its first ten characters and one 繁體.
DISGUISED = "\u200b".join(COPIED_PASSAGE[:11]) + COPIED_PASSAGE[11:].replace(
    "评价改革", "評价改革"
)
QUOTED = REPORT_SOURCE_B[: REPORT_SOURCE_B.index("。") + 1]
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
    "[1] 陈立新. 高校学术评价改革研究[J]. 高等教育研究, 2020(3): 1-9.\n"
    "[2] 王明. 科研数据共享机制探析[J]. 情报学报, 2019(5): 10-20.\n"
)
# A short text that is mostly the copied passage: the larger ratio in a batch.
PLAIN_COPY = "第一章 引言\n本文讨论评价改革。" + COPIED_PASSAGE + "\n"
