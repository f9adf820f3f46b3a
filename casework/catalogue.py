"""The rules' catalogues as data: misconduct types and the sanction catalogue (§D(ii)).

Read `../shared/domain-rules.md` §A1-A4 and §D(ii). Durations marked as recalled there are
defaults that settings or the decision can change; each entry says who it applies to
(T teacher, S student, U unit), whether it goes on the public list, whether it is reported to
the province, and which credit class (轻微/一般/严重) a record of it carries.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class MisconductType(enum.StrEnum):
    """Misconduct types of 国科发监〔2022〕221号 Art 2 and 教育部令第40号 Art 27."""

    PLAGIARISM = "plagiarism"
    FABRICATION = "fabrication"
    PAPER_MILL = "paper_mill"
    FRAUDULENT_APPLICATION = "fraudulent_application"
    FAKE_ETHICS = "fake_ethics"
    IMPROPER_AUTHORSHIP = "improper_authorship"
    DUPLICATE_PUBLICATION = "duplicate_publication"
    TAMPERING = "tampering"
    OTHER = "other"


MISCONDUCT_LABELS: dict[MisconductType, str] = {
    MisconductType.PLAGIARISM: "抄袭、剽窃、侵占他人研究成果或项目申请书",
    MisconductType.FABRICATION: "编造研究过程、伪造篡改数据/图片/检测报告",
    MisconductType.PAPER_MILL: "买卖、代写、代投论文，虚构同行评议",
    MisconductType.FRAUDULENT_APPLICATION: "以欺骗或贿赂获取项目、经费、奖励、职称",
    MisconductType.FAKE_ETHICS: "伪造或违规取得伦理审批",
    MisconductType.IMPROPER_AUTHORSHIP: "无实质贡献署名等不当署名",
    MisconductType.DUPLICATE_PUBLICATION: "重复发表、一稿多投、不当引用",
    MisconductType.TAMPERING: "篡改他人研究成果",
    MisconductType.OTHER: "其他科研失信行为",
}


class CreditClass(enum.StrEnum):
    """Severity classes of dishonesty records (NDRC 令36): drive disclosure and repair."""

    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"


CREDIT_CLASS_LABELS = {
    CreditClass.MINOR: "轻微",
    CreditClass.GENERAL: "一般",
    CreditClass.SERIOUS: "严重",
}


class Disclosure(enum.StrEnum):
    """Whether a sanction goes on the public list: never, yes, only if serious, restricted."""

    NO = "no"
    YES = "yes"
    CONDITIONAL = "conditional"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class SanctionKind:
    """One entry of the sanction catalogue."""

    code: str
    name_zh: str
    name_en: str
    applies_to: frozenset[str]
    duration: str
    default_months: int | None
    is_permanent: bool
    public: Disclosure
    province: Disclosure
    credit_class: CreditClass
    is_repairable: bool
    is_ban: bool


def _k(
    code: str,
    zh: str,
    en: str,
    applies: str,
    duration: str,
    months: int | None,
    permanent: bool,
    public: Disclosure,
    province: Disclosure,
    credit_class: CreditClass,
    repairable: bool = True,
    ban: bool = False,
) -> SanctionKind:
    return SanctionKind(
        code,
        zh,
        en,
        frozenset(applies),
        duration,
        months,
        permanent,
        public,
        province,
        credit_class,
        repairable,
        ban,
    )


D = Disclosure
C = CreditClass
SANCTIONS: dict[str, SanctionKind] = {
    s.code: s
    for s in (
        _k(
            "S01",
            "诫勉谈话",
            "integrity admonition",
            "TS",
            "once",
            None,
            False,
            D.NO,
            D.NO,
            C.MINOR,
        ),
        _k(
            "S02",
            "通报批评",
            "circulated / public criticism",
            "TSU",
            "once",
            None,
            False,
            D.CONDITIONAL,
            D.NO,
            C.MINOR,
        ),
        _k(
            "S03",
            "暂停项目/限期整改",
            "suspend project, rectify",
            "TU",
            "until fixed",
            6,
            False,
            D.NO,
            D.NO,
            C.GENERAL,
        ),
        _k(
            "S04",
            "终止撤销项目/追回经费",
            "end project, recover funds",
            "TU",
            "permanent",
            None,
            True,
            D.CONDITIONAL,
            D.CONDITIONAL,
            C.GENERAL,
        ),
        _k(
            "S05",
            "撤销奖励、荣誉称号、职称",
            "revoke awards/titles",
            "TS",
            "permanent",
            None,
            True,
            D.CONDITIONAL,
            D.CONDITIONAL,
            C.GENERAL,
        ),
        _k(
            "S06",
            "取消申报/晋升资格",
            "application/promotion ban",
            "TS",
            "N years to life",
            36,
            False,
            D.CONDITIONAL,
            D.CONDITIONAL,
            C.SERIOUS,
            ban=True,
        ),
        _k(
            "S07",
            "禁止承担财政资金支持的科技活动",
            "ban on public S&T funding",
            "T",
            "years to life",
            60,
            False,
            D.YES,
            D.YES,
            C.SERIOUS,
            ban=True,
        ),
        _k(
            "S08",
            "限招停招/取消导师资格",
            "cut intake / revoke supervisor",
            "T",
            "term or permanent",
            24,
            False,
            D.NO,
            D.NO,
            C.GENERAL,
        ),
        _k(
            "S09",
            "记入科研诚信严重失信行为数据库",
            "national serious-dishonesty DB",
            "TSU",
            "= ban",
            60,
            False,
            D.RESTRICTED,
            D.YES,
            C.SERIOUS,
            ban=True,
        ),
        _k(
            "S10",
            "警告/记过/降级/撤职",
            "warning/demerit/demotion",
            "T",
            "6/12/24 months",
            12,
            False,
            D.NO,
            D.NO,
            C.GENERAL,
        ),
        _k(
            "S11",
            "辞退/解聘/开除",
            "dismissal",
            "T",
            "permanent",
            None,
            True,
            D.CONDITIONAL,
            D.NO,
            C.SERIOUS,
            repairable=False,
        ),
        _k(
            "S12",
            "警告至留校察看",
            "student discipline",
            "S",
            "6-12 months",
            12,
            False,
            D.NO,
            D.NO,
            C.GENERAL,
        ),
        _k(
            "S13",
            "开除学籍",
            "expulsion",
            "S",
            "permanent",
            None,
            True,
            D.NO,
            D.NO,
            C.SERIOUS,
            repairable=False,
        ),
        _k(
            "S14",
            "不授予/撤销学位",
            "deny/revoke degree",
            "S",
            ">=3 year bar",
            36,
            False,
            D.YES,
            D.CONDITIONAL,
            C.SERIOUS,
            repairable=False,
        ),
        _k(
            "S15",
            "核减招生/暂停学位授权",
            "unit intake cut / degree rights",
            "U",
            "term",
            24,
            False,
            D.YES,
            D.CONDITIONAL,
            C.SERIOUS,
            ban=True,
        ),
    )
}


def sanction(code: str) -> SanctionKind:
    """The catalogue entry for a code such as "S06"; KeyError for unknown codes."""
    return SANCTIONS[code]


# The specific measures inside a grouped catalogue entry, with their usual terms in months
# (domain-rules §A4): a decision names one of them, never the group ("警告至留校察看").
SANCTION_LEVELS: dict[str, tuple[tuple[str, int | None], ...]] = {
    "S10": (("警告", 6), ("记过", 12), ("降级", 24), ("撤职", 24)),
    "S11": (("辞退", None), ("解聘", None), ("开除", None)),
    "S12": (("警告", 6), ("严重警告", 8), ("记过", 10), ("留校察看", 12)),
}


def sanction_name(code: str, level: str | None) -> str:
    """The measure a decision names: the specific level where the entry groups several."""
    return level if level else SANCTIONS[code].name_zh


# The catalogue's durations as users read them (the catalogue keeps the source's wording).
DURATION_LABELS: dict[str, str] = {
    "6-12 months": "6–12 个月",
    "6/12/24 months": "6、12 或 24 个月",
    "= ban": "与禁止期相同",
    ">=3 year bar": "至少 3 年内不得申请",
    "N years to life": "数年至终身",
    "years to life": "数年至终身",
    "once": "一次性",
    "permanent": "永久",
    "term": "限期",
    "term or permanent": "限期或永久",
    "until fixed": "至整改完成",
}
