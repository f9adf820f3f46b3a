"""Misconduct cases: states, the transition table, parties, deadlines, evidence, decisions.

A library facade: the models live in modules by noun (`states` and the transition table,
`cases`, `parties`, `deadlines`, `panel`, `evidence`, `threads`, `decisions`) and are
re-exported here, so callers write `from casework.models import Case`. The submodules
import each other directly, never this package.

Reporter identity (name, contact, linked person, tip credentials) is marked
`info={"audit": "redact"}` so it never enters the audit chain; evidence, events, messages,
interviews, documents and deadline extensions are append-only (a flush that updates or
deletes them fails with `EvidenceImmutable`): they are superseded by new rows, never
changed.
"""

from __future__ import annotations

from casework.models.cases import (
    OUTCOME_LABELS,
    SOURCE_LABELS,
    Case,
    CaseEvent,
    CaseSource,
    Outcome,
)
from casework.models.deadlines import (
    DEADLINE_LABELS,
    DEADLINE_ON_ENTRY,
    CaseDeadline,
    CaseReminder,
    DeadlineExtension,
    DeadlineRule,
)
from casework.models.decisions import (
    Appeal,
    CaseDecision,
    CaseSanction,
    SanctionStatus,
)
from casework.models.evidence import (
    DOCUMENT_LABELS,
    EVIDENCE_LABELS,
    CaseDocument,
    DocumentKind,
    Evidence,
    EvidenceKind,
    Interview,
)
from casework.models.panel import (
    EXTERNAL_EXPERT_LABEL,
    RELATION_LABELS,
    ConflictDeclaration,
    PanelExpert,
    PanelMember,
    RecusalCheck,
    Relation,
)
from casework.models.parties import REDACT, CaseParty, CaseReporter, Finding
from casework.models.states import (
    BOARD_COLUMNS,
    CLOSED_STATES,
    STATE_LABELS,
    TRANSITIONS,
    WHO_LABELS,
    WHO_PERMISSIONS,
    CaseState,
    Transition,
    Who,
    allowed_targets,
)
from casework.models.threads import CaseMessage, Thread

__all__ = [
    "BOARD_COLUMNS",
    "CLOSED_STATES",
    "DEADLINE_LABELS",
    "DEADLINE_ON_ENTRY",
    "DOCUMENT_LABELS",
    "EVIDENCE_LABELS",
    "EXTERNAL_EXPERT_LABEL",
    "OUTCOME_LABELS",
    "REDACT",
    "RELATION_LABELS",
    "SOURCE_LABELS",
    "STATE_LABELS",
    "TRANSITIONS",
    "WHO_LABELS",
    "WHO_PERMISSIONS",
    "Appeal",
    "Case",
    "CaseDecision",
    "CaseDeadline",
    "CaseDocument",
    "CaseEvent",
    "CaseMessage",
    "CaseParty",
    "CaseReminder",
    "CaseReporter",
    "CaseSanction",
    "CaseSource",
    "CaseState",
    "ConflictDeclaration",
    "DeadlineExtension",
    "DeadlineRule",
    "DocumentKind",
    "Evidence",
    "EvidenceKind",
    "Finding",
    "Interview",
    "Outcome",
    "PanelExpert",
    "PanelMember",
    "RecusalCheck",
    "Relation",
    "SanctionStatus",
    "Thread",
    "Transition",
    "Who",
    "allowed_targets",
]
