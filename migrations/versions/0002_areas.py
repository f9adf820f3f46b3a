"""areas: screening, casework, credit, archive records and search

Revision ID: 0002_areas
Revises: 0001_foundation
Create Date: 2026-11-26 19:18:38.569487
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import archive.kernel.db

revision: str = "0002_areas"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "credit_commitment_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "occasion",
            sa.Enum(
                "exam",
                "admission",
                "project_application",
                "title_evaluation",
                "student_aid",
                "performance_review",
                "award",
                "data_reporting",
                "credit_repair",
                name="occasion",
                native_enum=False,
                length=27,
            ),
            nullable=False,
        ),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_commitment_templates")),
        sa.UniqueConstraint(
            "occasion", name=op.f("uq_credit_commitment_templates_occasion")
        ),
    )
    op.create_table(
        "credit_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("from_seq", sa.Integer(), nullable=False),
        sa.Column("to_seq", sa.Integer(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("started_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=160), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_exports")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_exports_number")),
    )
    op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("day", name=op.f("uq_holidays_day")),
    )
    op.create_table(
        "scheduled_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_run_on", sa.Date(), nullable=False),
        sa.Column("last_run_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("last_result", sa.String(length=2000), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_runs")),
    )
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("last_verified_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.Column("last_verified_ok", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_stored_files_sha256")),
    )
    op.create_table(
        "archive_file_texts",
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("extracted_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_files.id"],
            name=op.f("fk_archive_file_texts_stored_file_id_stored_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("stored_file_id", name=op.f("pk_archive_file_texts")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("allegation", sa.Text(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "screening",
                "named",
                "anonymous",
                "media",
                "initiative",
                name="casesource",
                native_enum=False,
                length=18,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "screening",
                "rejected",
                "accepted",
                "investigating",
                "suspended",
                "report_draft",
                "respondent_comment",
                "determination",
                "decided",
                "cleared",
                "notified",
                "appeal_window",
                "appeal",
                "review",
                "final",
                "sanctions_active",
                "terminated",
                "transferred",
                "archived",
                name="casestate",
                native_enum=False,
                length=26,
            ),
            nullable=False,
        ),
        sa.Column("state_entered_on", sa.Date(), nullable=False),
        sa.Column(
            "misconduct_type",
            sa.Enum(
                "plagiarism",
                "fabrication",
                "paper_mill",
                "fraudulent_application",
                "fake_ethics",
                "improper_authorship",
                "duplicate_publication",
                "tampering",
                "other",
                name="misconducttype",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("unit", sa.String(length=128), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "rejected",
                "misconduct",
                "cleared",
                "terminated",
                "transferred",
                name="outcome",
                native_enum=False,
                length=19,
            ),
            nullable=True,
        ),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("screening_submission_id", sa.Integer(), nullable=True),
        sa.Column("credit_handoff", sa.String(length=32), nullable=True),
        sa.Column("archive_status", sa.String(length=32), nullable=True),
        sa.Column("archive_record_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_cases_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_state"), ["state"], unique=False)

    op.create_table(
        "corpus_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_id", sa.String(length=512), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_university_id", sa.String(length=32), nullable=True),
        sa.Column("author_key", sa.String(length=200), nullable=True),
        sa.Column("venue", sa.String(length=255), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("source_path", sa.String(length=1024), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=True),
        sa.Column("char_count", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_corpus_documents_added_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_files.id"],
            name=op.f("fk_corpus_documents_stored_file_id_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corpus_documents")),
        sa.UniqueConstraint("doc_id", name=op.f("uq_corpus_documents_doc_id")),
    )
    with op.batch_alter_table("corpus_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_corpus_documents_author_key"), ["author_key"], unique=False
        )

    op.create_table(
        "credit_commitment_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_credit_commitment_versions_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["credit_commitment_templates.id"],
            name=op.f(
                "fk_credit_commitment_versions_template_id_credit_commitment_templates"
            ),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_commitment_versions")),
        sa.UniqueConstraint(
            "template_id",
            "number",
            name=op.f("uq_credit_commitment_versions_template_id"),
        ),
    )
    with op.batch_alter_table("credit_commitment_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_commitment_versions_template_id"),
            ["template_id"],
            unique=False,
        )

    op.create_table(
        "credit_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "teacher_ethics",
                "student_integrity",
                "unit",
                name="evaluationkind",
                native_enum=False,
                length=25,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_credit_rule_sets_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_rule_sets")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_credit_rule_sets_kind")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "teacher",
                "student",
                "staff",
                "unit",
                "external",
                name="personkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("university_id", sa.String(length=32), nullable=True),
        sa.Column("unit", sa.String(length=128), nullable=True),
        sa.Column("title", sa.String(length=64), nullable=True),
        sa.Column("id_number", sa.String(length=32), nullable=True),
        sa.Column("credit_code", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_people_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("university_id", name=op.f("uq_people_university_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_people_user_id")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_name"), ["name"], unique=False)

    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "project",
                "paper",
                "thesis",
                "data",
                "notebook",
                "case_file",
                name="recordtype",
                native_enum=False,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=128), nullable=True),
        sa.Column("discipline", sa.String(length=64), nullable=True),
        sa.Column("date_start", sa.Date(), nullable=True),
        sa.Column("date_end", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("case_number", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("sanctions", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "retention_class",
            sa.Enum(
                "permanent",
                "30y",
                "10y",
                name="retentionclass",
                native_enum=False,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("retention_basis", sa.String(length=255), nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=True),
        sa.Column(
            "access_level",
            sa.Enum(
                "open",
                "roles",
                "sealed",
                name="accesslevel",
                native_enum=False,
                length=14,
            ),
            nullable=False,
        ),
        sa.Column("access_roles", sa.JSON(), nullable=False),
        sa.Column("sealed_until", sa.Date(), nullable=True),
        sa.Column("access_reason", sa.String(length=255), nullable=False),
        sa.Column("eff_roles_mask", sa.Integer(), nullable=False),
        sa.Column("eff_sealed_until", sa.Date(), nullable=True),
        sa.Column("eff_seal_mask", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active", "disposed", name="recordstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_records_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["records.id"], name=op.f("fk_records_parent_id_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
        sa.UniqueConstraint("case_number", name=op.f("uq_records_case_number")),
        sa.UniqueConstraint("number", name=op.f("uq_records_number")),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_records_discipline"), ["discipline"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_records_fingerprint"), ["fingerprint"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_records_outcome"), ["outcome"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_records_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_records_retention_class"), ["retention_class"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_records_retention_until"), ["retention_until"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_records_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_records_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_records_unit"), ["unit"], unique=False)
        batch_op.create_index(batch_op.f("ix_records_year"), ["year"], unique=False)

    op.create_table(
        "screening_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("compare_peers", sa.Boolean(), nullable=False),
        sa.Column("min_match_chars", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_screening_batches_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_batches")),
    )
    op.create_table(
        "archive_search_docs",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("title_seg", sa.Text(), nullable=False),
        sa.Column("meta_seg", sa.Text(), nullable=False),
        sa.Column("body_seg", sa.Text(), nullable=False),
        sa.Column("grams", sa.Text(), nullable=False),
        sa.Column("plain", sa.Text(), nullable=False),
        sa.Column("indexed_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_archive_search_docs_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_archive_search_docs")),
    )
    op.create_table(
        "case_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column(
            "relation",
            sa.Enum(
                "coauthor",
                "relative",
                "supervisor",
                "same_unit",
                "party",
                "other",
                name="relation",
                native_enum=False,
                length=18,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("is_self_declared", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_conflicts_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_case_conflicts_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_case_conflicts_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_conflicts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_conflicts")),
    )
    with op.batch_alter_table("case_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_conflicts_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "rule",
            sa.Enum(
                "log_same_day",
                "screening",
                "investigation",
                "respondent_comment",
                "appeal_window",
                "appeal_acceptance",
                name="deadlinerule",
                native_enum=False,
                length=26,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "screening",
                "rejected",
                "accepted",
                "investigating",
                "suspended",
                "report_draft",
                "respondent_comment",
                "determination",
                "decided",
                "cleared",
                "notified",
                "appeal_window",
                "appeal",
                "review",
                "final",
                "sanctions_active",
                "terminated",
                "transferred",
                "archived",
                name="casestate",
                native_enum=False,
                length=26,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("original_due_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=255), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("paused_on", sa.Date(), nullable=True),
        sa.Column("alert", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_deadlines_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_deadlines")),
    )
    with op.batch_alter_table("case_deadlines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_deadlines_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("is_misconduct", sa.Boolean(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("vote", sa.String(length=255), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("deciding_unit", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_decisions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_case_decisions_decided_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_decisions")),
        sa.UniqueConstraint("number", name=op.f("uq_case_decisions_number")),
    )
    with op.batch_alter_table("case_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_decisions_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "received",
                "screening",
                "rejected",
                "accepted",
                "investigating",
                "suspended",
                "report_draft",
                "respondent_comment",
                "determination",
                "decided",
                "cleared",
                "notified",
                "appeal_window",
                "appeal",
                "review",
                "final",
                "sanctions_active",
                "terminated",
                "transferred",
                "archived",
                name="casestate",
                native_enum=False,
                length=26,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "received",
                "screening",
                "rejected",
                "accepted",
                "investigating",
                "suspended",
                "report_draft",
                "respondent_comment",
                "determination",
                "decided",
                "cleared",
                "notified",
                "appeal_window",
                "appeal",
                "review",
                "final",
                "sanctions_active",
                "terminated",
                "transferred",
                "archived",
                name="casestate",
                native_enum=False,
                length=26,
            ),
            nullable=True,
        ),
        sa.Column("summary", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("is_internal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_case_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "file",
                "note",
                "screening_report",
                "tip_attachment",
                "report_draft",
                name="evidencekind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("received_from", sa.String(length=128), nullable=True),
        sa.Column("stored_file_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_by_label", sa.String(length=160), nullable=False),
        sa.Column("added_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_case_evidence_added_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_evidence_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_files.id"],
            name=op.f("fk_case_evidence_stored_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["case_evidence.id"],
            name=op.f("fk_case_evidence_supersedes_id_case_evidence"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_evidence")),
    )
    with op.batch_alter_table("case_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_evidence_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("interviewee", sa.String(length=128), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=128), nullable=True),
        sa.Column("interviewer1_id", sa.Integer(), nullable=False),
        sa.Column("interviewer2_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("signed_scan_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_case_interviews_added_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_interviews_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["interviewer1_id"],
            ["users.id"],
            name=op.f("fk_case_interviews_interviewer1_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["interviewer2_id"],
            ["users.id"],
            name=op.f("fk_case_interviews_interviewer2_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_scan_id"],
            ["stored_files.id"],
            name=op.f("fk_case_interviews_signed_scan_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["case_interviews.id"],
            name=op.f("fk_case_interviews_supersedes_id_case_interviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_interviews")),
    )
    with op.batch_alter_table("case_interviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_interviews_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "thread",
            sa.Enum(
                "reporter",
                "internal",
                "respondent",
                name="thread",
                native_enum=False,
                length=18,
            ),
            nullable=False,
        ),
        sa.Column("from_outside", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=160), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_question", sa.Boolean(), nullable=False),
        sa.Column("at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_case_messages_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_messages_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_messages")),
    )
    with op.batch_alter_table("case_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_messages_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_panel_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("removed_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_case_panel_members_assigned_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_panel_members_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_panel_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_panel_members")),
    )
    with op.batch_alter_table("case_panel_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_panel_members_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role_note", sa.String(length=128), nullable=True),
        sa.Column(
            "finding",
            sa.Enum(
                "misconduct",
                "not_established",
                name="finding",
                native_enum=False,
                length=23,
            ),
            nullable=True,
        ),
        sa.Column(
            "finding_type",
            sa.Enum(
                "plagiarism",
                "fabrication",
                "paper_mill",
                "fraudulent_application",
                "fake_ethics",
                "improper_authorship",
                "duplicate_publication",
                "tampering",
                "other",
                name="misconducttype",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("finding_facts", sa.Text(), nullable=True),
        sa.Column("is_serious", sa.Boolean(), nullable=False),
        sa.Column("appeal_due_on", sa.Date(), nullable=True),
        sa.Column("added_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_parties_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_case_parties_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_parties")),
        sa.UniqueConstraint(
            "case_id", "person_id", name=op.f("uq_case_parties_case_id")
        ),
    )
    with op.batch_alter_table("case_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_parties_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_recusal_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("is_clear", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_recusal_checks_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"],
            ["users.id"],
            name=op.f("fk_case_recusal_checks_checked_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_recusal_checks_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_recusal_checks")),
    )
    with op.batch_alter_table("case_recusal_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_recusal_checks_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_reporters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("is_anonymous", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("contact", sa.String(length=255), nullable=True),
        sa.Column("unit", sa.String(length=128), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("receipt_digest", sa.String(length=64), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("last_seen_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_reporters_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_case_reporters_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_reporters_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reporters")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_reporters_case_id")),
        sa.UniqueConstraint(
            "receipt_digest", name=op.f("uq_case_reporters_receipt_digest")
        ),
    )
    op.create_table(
        "credit_commitment_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("context", sa.String(length=255), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_credit_commitment_signatures_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["users.id"],
            name=op.f("fk_credit_commitment_signatures_signed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["credit_commitment_versions.id"],
            name=op.f(
                "fk_credit_commitment_signatures_version_id_credit_commitment_versions"
            ),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_commitment_signatures")),
    )
    with op.batch_alter_table("credit_commitment_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_commitment_signatures_person_id"),
            ["person_id"],
            unique=False,
        )

    op.create_table(
        "credit_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "teacher_ethics",
                "student_integrity",
                "unit",
                name="evaluationkind",
                native_enum=False,
                length=25,
            ),
            nullable=False,
        ),
        sa.Column("rule_set_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("computed_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_credit_grades_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["rule_set_id"],
            ["credit_rule_sets.id"],
            name=op.f("fk_credit_grades_rule_set_id_credit_rule_sets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_grades")),
    )
    with op.batch_alter_table("credit_grades", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_grades_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "credit_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("verification_code", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["users.id"],
            name=op.f("fk_credit_reports_issued_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_credit_reports_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_reports")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_reports_number")),
        sa.UniqueConstraint(
            "verification_code", name=op.f("uq_credit_reports_verification_code")
        ),
    )
    with op.batch_alter_table("credit_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_reports_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "record_disposal_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="disposalstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_record_disposal_requests_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_disposal_requests_record_id_records"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_record_disposal_requests_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_disposal_requests")),
    )
    with op.batch_alter_table("record_disposal_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_disposal_requests_record_id"),
            ["record_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_record_disposal_requests_status"), ["status"], unique=False
        )

    op.create_table(
        "record_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "main",
                "attachment",
                "evidence",
                "decision",
                "letter",
                "report",
                name="filerole",
                native_enum=False,
                length=18,
            ),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("added_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_record_files_added_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_files_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_files.id"],
            name=op.f("fk_record_files_stored_file_id_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_files")),
        sa.UniqueConstraint(
            "record_id", "stored_file_id", name=op.f("uq_record_files_record_id")
        ),
    )
    with op.batch_alter_table("record_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_files_record_id"), ["record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_files_stored_file_id"),
            ["stored_file_id"],
            unique=False,
        )

    op.create_table(
        "record_keywords",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_keywords_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_keywords")),
    )
    with op.batch_alter_table("record_keywords", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_keywords_keyword"), ["keyword"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_keywords_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "record_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_record_people_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_people_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_people")),
    )
    with op.batch_alter_table("record_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_people_name"), ["name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_people_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_people_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "record_tombstones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_number", sa.String(length=80), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("retention_class", sa.String(length=16), nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=160), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.String(length=160), nullable=False),
        sa.Column("disposed_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_record_tombstones_approved_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_tombstones_record_id_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_tombstones")),
        sa.UniqueConstraint("record_id", name=op.f("uq_record_tombstones_record_id")),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("university_id", sa.String(length=32), nullable=True),
        sa.Column("major", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "parsing",
                "comparing",
                "done",
                "failed",
                name="submissionstate",
                native_enum=False,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("reason_message", sa.String(length=2000), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("char_count", sa.Integer(), nullable=True),
        sa.Column("text_sha256", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("report_number", sa.String(length=40), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("copy_ratio", sa.Double(), nullable=True),
        sa.Column("copy_ratio_without_quotes", sa.Double(), nullable=True),
        sa.Column("copy_ratio_without_own", sa.Double(), nullable=True),
        sa.Column("max_source_ratio", sa.Double(), nullable=True),
        sa.Column("max_source_id", sa.String(length=512), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("started_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["screening_batches.id"],
            name=op.f("fk_submissions_batch_id_screening_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_files.id"],
            name=op.f("fk_submissions_stored_file_id_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submissions_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_submissions_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_submissions_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "case_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_appeals_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"],
            ["users.id"],
            name=op.f("fk_case_appeals_filed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["case_parties.id"],
            name=op.f("fk_case_appeals_party_id_case_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_appeals")),
    )
    with op.batch_alter_table("case_appeals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_appeals_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_deadline_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("old_due_on", sa.Date(), nullable=False),
        sa.Column("new_due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=128), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_case_deadline_extensions_approved_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_deadline_extensions_case_id_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["deadline_id"],
            ["case_deadlines.id"],
            name=op.f("fk_case_deadline_extensions_deadline_id_case_deadlines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_deadline_extensions")),
    )
    with op.batch_alter_table("case_deadline_extensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_deadline_extensions_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_case_deadline_extensions_deadline_id"),
            ["deadline_id"],
            unique=False,
        )

    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "decision_letter",
                "clearance_letter",
                "rejection_notice",
                "review_decision",
                name="documentkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_documents_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_case_documents_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["case_decisions.id"],
            name=op.f("fk_case_documents_decision_id_case_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["case_parties.id"],
            name=op.f("fk_case_documents_party_id_case_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["stored_file_id"],
            ["stored_files.id"],
            name=op.f("fk_case_documents_stored_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["case_documents.id"],
            name=op.f("fk_case_documents_supersedes_id_case_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
    )
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_documents_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "case_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("read_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_reminders_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["deadline_id"],
            ["case_deadlines.id"],
            name=op.f("fk_case_reminders_deadline_id_case_deadlines"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_reminders_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reminders")),
        sa.UniqueConstraint(
            "user_id", "deadline_id", "level", name=op.f("uq_case_reminders_user_id")
        ),
    )
    with op.batch_alter_table("case_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_reminders_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "case_sanctions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("months", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("report_to_province", sa.Boolean(), nullable=False),
        sa.Column(
            "credit_class",
            sa.Enum(
                "minor",
                "general",
                "serious",
                name="creditclass",
                native_enum=False,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "decided",
                "active",
                "handed_off",
                "withdrawn",
                name="sanctionstatus",
                native_enum=False,
                length=18,
            ),
            nullable=False,
        ),
        sa.Column("handed_off_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_sanctions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["case_decisions.id"],
            name=op.f("fk_case_sanctions_decision_id_case_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["case_parties.id"],
            name=op.f("fk_case_sanctions_party_id_case_parties"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_sanctions")),
    )
    with op.batch_alter_table("case_sanctions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_sanctions_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "credit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "dishonesty",
                "honour",
                "clearance",
                name="recordkind",
                native_enum=False,
                length=18,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column(
            "credit_class",
            sa.Enum(
                "minor",
                "general",
                "serious",
                name="creditclass",
                native_enum=False,
                length=15,
            ),
            nullable=True,
        ),
        sa.Column("sanction_code", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("case_number", sa.String(length=32), nullable=True),
        sa.Column("decision_number", sa.String(length=64), nullable=True),
        sa.Column("deciding_unit", sa.String(length=128), nullable=True),
        sa.Column("misconduct_type", sa.String(length=128), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("is_permanent", sa.Boolean(), nullable=False),
        sa.Column("disclosure_until", sa.Date(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("report_to_province", sa.Boolean(), nullable=False),
        sa.Column("is_repairable", sa.Boolean(), nullable=False),
        sa.Column("is_ban", sa.Boolean(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("dedup_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["credit_records.id"],
            name=op.f("fk_credit_records_corrects_id_credit_records"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_credit_records_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_credit_records_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["credit_commitment_signatures.id"],
            name=op.f("fk_credit_records_signature_id_credit_commitment_signatures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_records")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_credit_records_dedup_key")),
    )
    with op.batch_alter_table("credit_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_records_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_records_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "credit_repairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "approved",
                "refused",
                name="repairstatus",
                native_enum=False,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("applied_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("applied_by_id", sa.Integer(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("has_met_obligations", sa.Boolean(), nullable=False),
        sa.Column("obligations_evidence", sa.Text(), nullable=False),
        sa.Column("proof_file_id", sa.Integer(), nullable=True),
        sa.Column("signature_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("decided_at", archive.kernel.db.UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applied_by_id"],
            ["users.id"],
            name=op.f("fk_credit_repairs_applied_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_credit_repairs_decided_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_credit_repairs_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["proof_file_id"],
            ["stored_files.id"],
            name=op.f("fk_credit_repairs_proof_file_id_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["credit_records.id"],
            name=op.f("fk_credit_repairs_record_id_credit_records"),
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["credit_commitment_signatures.id"],
            name=op.f("fk_credit_repairs_signature_id_credit_commitment_signatures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_repairs")),
    )
    with op.batch_alter_table("credit_repairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_repairs_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_repairs_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "credit_record_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "created",
                "disclosure_ended",
                "expired",
                "repaired",
                "corrected",
                name="recordeventkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("repair_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_credit_record_events_actor_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["credit_records.id"],
            name=op.f("fk_credit_record_events_record_id_credit_records"),
        ),
        sa.ForeignKeyConstraint(
            ["repair_id"],
            ["credit_repairs.id"],
            name=op.f("fk_credit_record_events_repair_id_credit_repairs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_record_events")),
        sa.UniqueConstraint(
            "record_id", "kind", name=op.f("uq_credit_record_events_record_id")
        ),
    )
    with op.batch_alter_table("credit_record_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_record_events_record_id"), ["record_id"], unique=False
        )

    # Full-text search objects (archive/search.py search_schema_ddl, frozen here).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE archive_search_docs ADD COLUMN IF NOT EXISTS tsv tsvector"
        )
        op.execute(
            "CREATE OR REPLACE FUNCTION archive_search_docs_tsv() RETURNS trigger AS $$ BEGIN NEW.tsv := setweight(to_tsvector('simple', coalesce(NEW.title_seg, '')), 'A') || setweight(to_tsvector('simple', coalesce(NEW.meta_seg, '')), 'B') || setweight(to_tsvector('simple', coalesce(NEW.body_seg, '')), 'C') || setweight(to_tsvector('simple', coalesce(NEW.grams, '')), 'D'); RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE OR REPLACE TRIGGER archive_search_docs_tsv BEFORE INSERT OR UPDATE ON archive_search_docs FOR EACH ROW EXECUTE FUNCTION archive_search_docs_tsv()"
        )
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_archive_search_docs_tsv ON archive_search_docs USING gin (tsv)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS archive_fts USING fts5(title_seg, meta_seg, body_seg, grams, content='archive_search_docs', content_rowid='record_id', tokenize='unicode61 remove_diacritics 0')"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS archive_search_docs_ai AFTER INSERT ON archive_search_docs BEGIN INSERT INTO archive_fts(rowid, title_seg, meta_seg, body_seg, grams) VALUES (new.record_id, new.title_seg, new.meta_seg, new.body_seg, new.grams); END"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS archive_search_docs_ad AFTER DELETE ON archive_search_docs BEGIN INSERT INTO archive_fts(archive_fts, rowid, title_seg, meta_seg, body_seg, grams) VALUES ('delete', old.record_id, old.title_seg, old.meta_seg, old.body_seg, old.grams); END"
        )
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS archive_search_docs_au AFTER UPDATE ON archive_search_docs BEGIN INSERT INTO archive_fts(archive_fts, rowid, title_seg, meta_seg, body_seg, grams) VALUES ('delete', old.record_id, old.title_seg, old.meta_seg, old.body_seg, old.grams); INSERT INTO archive_fts(rowid, title_seg, meta_seg, body_seg, grams) VALUES (new.record_id, new.title_seg, new.meta_seg, new.body_seg, new.grams); END"
        )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS archive_search_docs_tsv ON archive_search_docs"
        )
        op.execute("DROP FUNCTION IF EXISTS archive_search_docs_tsv()")
        op.execute("DROP INDEX IF EXISTS ix_archive_search_docs_tsv")
        op.execute("ALTER TABLE archive_search_docs DROP COLUMN IF EXISTS tsv")
    else:
        op.execute("DROP TRIGGER IF EXISTS archive_search_docs_ai")
        op.execute("DROP TRIGGER IF EXISTS archive_search_docs_ad")
        op.execute("DROP TRIGGER IF EXISTS archive_search_docs_au")
        op.execute("DROP TABLE IF EXISTS archive_fts")
    with op.batch_alter_table("credit_record_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_record_events_record_id"))

    op.drop_table("credit_record_events")
    with op.batch_alter_table("credit_repairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_repairs_record_id"))
        batch_op.drop_index(batch_op.f("ix_credit_repairs_person_id"))

    op.drop_table("credit_repairs")
    with op.batch_alter_table("credit_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_records_person_id"))
        batch_op.drop_index(batch_op.f("ix_credit_records_case_id"))

    op.drop_table("credit_records")
    with op.batch_alter_table("case_sanctions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_sanctions_case_id"))

    op.drop_table("case_sanctions")
    with op.batch_alter_table("case_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_reminders_user_id"))

    op.drop_table("case_reminders")
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_documents_case_id"))

    op.drop_table("case_documents")
    with op.batch_alter_table("case_deadline_extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_deadline_extensions_deadline_id"))
        batch_op.drop_index(batch_op.f("ix_case_deadline_extensions_case_id"))

    op.drop_table("case_deadline_extensions")
    with op.batch_alter_table("case_appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_appeals_case_id"))

    op.drop_table("case_appeals")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_record_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_case_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_batch_id"))

    op.drop_table("submissions")
    op.drop_table("record_tombstones")
    with op.batch_alter_table("record_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_people_record_id"))
        batch_op.drop_index(batch_op.f("ix_record_people_person_id"))
        batch_op.drop_index(batch_op.f("ix_record_people_name"))

    op.drop_table("record_people")
    with op.batch_alter_table("record_keywords", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_keywords_record_id"))
        batch_op.drop_index(batch_op.f("ix_record_keywords_keyword"))

    op.drop_table("record_keywords")
    with op.batch_alter_table("record_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_files_stored_file_id"))
        batch_op.drop_index(batch_op.f("ix_record_files_record_id"))

    op.drop_table("record_files")
    with op.batch_alter_table("record_disposal_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_disposal_requests_status"))
        batch_op.drop_index(batch_op.f("ix_record_disposal_requests_record_id"))

    op.drop_table("record_disposal_requests")
    with op.batch_alter_table("credit_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_reports_person_id"))

    op.drop_table("credit_reports")
    with op.batch_alter_table("credit_grades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_grades_person_id"))

    op.drop_table("credit_grades")
    with op.batch_alter_table("credit_commitment_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_commitment_signatures_person_id"))

    op.drop_table("credit_commitment_signatures")
    op.drop_table("case_reporters")
    with op.batch_alter_table("case_recusal_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_recusal_checks_case_id"))

    op.drop_table("case_recusal_checks")
    with op.batch_alter_table("case_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_parties_case_id"))

    op.drop_table("case_parties")
    with op.batch_alter_table("case_panel_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_panel_members_case_id"))

    op.drop_table("case_panel_members")
    with op.batch_alter_table("case_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_messages_case_id"))

    op.drop_table("case_messages")
    with op.batch_alter_table("case_interviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_interviews_case_id"))

    op.drop_table("case_interviews")
    with op.batch_alter_table("case_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_evidence_case_id"))

    op.drop_table("case_evidence")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    with op.batch_alter_table("case_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_decisions_case_id"))

    op.drop_table("case_decisions")
    with op.batch_alter_table("case_deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_deadlines_case_id"))

    op.drop_table("case_deadlines")
    with op.batch_alter_table("case_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_conflicts_case_id"))

    op.drop_table("case_conflicts")
    op.drop_table("archive_search_docs")
    op.drop_table("screening_batches")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_year"))
        batch_op.drop_index(batch_op.f("ix_records_unit"))
        batch_op.drop_index(batch_op.f("ix_records_type"))
        batch_op.drop_index(batch_op.f("ix_records_status"))
        batch_op.drop_index(batch_op.f("ix_records_retention_until"))
        batch_op.drop_index(batch_op.f("ix_records_retention_class"))
        batch_op.drop_index(batch_op.f("ix_records_parent_id"))
        batch_op.drop_index(batch_op.f("ix_records_outcome"))
        batch_op.drop_index(batch_op.f("ix_records_fingerprint"))
        batch_op.drop_index(batch_op.f("ix_records_discipline"))

    op.drop_table("records")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_name"))

    op.drop_table("people")
    op.drop_table("credit_rule_sets")
    with op.batch_alter_table("credit_commitment_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_commitment_versions_template_id"))

    op.drop_table("credit_commitment_versions")
    with op.batch_alter_table("corpus_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corpus_documents_author_key"))

    op.drop_table("corpus_documents")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_state"))

    op.drop_table("cases")
    op.drop_table("archive_file_texts")
    op.drop_table("stored_files")
    op.drop_table("scheduled_runs")
    op.drop_table("holidays")
    op.drop_table("credit_exports")
    op.drop_table("credit_commitment_templates")
