"""screening: Idempotency-Key of API uploads (a repeated request creates nothing new)

Revision ID: 0007_trust_ops_request_keys
Revises: 0006_trust_holes_rec_exclusions
Create Date: 2026-12-07 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import archive.kernel.db

revision: str = "0007_trust_ops_request_keys"
down_revision: str | Sequence[str] | None = "0006_trust_holes_rec_exclusions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "screening_request_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("submission_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", archive.kernel.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["screening_batches.id"],
            name=op.f("fk_screening_request_keys_batch_id_screening_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_screening_request_keys_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_request_keys")),
        sa.UniqueConstraint(
            "user_id", "key", name=op.f("uq_screening_request_keys_user_id")
        ),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("screening_request_keys")
