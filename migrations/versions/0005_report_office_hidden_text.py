"""submissions: keep the spans of text a file hides from its reader (flagged in reports)

Revision ID: 0005_report_office_hidden_text
Revises: 0004_casework_day_panel_hearing
Create Date: 2026-12-07 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_report_office_hidden_text"
down_revision: str | Sequence[str] | None = "0004_casework_day_panel_hearing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_spans", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("hidden_spans")
