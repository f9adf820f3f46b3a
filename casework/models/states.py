"""Where a case is and how it moves: the states, who acts, and the transition table.

The state machine follows domain-rules §D(i). `TRANSITIONS` is the one table that answers
"from which state may who move a case where, with written reasons or not": services
consult it, the web shows it, tests parametrise over it. Which legal deadline a state
starts is `casework.models.deadlines.DEADLINE_ON_ENTRY`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from archive.kernel.accounts import Permission

P = Permission


class CaseState(enum.StrEnum):
    """Where a case is (domain-rules §D(i))."""

    RECEIVED = "received"
    SCREENING = "screening"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    INVESTIGATING = "investigating"
    SUSPENDED = "suspended"
    REPORT_DRAFT = "report_draft"
    RESPONDENT_COMMENT = "respondent_comment"
    DETERMINATION = "determination"
    DECIDED = "decided"
    CLEARED = "cleared"
    NOTIFIED = "notified"
    APPEAL_WINDOW = "appeal_window"
    APPEAL = "appeal"
    REVIEW = "review"
    FINAL = "final"
    SANCTIONS_ACTIVE = "sanctions_active"
    TERMINATED = "terminated"
    TRANSFERRED = "transferred"
    ARCHIVED = "archived"


STATE_LABELS: dict[CaseState, str] = {
    CaseState.RECEIVED: "已接收",
    CaseState.SCREENING: "初核中",
    CaseState.REJECTED: "不予受理",
    CaseState.ACCEPTED: "已受理",
    CaseState.INVESTIGATING: "调查中",
    CaseState.SUSPENDED: "中止调查",
    CaseState.REPORT_DRAFT: "调查报告起草",
    CaseState.RESPONDENT_COMMENT: "被举报人陈述申辩",
    CaseState.DETERMINATION: "学术委员会认定",
    CaseState.DECIDED: "已作出处理决定",
    CaseState.CLEARED: "认定不构成学术不端",
    CaseState.NOTIFIED: "已发出决定书",
    CaseState.APPEAL_WINDOW: "申诉期",
    CaseState.APPEAL: "申诉待受理",
    CaseState.REVIEW: "复查中",
    CaseState.FINAL: "决定已生效",
    CaseState.SANCTIONS_ACTIVE: "处理措施执行中",
    CaseState.TERMINATED: "终止调查",
    CaseState.TRANSFERRED: "已移送",
    CaseState.ARCHIVED: "已归档",
}

# Board columns (ux-anchors §2): 受理初核 → 调查 → 认定 → 决定 → 复核 → 结案.
BOARD_COLUMNS: tuple[tuple[str, tuple[CaseState, ...]], ...] = (
    ("受理初核", (CaseState.RECEIVED, CaseState.SCREENING, CaseState.ACCEPTED)),
    (
        "调查",
        (
            CaseState.INVESTIGATING,
            CaseState.SUSPENDED,
            CaseState.REPORT_DRAFT,
            CaseState.RESPONDENT_COMMENT,
        ),
    ),
    ("认定", (CaseState.DETERMINATION,)),
    ("决定", (CaseState.DECIDED, CaseState.CLEARED, CaseState.NOTIFIED)),
    ("复核", (CaseState.APPEAL_WINDOW, CaseState.APPEAL, CaseState.REVIEW)),
    (
        "结案",
        (
            CaseState.FINAL,
            CaseState.SANCTIONS_ACTIVE,
            CaseState.REJECTED,
            CaseState.TERMINATED,
            CaseState.TRANSFERRED,
        ),
    ),
)

CLOSED_STATES = frozenset(
    {
        CaseState.REJECTED,
        CaseState.FINAL,
        CaseState.SANCTIONS_ACTIVE,
        CaseState.TERMINATED,
        CaseState.TRANSFERRED,
        CaseState.ARCHIVED,
    }
)


class Who(enum.StrEnum):
    """Who may trigger a transition (a permission, plus per-case rules for panel and parties)."""

    INTAKE = "intake"  # 诚信办 / intake office: CASE_INTAKE
    COMMITTEE = "committee"  # 学术委员会: CASE_DECIDE
    PANEL_LEAD = "panel_lead"  # the lead of this case's panel (an investigator or committee member)
    APPELLANT = (
        "appellant"  # a respondent of this case, or the office recording a paper appeal
    )
    ARCHIVIST = "archivist"  # ARCHIVE_CASE_FILES (诚信办 investigators, 纪委)


WHO_LABELS = {
    Who.INTAKE: "诚信办（受理）",
    Who.COMMITTEE: "学术委员会",
    Who.PANEL_LEAD: "调查组组长",
    Who.APPELLANT: "被举报人或诚信办代为登记",
    Who.ARCHIVIST: "档案管理人员",
}

WHO_PERMISSIONS: dict[Who, tuple[Permission, ...]] = {
    Who.INTAKE: (P.CASE_INTAKE,),
    Who.COMMITTEE: (P.CASE_DECIDE,),
    Who.PANEL_LEAD: (P.CASE_INVESTIGATE, P.CASE_DECIDE),
    Who.APPELLANT: (P.CASE_INTAKE, P.SELF_SERVICE),
    Who.ARCHIVIST: (P.ARCHIVE_CASE_FILES,),
}


@dataclass(frozen=True)
class Transition:
    """One allowed move: who may make it, whether reasons are required, its label."""

    source: CaseState
    target: CaseState
    who: Who
    label: str
    reason_required: bool = False


S = CaseState
_T = Transition
TRANSITIONS: dict[tuple[CaseState, CaseState], Transition] = {
    (t.source, t.target): t
    for t in (
        _T(S.RECEIVED, S.SCREENING, Who.INTAKE, "开始初核"),
        _T(S.RECEIVED, S.TRANSFERRED, Who.INTAKE, "移送（不属本校管辖）", True),
        _T(S.SCREENING, S.ACCEPTED, Who.INTAKE, "予以受理", True),
        _T(S.SCREENING, S.REJECTED, Who.INTAKE, "不予受理", True),
        _T(S.SCREENING, S.TRANSFERRED, Who.INTAKE, "移送", True),
        _T(S.REJECTED, S.SCREENING, Who.INTAKE, "举报人异议，重新初核", True),
        _T(S.ACCEPTED, S.INVESTIGATING, Who.COMMITTEE, "启动正式调查", True),
        _T(S.ACCEPTED, S.TERMINATED, Who.COMMITTEE, "终止", True),
        _T(S.INVESTIGATING, S.REPORT_DRAFT, Who.PANEL_LEAD, "形成调查报告草稿"),
        _T(S.INVESTIGATING, S.SUSPENDED, Who.PANEL_LEAD, "中止调查", True),
        _T(S.INVESTIGATING, S.TERMINATED, Who.COMMITTEE, "终止调查", True),
        _T(S.INVESTIGATING, S.TRANSFERRED, Who.COMMITTEE, "移送纪委/司法机关", True),
        _T(S.SUSPENDED, S.INVESTIGATING, Who.PANEL_LEAD, "恢复调查", True),
        _T(S.SUSPENDED, S.TERMINATED, Who.COMMITTEE, "终止调查", True),
        _T(S.REPORT_DRAFT, S.RESPONDENT_COMMENT, Who.PANEL_LEAD, "送被举报人陈述申辩"),
        _T(S.REPORT_DRAFT, S.INVESTIGATING, Who.PANEL_LEAD, "补充调查", True),
        _T(S.RESPONDENT_COMMENT, S.DETERMINATION, Who.PANEL_LEAD, "提交学术委员会认定"),
        _T(
            S.DETERMINATION,
            S.DECIDED,
            Who.COMMITTEE,
            "认定构成学术不端并作出处理决定",
            True,
        ),
        _T(S.DETERMINATION, S.CLEARED, Who.COMMITTEE, "认定不构成学术不端", True),
        _T(S.DETERMINATION, S.INVESTIGATING, Who.COMMITTEE, "退回补充调查", True),
        _T(S.DECIDED, S.NOTIFIED, Who.INTAKE, "送达处理决定书"),
        _T(S.CLEARED, S.NOTIFIED, Who.INTAKE, "送达认定结论（恢复名誉）"),
        _T(S.NOTIFIED, S.APPEAL_WINDOW, Who.INTAKE, "确认送达，申诉期起算"),
        _T(S.APPEAL_WINDOW, S.APPEAL, Who.APPELLANT, "提出申诉（复核）", True),
        _T(S.APPEAL_WINDOW, S.FINAL, Who.INTAKE, "申诉期届满，决定生效"),
        _T(S.APPEAL, S.REVIEW, Who.COMMITTEE, "受理申诉，进行复查", True),
        _T(S.APPEAL, S.FINAL, Who.COMMITTEE, "不予受理申诉，决定生效", True),
        _T(S.REVIEW, S.FINAL, Who.COMMITTEE, "复查维持原决定", True),
        _T(S.REVIEW, S.DETERMINATION, Who.COMMITTEE, "复查后重新认定", True),
        _T(S.REVIEW, S.INVESTIGATING, Who.COMMITTEE, "复查后重新调查", True),
        _T(
            S.FINAL,
            S.SANCTIONS_ACTIVE,
            Who.INTAKE,
            "处理措施交付执行（信用档案、惩戒名单）",
        ),
        _T(S.FINAL, S.ARCHIVED, Who.ARCHIVIST, "归档"),
        _T(S.SANCTIONS_ACTIVE, S.ARCHIVED, Who.ARCHIVIST, "归档"),
        _T(S.REJECTED, S.ARCHIVED, Who.ARCHIVIST, "归档"),
        _T(S.TERMINATED, S.ARCHIVED, Who.ARCHIVIST, "归档"),
        _T(S.TRANSFERRED, S.ARCHIVED, Who.ARCHIVIST, "归档"),
    )
}


def allowed_targets(state: CaseState) -> list[Transition]:
    """The moves the table allows from `state`, in table order."""
    return [t for (src, _dst), t in TRANSITIONS.items() if src == state]
