"""The credit services in one place: what casework, the web, the CLI and jobs call.

The functions live in modules by noun (files, commitments, evaluation, supervision,
sanction_list, repair, report, export); this module re-exports them so callers have one
import, and so the hand-off contract reads `casework.credit.services.ingest_final_decision`.
"""

from __future__ import annotations

from casework.credit.commitments import (
    StaleTemplate,
    ensure_templates,
    find_signature,
    get_template,
    get_version,
    list_signatures,
    list_templates,
    record_broken_commitment,
    save_template_version,
    sign_commitment,
    template_for,
)
from casework.credit.entries import add_honour, correct_record
from casework.credit.evaluation import (
    ACTIONS,
    GRADE_LABELS,
    compute,
    current_grade,
    current_rule_set,
    grade_counts,
    kind_for,
    latest_grade,
    list_rule_sets,
    recompute_grade,
    save_rule_set,
    validate_rules,
)
from casework.credit.export import (
    export_changes,
    export_file,
    last_export,
    list_exports,
    read_rows,
)
from casework.credit.files import (
    get_record,
    get_subject,
    get_subject_by_university_id,
    may_view_file,
    record_state,
    search_subjects,
    subject_of_user,
)
from casework.credit.overview import credit_file, view_credit_file
from casework.credit.repair import (
    application_for,
    apply_for_repair,
    decide_repair,
    eligibility,
    get_repair,
    list_repairs,
    list_repairs_of,
    proof_of,
)
from casework.credit.report import build_report, issue_report, verify_report
from casework.credit.sanction_list import (
    ingest_final_decision,
    list_sanctions,
    public_sanctions,
)
from casework.credit.supervision import (
    ACTION_LABELS,
    CheckResult,
    check,
    check_number,
    may_check,
)

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "GRADE_LABELS",
    "CheckResult",
    "StaleTemplate",
    "add_honour",
    "application_for",
    "apply_for_repair",
    "build_report",
    "check",
    "check_number",
    "compute",
    "correct_record",
    "credit_file",
    "current_grade",
    "current_rule_set",
    "decide_repair",
    "eligibility",
    "ensure_templates",
    "export_changes",
    "export_file",
    "find_signature",
    "get_record",
    "get_repair",
    "get_subject",
    "get_subject_by_university_id",
    "get_template",
    "get_version",
    "grade_counts",
    "ingest_final_decision",
    "issue_report",
    "kind_for",
    "last_export",
    "latest_grade",
    "list_exports",
    "list_repairs",
    "list_repairs_of",
    "list_rule_sets",
    "list_sanctions",
    "list_signatures",
    "list_templates",
    "may_check",
    "may_view_file",
    "proof_of",
    "public_sanctions",
    "read_rows",
    "recompute_grade",
    "record_broken_commitment",
    "record_state",
    "save_rule_set",
    "save_template_version",
    "search_subjects",
    "sign_commitment",
    "subject_of_user",
    "template_for",
    "validate_rules",
    "verify_report",
    "view_credit_file",
]
