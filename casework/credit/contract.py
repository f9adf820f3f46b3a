"""What casework hands to credit when a decision becomes final (the hand-off contract).

Casework builds one `SanctionInput` per sanction of a final decision and calls
`casework.credit.services.ingest_final_decision(session, actor=..., case_id=..., entries=[...])`;
credit turns them into dishonesty records and sanction-list entries. A cleared respondent is
handed over as `ClearanceInput` so a credit file can show that the allegation was unfounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casework.catalogue import CreditClass


@dataclass(frozen=True)
class SanctionInput:
    """One sanction of a final decision against one person or unit."""

    person_id: int
    code: str  # catalogue code, "S01".."S15"
    starts_on: date
    ends_on: date | None  # None: permanent or one-off
    is_public: bool  # may appear on the public disclosure page (公示)
    report_to_province: bool  # goes to the provincial joint system (报送)
    credit_class: CreditClass  # 轻微 / 一般 / 严重
    decision_number: str  # 处理决定书文号
    reason: str  # 事由 / 失信行为事实 (no personal data of the reporter)
    basis: str  # 依据 (rules applied)
    decided_on: date
    deciding_unit: str  # 决定单位
    misconduct_type: str  # casework.catalogue.MisconductType value
    case_number: str  # 案件编号, for links back to the case


@dataclass(frozen=True)
class ClearanceInput:
    """A respondent found not to have committed misconduct (name restored)."""

    person_id: int
    decided_on: date
    decision_number: str
    case_number: str
