"""archive: case files keep out the users their case's conflict rules kept out

Revision ID: 0006_trust_holes_rec_exclusions
Revises: 0005_report_office_hidden_text
Create Date: 2026-12-07 13:40:00

Case files archived before this revision get their exclusions from the case they came from
(declared conflicts and failed recusal checks); respondents are matched through the record's
people and need no rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_trust_holes_rec_exclusions"
down_revision: str | Sequence[str] | None = "0005_report_office_hidden_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "record_exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_exclusions_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_record_exclusions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_exclusions")),
        sa.UniqueConstraint(
            "record_id", "user_id", name=op.f("uq_record_exclusions_record_id")
        ),
    )
    with op.batch_alter_table("record_exclusions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_exclusions_record_id"), ["record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_exclusions_user_id"), ["user_id"], unique=False
        )
    _backfill()


def _backfill() -> None:
    """Exclusions for case files already archived, from their cases' conflict records."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT DISTINCT r.id, x.user_id FROM records r "
            "JOIN cases c ON r.case_number = c.number "
            "JOIN (SELECT case_id, user_id FROM case_conflicts "
            "      UNION SELECT case_id, user_id FROM case_recusal_checks "
            "      WHERE is_clear = :no) x ON x.case_id = c.id "
            "WHERE r.type = 'case_file'"
        ),
        {"no": False},
    ).all()
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO record_exclusions (record_id, user_id, reason) "
                "VALUES (:r, :u, 'recused')"
            ),
            [{"r": r, "u": u} for r, u in rows],
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("record_exclusions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_exclusions_user_id"))
        batch_op.drop_index(batch_op.f("ix_record_exclusions_record_id"))
    op.drop_table("record_exclusions")
