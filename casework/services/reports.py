"""Counts of cases by misconduct type, unit, stage, outcome and days open, and the annual
summary the university sends to its supervising authority (40号令: annual report)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.kernel import clock
from archive.kernel.accounts import Permission, User, require
from casework.catalogue import MISCONDUCT_LABELS, SANCTIONS
from casework.models import (
    BOARD_COLUMNS,
    OUTCOME_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    Appeal,
    Case,
    CaseSanction,
    CaseState,
    SanctionStatus,
)

P = Permission
DAY_BUCKETS = (
    (30, "≤30 天"),
    (90, "31–90 天"),
    (180, "91–180 天"),
    (None, "180 天以上"),
)


def _bucket(days: int) -> str:
    for limit, label in DAY_BUCKETS:
        if limit is None or days <= limit:
            return label
    return DAY_BUCKETS[-1][1]  # pragma: no cover


def days_open(case: Case, today: date | None = None) -> int:
    """Days from receipt to closing (or to today while open)."""
    end = case.closed_on or (today or clock.today())
    return (end - case.opened_on).days


def _stage(case: Case) -> str:
    if case.state is CaseState.ARCHIVED:
        return "已归档"
    for label, states in BOARD_COLUMNS:
        if case.state in states:
            return label
    return STATE_LABELS[case.state]  # pragma: no cover


@dataclass
class CaseCounts:
    """Counts over a set of cases; each dict maps a Chinese label to a count."""

    total: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_unit: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_days_open: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)


def _count(cases: list[Case], today: date) -> CaseCounts:
    c = CaseCounts(total=len(cases))
    c.by_type = dict(
        Counter(
            MISCONDUCT_LABELS[x.misconduct_type] if x.misconduct_type else "未认定"
            for x in cases
        )
    )
    c.by_unit = dict(Counter(x.unit or "（未填）" for x in cases))
    c.by_stage = dict(Counter(_stage(x) for x in cases))
    c.by_outcome = dict(
        Counter(OUTCOME_LABELS[x.outcome] if x.outcome else "办理中" for x in cases)
    )
    days = Counter(_bucket(days_open(x, today)) for x in cases)
    c.by_days_open = {label: days.get(label, 0) for _limit, label in DAY_BUCKETS}
    c.by_source = dict(Counter(SOURCE_LABELS[x.source] for x in cases))
    return c


def case_counts(
    session: Session, *, actor: User, year: int | None = None, unit: str | None = None
) -> CaseCounts:
    """Counts by type, unit, stage, outcome, days open and source (optionally one year/unit)."""
    require(actor, P.CASE_REPORTS)
    query = select(Case)
    if year is not None:
        query = query.where(
            Case.opened_on >= date(year, 1, 1), Case.opened_on <= date(year, 12, 31)
        )
    if unit:
        query = query.where(Case.unit == unit)
    return _count(list(session.scalars(query)), clock.today())


@dataclass
class AnnualSummary:
    """The annual report's table: rows of (item, count) and the sanctions by code."""

    year: int
    rows: list[tuple[str, int]]
    sanctions: list[tuple[str, str, int]]
    by_type: dict[str, int]


def annual_summary(session: Session, *, actor: User, year: int) -> AnnualSummary:
    """Cases received, accepted, decided, cleared and appealed in `year`, with sanctions."""
    require(actor, P.CASE_REPORTS)
    start, end = date(year, 1, 1), date(year, 12, 31)
    received = list(
        session.scalars(
            select(Case).where(Case.opened_on >= start, Case.opened_on <= end)
        )
    )
    closed = list(
        session.scalars(
            select(Case).where(Case.closed_on >= start, Case.closed_on <= end)
        )
    )
    appeals = list(
        session.scalars(
            select(Appeal).where(Appeal.filed_on >= start, Appeal.filed_on <= end)
        )
    )
    sources = Counter(x.source for x in received)
    outcomes = Counter(x.outcome.value if x.outcome else "" for x in closed)
    rows = [
        ("受理举报总数（件）", len(received)),
        *[(f"  其中：{SOURCE_LABELS[s]}", sources.get(s, 0)) for s in SOURCE_LABELS],
        ("予以受理（件）", sum(1 for x in received if x.accepted_on is not None)),
        ("不予受理（件）", outcomes.get("rejected", 0)),
        ("认定构成学术不端（件）", outcomes.get("misconduct", 0)),
        ("认定不构成学术不端（件）", outcomes.get("cleared", 0)),
        ("终止调查（件）", outcomes.get("terminated", 0)),
        ("移送（件）", outcomes.get("transferred", 0)),
        (
            "年末仍在办理（件）",
            sum(1 for x in received if x.closed_on is None or x.closed_on > end),
        ),
        ("申诉（复核申请）（件）", len(appeals)),
        ("  其中：复查维持", sum(1 for a in appeals if a.outcome == "upheld")),
        ("  其中：不予受理", sum(1 for a in appeals if a.outcome == "rejected")),
        (
            "  其中：改变原决定",
            sum(1 for a in appeals if a.outcome in ("redetermined", "reinvestigated")),
        ),
    ]
    closed_ids = [x.id for x in closed]
    codes: Counter[str] = Counter()
    if closed_ids:
        for row in session.scalars(
            select(CaseSanction).where(
                CaseSanction.case_id.in_(closed_ids),
                CaseSanction.status != SanctionStatus.WITHDRAWN,
                CaseSanction.status != SanctionStatus.PROPOSED,
            )
        ):
            codes[row.code] += 1
    sanctions = [
        (code, SANCTIONS[code].name_zh, n) for code, n in sorted(codes.items())
    ]
    by_type = dict(
        Counter(
            MISCONDUCT_LABELS[x.misconduct_type]
            for x in closed
            if x.misconduct_type is not None
            and x.outcome is not None
            and x.outcome.value == "misconduct"
        )
    )
    return AnnualSummary(year, rows, sanctions, by_type)


def annual_summary_csv(summary: AnnualSummary) -> str:
    """The annual summary as CSV (UTF-8 with BOM so Excel opens the Chinese correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([f"{summary.year} 年度科研诚信案件统计", ""])
    writer.writerow(["项目", "数量"])
    for label, n in summary.rows:
        writer.writerow([label.strip(), n])
    writer.writerow([])
    writer.writerow(["学术不端行为类型", "件数"])
    for label, n in sorted(summary.by_type.items()):
        writer.writerow([label, n])
    writer.writerow([])
    writer.writerow(["处理措施代码", "处理措施", "人次"])
    for code, name, n in summary.sanctions:
        writer.writerow([code, name, n])
    return out.getvalue()
