"""corpus: index the time documents were added (read by every screening)

Revision ID: 0003_corpus_added_at
Revises: 0002_areas
Create Date: 2026-11-27 00:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_corpus_added_at"
down_revision: str | Sequence[str] | None = "0002_areas"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("corpus_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_corpus_documents_added_at"), ["added_at"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("corpus_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corpus_documents_added_at"))
