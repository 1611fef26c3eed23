"""Signed documents: who signed each stored document, with which certificate and when, the hash
of the signed file; records of receipt of documents opened through a link.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("signed_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signer_org", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("signer_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column("signer_serial", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_document_signed_sha256"), ["signed_sha256"], unique=False)
    op.create_table(
        "document_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("signed_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("document_receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_receipt_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_receipt_reference"), ["reference"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_receipt_reference"))
        batch_op.drop_index(batch_op.f("ix_document_receipt_document_id"))
    op.drop_table("document_receipt")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_signed_sha256"))
        batch_op.drop_column("signed_at")
        batch_op.drop_column("signer_serial")
        batch_op.drop_column("signer_name")
        batch_op.drop_column("signer_org")
        batch_op.drop_column("signed_size")
        batch_op.drop_column("signed_sha256")
